"""Embedding space: GloVe words and their arithmetic, contextual vectors, presets and figures."""
