"""Unit tests for the built-in model registry, on the real bundled models."""
import pytest
import torch

from explorer.core import bundled, models
from explorer.core.sources import ModelUnavailable


def test_smollm2_matches_its_card(smollm2):
    """Check SmolLM2 has 30 layers, 9 heads, 3 KV heads, 49152 vocab and eager attention."""
    model, tok = smollm2
    cfg = model.config
    assert (cfg.num_hidden_layers, cfg.num_attention_heads, cfg.num_key_value_heads) == (30, 9, 3)
    assert cfg.vocab_size == 49152 and len(tok) == 49152
    assert model.config._attn_implementation == "eager"
    assert tok.chat_template


def test_smollm2_returns_attentions_and_sane_next_token(smollm2):
    """Check attentions come back (eager) and 'The capital of France is' -> Paris."""
    model, tok = smollm2
    ids = tok("The capital of France is", return_tensors="pt")
    with torch.no_grad():
        out = model(**ids, output_attentions=True)
    assert len(out.attentions) == 30
    assert out.attentions[0].shape[1] == 9
    top = tok.decode(out.logits[0, -1].argmax())
    assert top.strip() == "Paris"


def test_minilm_matches_its_card(minilm):
    """Check MiniLM has 6 layers, 12 heads, 384 dims and gives attentions."""
    model, tok = minilm
    out = model(**tok("hello world", return_tensors="pt"), output_attentions=True)
    assert len(out.attentions) == 6 and out.attentions[0].shape[1] == 12
    assert out.last_hidden_state.shape[-1] == 384


def test_glove_shape_and_analogy(glove):
    """Check GloVe is 400000 x 50 and king - man + woman is nearest queen."""
    import numpy as np

    assert glove.vectors.shape == (400_000, 50)
    v = glove.vectors
    target = v[glove.index["king"]] - v[glove.index["man"]] + v[glove.index["woman"]]
    sims = (v @ target) / (np.linalg.norm(v, axis=1) * np.linalg.norm(target) + 1e-9)
    for word in ("king", "man", "woman"):
        sims[glove.index[word]] = -1
    assert glove.words[int(sims.argmax())] == "queen"


@pytest.mark.parametrize("key", models.TOKENIZER_KEYS)
def test_every_tokenizer_loads_from_a_bundle(key):
    """Check each built-in tokenizer loads offline from its bundled source."""
    loaded = models.load_tokenizer(key)
    assert not loaded.source.startswith("hub")
    assert loaded.extra["vocab"] > 30_000


def test_unknown_tokenizer_key():
    """Check an unknown key is refused with the valid choices."""
    with pytest.raises(ValueError, match="choose from"):
        models.load_tokenizer("nope")


def test_user_hub_id_offline_fails_fast(monkeypatch, cpu):
    """Check a typed hub id offline raises ModelUnavailable instead of retrying."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="cannot be reached"):
        models.load_causal_lm(cpu, hub_id="someone/some-model")
    with pytest.raises(ValueError):
        models.load_encoder(cpu, hub_id="<bad id>")


def test_dequantized_cache_matches_gguf(tmp_path, smollm2):
    """Check dequantizing again gives the same weights the cache holds."""
    from transformers import AutoModelForCausalLM

    fresh = AutoModelForCausalLM.from_pretrained(bundled.dequantize_smollm2(tmp_path / "m"))
    cached_model, _ = smollm2
    name = "model.layers.0.self_attn.q_proj.weight"
    assert torch.equal(fresh.state_dict()[name], cached_model.state_dict()[name])


def test_bf16_checkpoint_loads_as_float32(tmp_path, cpu):
    """Check a checkpoint stored in bfloat16 (as the hub SmolLM2 is) loads in float32 like the bundled copy."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(vocab_size=49152, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
    LlamaForCausalLM(cfg).to(torch.bfloat16).save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(bundled.smollm2_cache()).save_pretrained(tmp_path)
    assert '"dtype": "bfloat16"' in (tmp_path / "config.json").read_text()
    model, _ = models._hf_lm(tmp_path, cpu, "AutoModelForCausalLM")
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert model.config._attn_implementation == "eager"
