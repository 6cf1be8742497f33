"""The playground's cached datasets and the digits network."""
from __future__ import annotations

import streamlit as st

from explorer.playground import datasets
from explorer.playground.digits import DigitsConfig, DigitsResult, train_digits
from pages.shared import model_cache


@st.cache_data(show_spinner=False, max_entries=64)
def dataset(kind: str, n_points: int, noise: float, test_ratio: float, n_classes: int,
            seed: int) -> datasets.Dataset2D:
    """A seeded 2-D dataset for the playground."""
    return datasets.generate(datasets.DataConfig(kind, n_points, noise, test_ratio, n_classes, seed))


@st.cache_data(show_spinner="Training a small network on 8x8 handwritten digits...", max_entries=16)
def digits(hidden: int, epochs: int, activation: str, seed: int) -> DigitsResult:
    """A digits network trained on sklearn's bundled 8x8 images."""
    cfg = DigitsConfig(hidden=hidden, activation=activation, epochs=epochs, seed=seed)
    return train_digits(cfg, model_cache.device())
