"""Reading documents into passages: files, PDF pages, Markdown, FAQ entries, chunks, sentences."""
