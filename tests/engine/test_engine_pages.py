"""The Sampling lab and LLM voting pages (AppTest) with EXPLORER_ENGINE_URL on the real llama.cpp server."""
from tests.app._apptest import run_page

SAMPLING = "pages/sampling/page.py"
ENSEMBLES = "pages/ensembles/page.py"
FRANCE = {"prompt": "The capital of France is", "chat": "0", "n_new": "4"}


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def test_lab_steps_generates_and_samples_on_the_engine(engine_url, monkeypatch):
    """Check Step, Greedy and Sample N on the engine grow the text in the URL and show the engine's numbers."""
    monkeypatch.setenv("EXPLORER_ENGINE_URL", engine_url)
    at = run_page(SAMPLING, FRANCE)
    assert not at.exception and not at.error
    assert any("Top 20 of 49,152 tokens, from the engine" in m.value for m in at.markdown)
    _button(at, "Greedy").click().run()
    assert at.query_params["etext"].startswith(" Paris")
    _button(at, "Step").click().run()
    assert not at.exception and not at.error and len(at.query_params["etext"]) > len(" Paris")
    at.segmented_control(key="samp.view").set_value("vary").run()
    assert not at.exception and not at.error
    assert {m.label for m in at.metric} >= {"Distinct continuations", "Engine time for all N"}
    at.radio(key="samp.run_on").set_value("local").run()
    assert not at.exception and any(m.label.startswith("Distinct") for m in at.metric)


def test_llm_voting_both_reports_engine_and_local(engine_url, monkeypatch):
    """Check LLM voting with run-on 'both' shows one speed row for the engine and one for this server."""
    monkeypatch.setenv("EXPLORER_ENGINE_URL", engine_url)
    at = run_page(ENSEMBLES, {"view": "llm", "llm_q": "capital", "llm_n": "3", "llm_on": "both"})
    assert not at.exception and not at.error
    speed = at.dataframe[-1].value
    assert list(speed["run on"].str.split(" ").str[0]) == ["engine", "this"]
    assert (speed["seconds per question"] > 0).all() and (speed["tokens per second"] > 0).all()
