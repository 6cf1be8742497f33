"""Inside a transformer: one real forward pass, from typed text to the next token, stage by stage."""
import streamlit as st

from explorer.core.markdown import escape_md
from explorer.inside.forward import walk_support
from explorer.inside.state import InsideState, followed
from pages.inside import cache, downloads, evaluation, follow_token, forward_path, parameters, prompt_box
from pages.shared.url_state import read_widgets, sync_widgets, write_url

P = "inside"

st.title("Inside a transformer")
st.markdown(
    "How does a GPT model answer a question? It cuts the prompt into tokens, turns each token into a "
    "vector, pushes all the vectors through a stack of identical **blocks** (attention, then an MLP, each "
    "*adding* to a running vector called the residual stream), and finally turns the last vector into one "
    "probability for every token it knows. Below is that path in the real **SmolLM2-135M-Instruct** running "
    "on this server: every shape and number is read from the actual tensors."
)
prompt_box.url_notes()
sync_widgets(InsideState, P)
prompt_box.controls()
pre = read_widgets(InsideState, P)
loaded = prompt_box.load(pre)
prompt = prompt_box.encode(pre, loaded) if loaded else None
why_not = walk_support(loaded.obj[0]) if loaded else None
if why_not:
    st.warning(f"This page takes apart Llama-style decoders (Llama, Mistral, Qwen2, SmolLM); {escape_md(why_not)}. "
               "Only the parameter table and the evaluation are shown for it.")
if prompt is None:
    write_url(InsideState, P)
    st.stop()

model, hub = pre.model, pre.hub.strip()
shapes = loaded.obj[0].config
tokens = cache.pieces(model, hub, prompt.ids)
st.caption(f"{len(prompt.ids)} tokens{' (chat template on)' if prompt.chat else ''} · "
           f"{shapes.num_hidden_layers} blocks · the page runs at most {cache.MAX_TOKENS} tokens.")

walk = lens = None
if not why_not:
    st.header("1 · From text to the next token, stage by stage")
    forward_path.clamp_controls(shapes.num_hidden_layers, shapes.num_attention_heads, len(tokens))
    forward_path.controls(shapes.num_hidden_layers, shapes.num_attention_heads, tokens)
state = write_url(InsideState, P)
query, key = followed(state, len(tokens))

if not why_not:
    with st.spinner("Running the model and recomputing the block by hand..."):
        walk = cache.walk(model, hub, prompt.ids, state.layer, state.head, query)
    forward_path.show(walk, state)

    st.header("2 · Follow one token through every layer")
    lens = cache.lens(model, hub, prompt.ids, query)
    follow_token.lens_section(lens, tokens)

    st.header("3 · Positional encoding: what RoPE does to q·k")
    follow_token.rope_controls(tokens)
    curve = cache.rope_curve(model, hub, prompt.ids, state.layer, state.head, query, key)
    follow_token.rope_section(curve, state.layer, state.head)

st.header("4 · Where the parameters are")
archs = parameters.show(state)

st.header("5 · Evaluation: surprise and perplexity")
st.markdown("How surprised is the model by each token of a text? Surprise is −log₂ p(token | the tokens "
            "before it), in bits; perplexity sums it up for the whole text. Compare two texts.")
evaluation.controls()
scores_a, scores_b = evaluation.show(state)

if not why_not:
    st.header("6 · The study notes vs this model")
    parameters.claims_table(cache.notes_claims(model, hub, prompt.ids))
    st.subheader("Download and share")
    downloads.show(walk, lens, archs, scores_a, scores_b)
