"""The ONLY place with st.cache_resource / st.cache_data.

Models are cached once per server process as read-only singletons; results
of pure explorer functions are cached per input with st.cache_data.
"""
from __future__ import annotations

import streamlit as st
import torch

from explorer import device as devices
from explorer import models


@st.cache_resource(show_spinner=False)
def device() -> torch.device:
    """The torch device for this server, with the thread count set once."""
    devices.configure_threads()
    return devices.pick_device()


@st.cache_resource(show_spinner="Loading SmolLM2-135M-Instruct...")
def causal_lm(hub_id: str = "") -> models.Loaded:
    """SmolLM2 (or a hub causal LM); obj is (model, tokenizer)."""
    return models.load_causal_lm(device(), hub_id or None)


@st.cache_resource(show_spinner="Loading all-MiniLM-L6-v2...")
def encoder(hub_id: str = "") -> models.Loaded:
    """MiniLM (or a hub encoder); obj is (model, tokenizer)."""
    return models.load_encoder(device(), hub_id or None)


@st.cache_resource(show_spinner="Loading GloVe 6B 50d...")
def glove() -> models.Loaded:
    """GloVe word vectors; obj is a WordVectors."""
    return models.load_glove()


@st.cache_resource(show_spinner="Loading tokenizer...")
def tokenizer(key: str) -> models.Loaded:
    """A built-in tokenizer by registry key."""
    return models.load_tokenizer(key)



def builtin(key: str) -> models.Loaded:
    """Any built-in model by registry key, through the cached loaders above."""
    special = {"smollm2": causal_lm, "minilm": encoder, "glove": glove}
    return special[key]() if key in special else tokenizer(key)


# --- attention ---
from explorer import attention as _attention  # noqa: E402
from explorer import attention_math as _attention_math  # noqa: E402
from explorer import bertviz_html as _bertviz  # noqa: E402

ATTENTION_MAX_TOKENS = 512  # MiniLM's context; SmolLM2 is capped here too (CPU time, memory)


def attention_model(model: str, hub: str = "", kind: str = "encoder") -> models.Loaded:
    """The Attention page's model: 'minilm', 'smollm2' or a hub id of `kind`."""
    if model == "smollm2":
        return causal_lm()
    if model == "hub":
        return causal_lm(hub) if kind == "decoder" else encoder(hub)
    return encoder()


def _attention_limit(loaded: models.Loaded) -> int:
    return min(ATTENTION_MAX_TOKENS, loaded.spec.context or ATTENTION_MAX_TOKENS)


# cache_resource, not cache_data: a 512-token SmolLM2 result is ~280 MB and
# must not be copied on every rerun; arrays are frozen read-only below.
@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def attention_run(model: str, hub: str, kind: str, text: str, text_b: str = "",
                  mask: int = -1) -> _attention.Attention:
    """Attentions [layer, head, query, key] for `text` (optionally with one token masked)."""
    loaded = attention_model(model, hub, kind)
    net, tok = loaded.obj
    cfg = _attention.ExtractConfig(max_tokens=_attention_limit(loaded), mask_position=mask)
    att = _attention.extract(net, tok, text, text_b, device=device(), config=cfg)
    att.weights.flags.writeable = False
    return att


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def attention_rollout(model: str, hub: str, kind: str, text: str) -> _attention.np.ndarray:
    """Rollout [layer, query_pos, key_pos] of the cached run."""
    out = _attention.rollout(attention_run(model, hub, kind, text).weights)
    out.flags.writeable = False
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def attention_patterns(model: str, hub: str, kind: str, text: str) -> _attention.HeadPatterns:
    """Measured head-pattern tags of the cached run."""
    return _attention.head_patterns(attention_run(model, hub, kind, text))


@st.cache_data(show_spinner=False, max_entries=64)
def attention_work(model: str, hub: str, kind: str, text: str, layer: int, head: int,
                   query: int) -> _attention_math.Work:
    """q.k/sqrt(d) and softmax for one row, recomputed by hand via a scoped hook."""
    loaded = attention_model(model, hub, kind)
    att = attention_run(model, hub, kind, text)
    # The cached row is the model's own answer, so the hooked pass can stop at `layer`.
    return _attention_math.show_work(loaded.obj[0], att.token_ids.tolist(),
                                     _attention_math.WorkConfig(layer, head, query),
                                     device=device(), causal=att.causal,
                                     model_row=att.weights[layer, head, query])


@st.cache_data(show_spinner=False, max_entries=16)
def attention_bertviz(model: str, hub: str, kind: str, text: str, view: str,
                      layer: int, head: int = -1) -> _bertviz.BertvizPage:
    """bertviz head or model view as offline HTML for the cached run (head >= 0: show only it first)."""
    att = attention_run(model, hub, kind, text)
    if view == "head":
        return _bertviz.head_view_html(att.weights, att.tokens, _bertviz.BertvizConfig(), layer=layer,
                                       heads=(head,) if head >= 0 else None)
    return _bertviz.model_view_html(att.weights, att.tokens, _bertviz.BertvizConfig(), layer=layer)


# --- sampling ---
from explorer import generation as _generation  # noqa: E402
from explorer import sampling as _sampling  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=64)
def samp_prompt(text: str, chat: bool) -> _generation.Prompt:
    """The Sampling lab's prompt ids (chat template optional, last 1024 tokens)."""
    return _generation.encode_prompt(causal_lm().obj[1], text, chat)


@st.cache_data(show_spinner=False, max_entries=64)
def samp_path(prompt_ids: tuple, cfg: _sampling.SamplingConfig, run: _generation.RunConfig,
              forced: tuple = ()) -> _generation.Path:
    """Replay `forced` and decode `run.max_new_tokens` more (KV-cached step loop)."""
    model, tok = causal_lm().obj
    return _generation.extend(model, tok, prompt_ids, cfg, run, forced, device=device())


@st.cache_data(show_spinner=False, max_entries=8)
def samp_decision(prompt_ids: tuple, path_ids: tuple, cfg: _sampling.SamplingConfig) -> _sampling.PipelineResult:
    """Every pipeline stage (full vocabulary) for the token after prompt + path."""
    model, _ = causal_lm().obj
    return _generation.decision(model, prompt_ids, path_ids, cfg, device=device())


@st.cache_data(show_spinner=False, max_entries=16)
def samp_many(prompt_ids: tuple, cfg: _sampling.SamplingConfig, n: int,
              run: _generation.RunConfig) -> _generation.Samples:
    """N seeded continuations in one batch."""
    model, tok = causal_lm().obj
    return _generation.sample_many(model, tok, prompt_ids, cfg, n, run, device=device())


@st.cache_data(show_spinner=False, max_entries=32)
def samp_lens(context_ids: tuple, target: int) -> _generation.Lens:
    """Logit lens of `target` at the end of `context_ids`."""
    model, tok = causal_lm().obj
    return _generation.logit_lens(model, tok, context_ids, target, device=device())


@st.cache_data(show_spinner=False, max_entries=4096)
def samp_piece(token_id: int) -> str:
    """Decoded text of one SmolLM2 token."""
    return causal_lm().obj[1].decode([token_id])


# --- tokenizer ---
@st.cache_resource(show_spinner="Loading tokenizer...")
def tok_adapter(key: str):
    """A built-in tokenizer key ('gpt2') or 'hub:org/name', behind one interface."""
    from explorer import tokenizers as toks

    if key.startswith("hub:"):
        return toks.load_hub(key[4:])
    loaded = tokenizer(key)
    return toks.adapt(key, loaded.obj, loaded.spec.title, loaded.spec.context)


@st.cache_data(show_spinner=False, max_entries=256)
def tok_tokenize(key: str, text: str, add_special: bool):
    """Tokenized record of `text` (explorer.tokenizers.Tokenized)."""
    from explorer.tokenizers import TokenizeConfig

    return tok_adapter(key).tokenize(text, TokenizeConfig(add_special_tokens=add_special))


@st.cache_data(show_spinner=False, max_entries=128)
def tok_batch(key: str, texts: tuple[str, ...], padding: str, max_length: int,
              truncation: bool, side: str, add_special: bool):
    """Padded batch (explorer.token_batch.Batch)."""
    from explorer.token_batch import BatchConfig, make_batch

    config = BatchConfig(padding, max_length, truncation, side, add_special)
    return make_batch(tok_adapter(key), list(texts), config)


@st.cache_data(show_spinner=False, max_entries=64)
def tok_chat(key: str, user: str, system: str, generation_prompt: bool):
    """Chat-template view (explorer.token_chat.ChatView)."""
    from explorer.token_chat import ChatConfig, chat_view

    return chat_view(tok_adapter(key), ChatConfig(user, system, generation_prompt))


@st.cache_data(show_spinner=False, max_entries=128)
def tok_decode(key: str, ids: tuple[int, ...]):
    """IDs back to text with pieces (explorer.tokenizers.Decoded)."""
    from explorer.token_decode import decode

    return decode(tok_adapter(key), list(ids))


# --- embeddings ---
@st.cache_resource(show_spinner="Normalising 400,000 GloVe vectors (once per server)...")
def emb_space():
    """GloVe with unit-length rows (explorer.embeddings.UnitSpace), built once."""
    from explorer.embeddings import unit_space

    return unit_space(glove().obj)


@st.cache_resource(show_spinner=False)
def emb_umap_warmup():
    """The background UMAP JIT warm-up, started once per server process."""
    from explorer.projections import UmapWarmup

    return UmapWarmup().start()


@st.cache_data(show_spinner=False, max_entries=16)
def emb_background(n: int, exclude: tuple[str, ...]) -> list[int]:
    """Rows of the n most frequent alphabetic GloVe words, minus `exclude`."""
    from explorer.embeddings import background_rows

    return background_rows(emb_space(), n, exclude)


@st.cache_data(show_spinner=False, max_entries=32)
def emb_project(x, method: str, dims: int, seed: int, n_neighbors: int, min_dist: float,
                perplexity: float, metric: str, keep: tuple[int, ...] = ()):
    """explorer.projections.project, cached per matrix and settings."""
    from explorer.projections import ProjectionConfig, project

    cfg = ProjectionConfig(method, dims, seed, n_neighbors, min_dist, perplexity, metric)
    return project(x, cfg, keep)


@st.cache_data(show_spinner=False, max_entries=16)
def emb_sentences(sentences: tuple[str, ...]):
    """MiniLM sentence vectors [sentence, 384], mean-pooled and L2-normalised."""
    from explorer.embeddings import sentence_embeddings

    model, tok = encoder().obj
    return sentence_embeddings(model, tok, list(sentences), device=device())


@st.cache_data(show_spinner=False, max_entries=16)
def emb_contextual(model_key: str, word: str, sentences: tuple[str, ...]):
    """One word's per-layer hidden states in each sentence (explorer.embeddings.Contextual)."""
    from explorer.embeddings import contextual

    model, tok = (causal_lm() if model_key == "smollm2" else encoder()).obj
    return contextual(model, tok, word, list(sentences), device=device())


# --- playground ---
@st.cache_data(show_spinner=False, max_entries=64)
def play_dataset(kind: str, n_points: int, noise: float, test_ratio: float, n_classes: int, seed: int):
    """A seeded 2-D dataset for the playground (explorer.datasets2d.Dataset2D)."""
    from explorer import datasets2d

    return datasets2d.generate(datasets2d.DataConfig(kind, n_points, noise, test_ratio, n_classes, seed))


@st.cache_data(show_spinner="Training a small network on 8x8 handwritten digits...", max_entries=16)
def play_digits(hidden: int, epochs: int, activation: str, seed: int):
    """A digits network trained on sklearn's bundled 8x8 images (explorer.digits.DigitsResult)."""
    from explorer import digits

    return digits.train_digits(digits.DigitsConfig(hidden=hidden, activation=activation, epochs=epochs,
                                                   seed=seed), device())


# --- ensembles ---
def _ens_data(cfg, csv: bytes | None):
    """The page's Dataset: a generated/bundled set, or the uploaded CSV's bytes."""
    from explorer import tabular_data

    return tabular_data.load_csv(csv, cfg) if csv is not None else tabular_data.make_dataset(cfg)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_dataset(cfg, csv: bytes | None = None):
    """explorer.tabular_data.Dataset for a DataConfig (and CSV bytes when the source is csv)."""
    return _ens_data(cfg, csv)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_voting(cfg, csv: bytes | None, members, vote, grid):
    """explorer.ensembles.VotingResult."""
    from explorer import ensembles

    return ensembles.voting_study(_ens_data(cfg, csv), members, vote, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_bagging(cfg, csv: bytes | None, bag, grid):
    """explorer.ensemble_methods.BaggingResult."""
    from explorer import ensemble_methods

    return ensemble_methods.bagging_study(_ens_data(cfg, csv), bag, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_boosting(cfg, csv: bytes | None, boost, grid):
    """explorer.ensemble_methods.BoostResult."""
    from explorer import ensemble_methods

    return ensemble_methods.boosting_study(_ens_data(cfg, csv), boost, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_stacking(cfg, csv: bytes | None, members, stack, grid):
    """explorer.ensemble_stacking.StackResult."""
    from explorer import ensemble_stacking

    return ensemble_stacking.stacking_study(_ens_data(cfg, csv), members, stack, grid)


@st.cache_data(show_spinner=False, max_entries=16)
def ens_biasvar(cfg, csv: bytes | None, bv, grid):
    """explorer.ensemble_stacking.BiasVarianceResult."""
    from explorer import ensemble_stacking

    return ensemble_stacking.bias_variance(_ens_data(cfg, csv), bv, grid)


@st.cache_data(show_spinner=False, max_entries=256)
def ens_llm_question(key: str, cfg):
    """explorer.llm_voting.QuestionRun: SmolLM2 sampled cfg.n_samples times on one built-in question."""
    from explorer import llm_voting

    model, tok = causal_lm().obj
    return llm_voting.sample_question(model, tok, llm_voting.BY_KEY[key], cfg, device=device())
