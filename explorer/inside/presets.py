"""The study notes' questions as prompts, and text pairs for the evaluation, in this app's words.

Example:
    >>> PROMPTS["The capital of France is … (plain completion)"]
    ('The capital of France is', False)
"""
from __future__ import annotations

# label -> (prompt, chat template on?)
PROMPTS = {
    "How does a GPT model answer a question? (notes' to-do list)":
        ("How does a GPT model answer a question?", True),
    "What is a large language model? (notes' to-do list)":
        ("What is a large language model? Answer in one sentence.", True),
    "What does masked self-attention do in a decoder? (notes' to-do list)":
        ("What does masked self-attention do in a decoder?", True),
    "The capital of France is … (plain completion)": ("The capital of France is", False),
    "Word order matters (notes: positional encoding)": ("The dog bit the man, so the man went to the", False),
}
DEFAULT_PROMPT = "How does a GPT model answer a question?"

# label -> (text A, text B); B None = A's words shuffled with the page's seed
PAIRS = {
    "Fluent sentence vs the same words shuffled":
        ("The cat sat on the mat because it was comfortable.", None),
    "A fact vs a false fact": ("The capital of France is Paris.", "The capital of France is Rome."),
    "The notes' table vs the model's own architecture":
        ("LLaMA is a decoder-only transformer model.", "LLaMA is an encoder-decoder transformer model."),
    "Plain English vs the same idea in jargon":
        ("The model guesses the next word.", "The autoregressive transformer samples the subsequent token."),
}
DEFAULT_A = "The cat sat on the mat because it was comfortable."
DEFAULT_B = "the because sat it on mat comfortable. The was cat"  # shuffle_words(DEFAULT_A, seed=0)
