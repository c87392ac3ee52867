"""What the page and the CLI show around an answer: conversation turns, export, feedback."""
