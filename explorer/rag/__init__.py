"""Search and answer: corpus, chunking, FAISS indexes, retrieval, prompts and answers (RAG)."""
