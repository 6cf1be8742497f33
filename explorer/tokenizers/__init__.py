"""Tokenizer inspector: one interface over every tokenizer, bytes, batches, chat templates, decoding."""
