"""Ensemble sandbox: voting, bagging, boosting, stacking, LLM voting and figures."""
