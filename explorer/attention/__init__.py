"""Attention heatmaps: extraction, show-the-work, summaries, bertviz pages and figures."""
