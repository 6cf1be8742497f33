"""Inside a transformer: one real forward pass taken apart, the logit lens, RoPE, parameters, perplexity."""
