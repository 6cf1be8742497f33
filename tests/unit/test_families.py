"""Every supported family, built offline from a tiny config: attention, show-the-work, cross, contextual, sampling."""
import functools
from pathlib import Path

import numpy as np
import pytest
import torch
import transformers as tf

from explorer.attention import figures, matrices
from explorer.attention.extract import ExtractConfig, extract
from explorer.attention.seq2seq import extract_seq2seq
from explorer.attention.show_work import WorkConfig, show_work
from explorer.core import families
from explorer.core.families import FAMILIES, UnsupportedModel, check, family_of, support_rows
from explorer.core.models import TOKENIZER_KEYS, load_tokenizer
from explorer.embeddings.contextual import contextual_vectors
from explorer.sampling.generation import RunConfig, extend
from explorer.sampling.pipeline import SamplingConfig, run_pipeline
from explorer.tokenizers.adapters import TokenizeConfig, adapt
from tests.unit.tiny_families import KEYS, build

CPU = torch.device("cpu")
TEXT = "the cat sat on the mat because it was tired"
DECODERS = [f.key for f in FAMILIES if f.kind == "decoder"]
SEQ2SEQ = [f.key for f in FAMILIES if f.kind == "encoder-decoder"]
FAMILY_TOKENIZERS = sorted({t for f in FAMILIES for t in f.tokenizers})


@functools.cache
def _attention(key: str):
    model, tok = build(key)
    return extract(model, tok, TEXT, device=CPU)


def test_every_family_has_a_tiny_model_and_at_least_ten_are_covered():
    """Check each registered family is built by the tiny fixtures and the registry covers 10+ families."""
    assert sorted(f.key for f in FAMILIES) == sorted(KEYS) and len(KEYS) >= 10
    for key in KEYS:
        assert family_of(build(key)[0]).key == key
    assert set(FAMILY_TOKENIZERS) <= set(TOKENIZER_KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_attention_extraction_rows_causality_and_views(key):
    """Check [2 layers, 4 heads, n, n] rows sum to 1, decoders are causal, and heatmap/grid data build."""
    att = _attention(key)
    family = family_of(build(key)[0])
    layers, heads, n = att.shape
    assert (layers, heads) == (2, 4) and att.causal == family.causal and att.family == family.title
    np.testing.assert_allclose(att.weights.sum(-1), 1.0, atol=1e-5)
    upper = att.weights[..., np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]]
    assert (np.abs(upper).max() == 0.0) == att.causal
    rolled = matrices.rollout(att.weights)
    for show in ("head", "mean of heads", "max of heads", "rollout"):
        assert matrices.view_matrix(att, show, 1, 3, rolled=rolled).shape == (n, n)
    hidden = matrices.view_matrix(att, "head", 0, 0, hide_sinks=True).sum(-1)
    assert np.all((np.abs(hidden - 1) < 1e-5) | (hidden == 0))
    assert len(figures.heatmap(att.weights[1, 3], att.tokens, causal=att.causal).data[0].x) == n
    assert len(figures.grid_figure(att.weights).data[1].x) == layers * heads


@pytest.mark.parametrize("key", KEYS)
def test_truncation_keeps_closing_specials(key):
    """Check a cut input keeps the tokenizer's closing special token and counts the full input."""
    model, tok = build(key)
    full = tok(TEXT)["input_ids"]
    att = extract(model, tok, TEXT, device=CPU, config=ExtractConfig(max_tokens=5))
    assert len(att.tokens) == 5 and att.n_input_tokens == len(full) and att.truncated
    assert att.token_ids[-1] == full[-1] or full[-1] not in tok.all_special_ids


@pytest.mark.parametrize("key", KEYS)
def test_show_work_matches_the_model_weights(key):
    """Check q.k, scaling, positions, soft-capping and masks by hand equal the model's weights, every head."""
    model, tok = build(key)
    ids = tok(TEXT)["input_ids"]
    att = _attention(key)
    cells = [(layer, head, len(ids) - 1) for layer in range(2) for head in range(4)]
    cells += [(1, 3, q) for q in range(len(ids) - 1)]
    for layer, head, query in cells:
        work = show_work(model, ids, WorkConfig(layer, head, query), device=CPU)
        assert work.max_abs_error < 1e-5, (layer, head, query)
        np.testing.assert_allclose(work.model_weights, att.weights[layer, head, query], atol=1e-6)
        assert work.weights.sum() == pytest.approx(1.0)
    _assert_layout(key, model, work)


def _assert_layout(key: str, model, work) -> None:
    """The features a family is known for are the ones show-the-work used."""
    family = family_of(model)
    assert work.family == family.title and work.rope == (family.positions == "rotary")
    n_kv = getattr(model.config, "num_key_value_heads", None) or model.config.num_attention_heads
    assert work.kv_head == 3 // (model.config.num_attention_heads // n_kv)
    assert (work.bias is not None) == (family.positions in ("ALiBi", "relative bias"))
    assert (work.softcap is not None) == (key == "gemma2")
    if key in ("mistral", "phi3"):
        assert work.window == model.config.sliding_window and not np.isfinite(work.scores[0])


@pytest.mark.parametrize("key", SEQ2SEQ)
def test_cross_attention_is_its_own_view_and_matches_by_hand(key):
    """Check encoder, causal decoder and [target, source] cross weights, and show-the-work for both decoder parts."""
    model, tok = build(key)
    s2s = extract_seq2seq(model, tok, TEXT, "a dog ran", device=CPU)
    n_src, n_tgt = len(s2s.encoder.tokens), len(s2s.decoder.tokens)
    assert s2s.cross.shape == (2, 4, n_tgt, n_src) and n_tgt == 4 and s2s.decoder.causal
    np.testing.assert_allclose(s2s.cross.weights.sum(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(s2s.encoder.weights, _attention(key).weights, atol=1e-6)
    for part, weights in (("decoder", s2s.decoder.weights), ("cross", s2s.cross.weights)):
        for layer, head, query in ((0, 0, 3), (1, 3, 2), (1, 1, 0)):
            work = show_work(model, s2s.encoder.token_ids.tolist(), WorkConfig(layer, head, query, part),
                             device=CPU, target_ids=s2s.target_ids)
            assert work.part == part and work.max_abs_error < 1e-5
            np.testing.assert_allclose(work.model_weights, weights[layer, head, query], atol=1e-6)
    fig = figures.heatmap(s2s.cross.weights[1, 0], s2s.cross.query_tokens, key_tokens=s2s.cross.key_tokens)
    assert (len(fig.data[0].y), len(fig.data[0].x)) == (n_tgt, n_src)
    assert len(figures.grid_figure(s2s.cross.weights).data[1].x) == 8


@pytest.mark.parametrize("key", KEYS)
def test_contextual_vectors_per_layer(key):
    """Check one vector per layer (embeddings + 2 blocks) per sentence, found on the word's own token."""
    model, tok = build(key)
    sentences = ["the bank of the river", "she went to the bank for money", "no such word here"]
    ctx = contextual_vectors(model, tok, "bank", sentences, device=CPU)
    width = model.config.hidden_size
    assert ctx.vectors.shape == (3, 2, width) and ctx.skipped == ("no such word here",)
    assert ctx.tokens == (("bank",), ("bank",))
    np.testing.assert_allclose(np.diagonal(ctx.similarity, axis1=1, axis2=2), 1.0, atol=1e-5)


@pytest.mark.parametrize("key", DECODERS)
def test_sampling_lab_matches_generate(key):
    """Check the Sampling lab's step loop gives generate()'s tokens, greedy and sampled, and its pipeline runs."""
    model, tok = build(key)
    prompt = tok("the cat sat on the mat")["input_ids"]
    for cfg in (SamplingConfig(0.0), SamplingConfig(3.0, top_k=20, top_p=0.95)):
        path = extend(model, tok, prompt, cfg, RunConfig(8, seed=5, stop_at_eos=False))
        with torch.random.fork_rng():
            torch.manual_seed(5)
            ids = torch.tensor([prompt])
            out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=8, pad_token_id=0,
                                 eos_token_id=None, **cfg.generate_kwargs())
        assert path.token_ids.tolist() == out[0, len(prompt):].tolist()
    with torch.no_grad():
        logits = model(torch.tensor([prompt])).logits[0, -1]
    result = run_pipeline(logits, torch.tensor([prompt]), SamplingConfig(0.7, top_k=5))
    assert result.n_kept <= 5 and result.final_probs.sum() == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("key", FAMILY_TOKENIZERS)
def test_family_tokenizers_load_offline_and_tile_the_text(key):
    """Check each tokenizer a family names loads offline and its token spans cover the text in order."""
    text = "The bank of the river, 2024."
    tokens = adapt(key, load_tokenizer(key).obj).tokenize(text, TokenizeConfig(add_special_tokens=False))
    assert np.all(tokens.starts[1:] >= tokens.ends[:-1]) and tokens.n_tokens >= 6
    pieces = b"".join(text.encode()[s:e] for s, e in zip(tokens.starts, tokens.ends))
    assert pieces.replace(b" ", b"") == text.encode().replace(b" ", b"")  # WordPiece drops the spaces


def test_unknown_family_and_missing_views_say_what_is_missing():
    """Check an unknown model type, SDPA attention and views a family lacks raise a clear UnsupportedModel."""
    cfg = tf.OPTConfig(vocab_size=64, hidden_size=32, num_hidden_layers=1, num_attention_heads=4, ffn_dim=64,
                       word_embed_proj_dim=32, max_position_embeddings=64)
    with pytest.raises(UnsupportedModel, match="model type 'opt'.*GPT-2"):
        extract(tf.OPTForCausalLM(cfg).eval(), build("gpt2")[1], TEXT, device=CPU)
    sdpa = tf.GPT2LMHeadModel(tf.GPT2Config(n_embd=32, n_layer=1, n_head=4, vocab_size=64,
                                            attn_implementation="sdpa")).eval()
    with pytest.raises(ValueError, match="'sdpa'.*attn_implementation='eager'"):
        check(sdpa, "show the work")
    assert check(sdpa, "contextual").key == "gpt2"  # hidden states need no attention weights
    with pytest.raises(UnsupportedModel, match="no sampling view.*masked tokens"):
        check(build("bert")[0], "sampling")
    with pytest.raises(UnsupportedModel, match="cross-attention"):
        show_work(build("llama")[0], [1, 7, 8], WorkConfig(0, 0, 1, "cross"), device=CPU)


def test_support_rows_list_every_family_and_view():
    """Check the Models page tables have one row per family and a status for every view."""
    rows, layouts = support_rows(), families.layout_rows()
    assert [r["Family"] for r in rows] == [r["Family"] for r in layouts] == [f.title for f in FAMILIES]
    for row in rows:
        assert all(row[v] in ("works", "n/a") for v in families.VIEWS if v != "tokenizer")
    by_family = {r["Family"]: r for r in rows}
    assert by_family["T5"]["cross-attention"] == "works" and by_family["BERT"]["sampling"] == "n/a"
    assert by_family["Phi-3"]["tokenizer"] == "phi3" and by_family["Mistral"]["tokenizer"] == "hub only"
    assert {r["Positions"] for r in layouts} == {"learned", "rotary", "ALiBi", "relative bias"}


def test_readme_lists_every_family():
    """Check the README's family table names every registered family and its model_type."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for family in FAMILIES:
        assert f"| {family.title} | `{family.model_types[0]}` |" in readme
