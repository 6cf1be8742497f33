"""AppTest: the Ensemble sandbox page: each method runs, widgets and the URL stay in step, bad input is explained."""
from explorer.core.markdown import escape_md
from tests.app._apptest import run_page

PAGE = "pages/ensembles/page.py"


def _texts(at, kind: str) -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def test_default_voting_view_has_scoreboard():
    """Check the default page fits five members + ensemble and shows the six-row scoreboard."""
    at = run_page(PAGE)
    assert not at.exception
    board = at.dataframe[0].value
    assert list(board["model"])[-1] == "Ensemble (soft vote)" and len(board) == 6
    assert at.multiselect(key="ens.members").value == ["logreg", "tree", "knn", "svc", "nb"]
    assert "test accuracy" in _texts(at, "markdown")
    assert len(at.get("download_button")) == 1


def test_shared_link_restores_widgets_and_edits_update_url():
    """Check URL params seed the widgets and a slider change is written back to the URL."""
    at = run_page(PAGE, {"view": "bagging", "bag_n": "80", "seed": "3", "data": "circles"})
    assert not at.exception
    assert at.slider(key="ens.bag_n").value == 80
    assert at.number_input(key="ens.seed").value == 3
    assert at.selectbox(key="ens.data").value == "circles"
    at.slider(key="ens.bag_n").set_value(120).run()
    assert not at.exception
    assert at.query_params["bag_n"] == "120" and at.query_params["data"] == "circles"
    assert any("OOB error" in m.label for m in at.metric)


def test_voting_weights_and_members_round_trip():
    """Check hard voting, a weight and the member list go to the URL; all-zero weights give an error."""
    at = run_page(PAGE, {"members": "tree|knn"})
    at.radio(key="ens.vote").set_value("hard").run()
    at.slider(key="ens.w_knn").set_value(2.5).run()
    assert not at.exception
    assert at.query_params["vote"] == "hard" and at.query_params["w_knn"] == "2.5"
    assert at.query_params["members"] == "tree|knn"
    at.slider(key="ens.w_knn").set_value(0.0).run()
    at.slider(key="ens.w_tree").set_value(0.0).run()
    assert "All member weights are zero" in _texts(at, "error")


def test_point_inspector_and_no_members_warning():
    """Check inspecting a test point explains each vote, and removing every member warns."""
    at = run_page(PAGE, {"members": "logreg|nb"})
    at.number_input(key="ens_point").set_value(250).run()
    assert not at.exception
    assert "Point **#250** (test" in _texts(at, "markdown")
    at.multiselect(key="ens.members").set_value([]).run()
    assert "Pick at least one member" in _texts(at, "warning")


def test_boosting_views_run():
    """Check AdaBoost step-through and gradient boosting both render with the step clamped to n."""
    at = run_page(PAGE, {"view": "boosting", "ada_n": "20", "ada_step": "50"})
    assert not at.exception
    assert at.slider(key="ens.ada_step").value == 20
    assert "Stage 20: the stump" in _texts(at, "markdown")
    at.radio(key="ens.boost").set_value("gradient").run()
    assert not at.exception and at.query_params["boost"] == "gradient"


def test_stacking_and_bias_variance_run():
    """Check stacking shows the stack's accuracy row and bias/variance runs on iris via two features."""
    at = run_page(PAGE, {"view": "stacking", "members": "logreg|tree|nb", "cv": "3"})
    assert not at.exception
    assert "Stack (meta-learner)" in list(at.dataframe[1].value["model"])
    assert "tree out-of-fold" in at.dataframe[0].value.columns
    at = run_page(PAGE, {"view": "biasvar", "data": "iris", "proj": "features", "fx": "2", "fy": "3",
                         "bv_reps": "4"})
    assert not at.exception
    assert escape_md("petal length (cm)") in _texts(at, "caption")  # shown as markdown, so escaped


def test_bad_url_params_fall_back_and_caps_are_stated():
    """Check junk params fall back to defaults and over-cap n_estimators is clamped with a warning."""
    at = run_page(PAGE, {"view": "<script>alert(1)</script>", "data": "nope", "n": "abc",
                         "bag_n": "100000", "fx": "99", "members": "evil"})
    assert not at.exception
    assert "above the cap of 300" in _texts(at, "warning")
    assert "Pick at least one member" in _texts(at, "warning")


def test_csv_source_without_upload_explains_what_to_do():
    """Check choosing CSV without a file tells the user the format and caps."""
    at = run_page(PAGE, {"data": "csv"})
    assert not at.exception
    assert "Upload a CSV" in _texts(at, "info") and "5,000 rows" in _texts(at, "info")


def test_feature_index_out_of_range_is_clamped():
    """Check a feature index beyond the dataset's columns is pulled back instead of crashing."""
    at = run_page(PAGE, {"data": "iris", "proj": "features", "fx": "40", "fy": "41"})
    assert not at.exception
    assert at.selectbox(key="ens.fx").value == 0 and at.selectbox(key="ens.fy").value == 1


def test_llm_voting_runs_on_smollm2():
    """Check LLM voting on one question with N=2 shows the vote metrics and an answers table."""
    at = run_page(PAGE, {"view": "llm", "llm_q": "capital", "llm_n": "2", "llm_t": "0.3"})
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Majority of 2 right" in labels and "Greedy (T=0) right" in labels
    table = at.dataframe[0].value
    assert list(table["known answer"]) == ["paris"]
    assert at.multiselect(key="ens.llm_q").value == ["capital"]


EVIL = ("[x](http://e)", "![i](http://e/i.png)", "`tick`", "*star*", "# head")


def _rendered(at) -> list[str]:
    """Every markdown string the page rendered (markdown, captions, alerts)."""
    return [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info") for e in getattr(at, kind)]


def _unescaped(shown: list[str]) -> list[str]:
    """The strings in which some EVIL name appears with its first character not backslash-escaped."""
    return [t for t in shown for name in EVIL for i in range(len(t)) if t.startswith(name, i) and t[i - 1:i] != "\\"]


def test_csv_column_and_class_names_are_escaped_in_every_markdown_string():
    """Check CSV column names and class labels with links, images, backticks, * and # reach markdown escaped."""
    rows = [f'"{EVIL[0]}","{EVIL[1]}",label'] + [f'{i % 7},{(i * 3) % 5},"{EVIL[i % 5]}"' for i in range(100)]
    at = run_page(PAGE, {"data": "csv", "members": "logreg|nb"})
    at.file_uploader(key="ens_csv").set_value(("evil.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    shown = _rendered(at)
    assert not _unescaped(shown)  # no name anywhere as markdown would read it
    axes = next(t for t in shown if "(standardized)" in t)
    assert escape_md(EVIL[0]) in axes and escape_md(EVIL[1]) in axes  # two feature columns: the axes
    point = next(t for t in shown if t.startswith("Point **#"))
    assert any(escape_md(name) in point for name in EVIL[2:] + EVIL[:2])


def test_csv_error_quoting_a_class_is_escaped():
    """Check the one-class error quotes the user's label escaped, never as a link."""
    at = run_page(PAGE, {"data": "csv"})
    one = "a,b,y\n" + "".join(f"{i},{i * 2},[x](http://e)\n" for i in range(30))
    at.file_uploader(key="ens_csv").set_value(("one.csv", one.encode(), "text/csv")).run()
    error = _texts(at, "error")
    assert "only one class" in error and "[x](http://e)" not in error and escape_md("[x](http") in error
