"""Finding passages: French analysis, BM25, embeddings, the index on disk, fusion, retrieval."""
