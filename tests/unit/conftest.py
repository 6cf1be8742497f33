"""Shared unit-test fixtures: the real bundled models, loaded once per session."""
import pytest
import torch

from explorer.core import models
from explorer.tokenizers.adapters import adapt


@pytest.fixture(scope="session")
def cpu():
    """The CPU device every unit test runs on."""
    return torch.device("cpu")


@pytest.fixture(scope="session")
def smollm2(cpu):
    """The real SmolLM2 (model, tokenizer), from the dequantized cache."""
    return models.load_causal_lm(cpu).obj


@pytest.fixture(scope="session")
def minilm(cpu):
    """The real all-MiniLM-L6-v2 (model, tokenizer)."""
    return models.load_encoder(cpu).obj


@pytest.fixture(scope="session")
def glove():
    """The real GloVe 6B 50d WordVectors."""
    return models.load_glove().obj


@pytest.fixture(scope="session")
def adapters():
    """Every built-in tokenizer wrapped in its adapter."""
    return {key: adapt(key, (loaded := models.load_tokenizer(key)).obj, loaded.spec.title, loaded.spec.context)
            for key in models.TOKENIZER_KEYS}
