"""Shared by every topic: device, model registry and sources, URL view state, figure helpers, projections, prepare."""
