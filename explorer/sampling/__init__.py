"""Sampling lab: the next-token pipeline, step-by-step generation, logit lens and figures."""
