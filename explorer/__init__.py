"""LLM Explorer computation package: models, tokenizers, attention, sampling.

Pure Python on top of PyTorch / transformers / scikit-learn. It never imports
streamlit, so every function here is testable and cacheable on its own.
"""
