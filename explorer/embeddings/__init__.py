"""Embedding space: GloVe words, sentence and contextual vectors, presets and figures."""
