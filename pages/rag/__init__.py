"""Search and answer page: vector search and retrieval-augmented generation."""
