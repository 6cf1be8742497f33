"""Attention heatmaps: extraction, matrices, head patterns, focus, comparison, show-the-work, bertviz, figures."""
