"""AppTest: the neural-net playground page: link state, Play/Pause/Step/Reset, presets, drawing, digits, bad input."""

from explorer.core.markdown import escape_md
from tests.app._apptest import run_page

PAGE = "pages/playground/page.py"


def _q(at, key):
    """One URL value (AppTest may hold a str or a list)."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_shared_link_restores_widgets_and_step_play_pause_reset():
    """Check a link seeds the widgets, Step/Play/Pause/Reset drive training, and the URL keeps the settings."""
    link = {"data": "xor", "layers": "1", "n1": "3", "opt": "adam", "lr": "0.1", "seed": "7", "speed": "3"}
    at = run_page(PAGE, link)
    assert not at.exception
    assert at.selectbox(key="play.data").value == "xor"
    assert at.number_input(key="play.layers").value == 1 and at.number_input(key="play.n1").value == 3
    assert at.selectbox(key="play.opt").value == "adam" and at.number_input(key="play.seed").value == 7
    assert _metric(at, "Epoch") == "0"
    at.button(key="play_step").click().run()
    assert _metric(at, "Epoch") == "1"
    at.button(key="play_toggle").click().run()
    assert at.button(key="play_toggle").label == "Pause"
    epoch = int(_metric(at, "Epoch"))
    assert epoch >= 4 and (epoch - 1) % 3 == 0  # the fragment trains `speed` epochs per redraw
    at.button(key="play_toggle").click().run()
    assert at.button(key="play_toggle").label == "Play"
    assert [t.label for t in at.tabs] == ["Backprop step", "History", "Export and share"]
    at.button(key="play_reset").click().run()
    assert _metric(at, "Epoch") == "0"
    assert {k: _q(at, k) for k in link} == link
    assert not at.exception


def test_widgets_write_the_url_and_hidden_layer_sizes_survive():
    """Check changing widgets updates the URL and a hidden layer's size survives removing and re-adding it."""
    at = run_page(PAGE)
    at.number_input(key="play.layers").set_value(3).run()
    at.number_input(key="play.n3").set_value(5).run()
    assert _q(at, "layers") == "3" and _q(at, "n3") == "5"
    at.number_input(key="play.layers").set_value(1).run()
    at.number_input(key="play.layers").set_value(3).run()
    assert at.number_input(key="play.n3").value == 5
    at.multiselect(key="play.feats").set_value(["x1", "x1*x2"]).run()
    assert _q(at, "feats") == "x1|x1*x2"
    assert not at.exception


def test_preset_sets_widgets_and_explains_why():
    """Check choosing a preset loads its settings into the widgets and URL and shows its reason."""
    at = run_page(PAGE)
    at.selectbox(key="play_preset").select("XOR with the x1*x2 feature").run()
    assert at.multiselect(key="play.feats").value == ["x1*x2"]
    assert at.number_input(key="play.layers").value == 0
    assert _q(at, "data") == "xor"
    assert any("x1*x2 is positive" in i.value for i in at.info)
    for _ in range(3):
        at.button(key="play_step").click().run()
    assert float(_metric(at, "Test accuracy").rstrip("%")) > 90


def test_diverging_preset_stops_with_a_message():
    """Check the too-high learning rate preset stops training with an error and disables Play."""
    at = run_page(PAGE)
    at.selectbox(key="play_preset").select("Learning rate far too high").run()
    at.button(key="play_step").click().run()
    assert any("NaN or infinite" in e.value for e in at.error)
    assert at.button(key="play_toggle").disabled
    assert not at.exception


def test_drawn_points_from_link_train_and_too_few_warn():
    """Check drawn points in a link become the training data, and too few give a clear warning."""
    drawn = "1,1,0|2,2,0|1.5,2.5,0|-1,-1,1|-2,-3,1|-2,-1,1"
    at = run_page(PAGE, {"data": "draw", "drawn": drawn, "test": "0", "layers": "0"})
    assert not at.exception
    assert any("6 of 300 points drawn" in c.value for c in at.caption)
    assert _metric(at, "Train accuracy")
    at.button(key="play_step").click().run()
    assert _metric(at, "Epoch") == "1"
    few = run_page(PAGE, {"data": "draw", "drawn": "1,1,0|2,2,1"})
    assert any("at least 4" in w.value for w in few.warning)


def test_new_data_button_moves_the_seed_on_and_wraps():
    """Check 'New random data and weights' writes the next seed to the link, wrapping past the maximum."""
    at = run_page(PAGE, {"seed": "41"})
    next(b for b in at.button if b.label == "New random data and weights").click().run()
    assert not at.exception and _q(at, "seed") == "42"
    at = run_page(PAGE, {"seed": "99999"})
    next(b for b in at.button if b.label == "New random data and weights").click().run()
    assert at.number_input(key="play.seed").value == 0 and "seed" in at.query_params  # 0 is not the default 1


def test_bad_input_gives_messages_not_tracebacks():
    """Check junk URL params, no features, learning rate 0 and an empty CSV upload give messages."""
    junk = run_page(PAGE, {"data": "<script>alert(1)</script>", "layers": "-5", "lr": "nan", "n1": "1e9",
                           "drawn": "<b>x</b>", "seed": "abc", "zzz": "1"})
    assert not junk.exception
    assert junk.selectbox(key="play.data").value == "circle" and junk.number_input(key="play.layers").value == 0
    none = run_page(PAGE, {"feats": "bogus"})
    assert any("at least one input feature" in e.value for e in none.error)
    zero = run_page(PAGE, {"lr": "0"})
    assert any("Learning rate is 0" in w.value for w in zero.warning)
    csv = run_page(PAGE, {"data": "csv"})
    assert any("Upload a CSV" in i.value for i in csv.info) and not csv.exception


def test_digits_mode_link_and_image_choice():
    """Check digits mode opens from a link, reports accuracy, and the chosen image lands in the URL."""
    at = run_page(PAGE, {"mode": "digits", "d_hidden": "16", "d_epochs": "5"})
    assert not at.exception
    assert at.slider(key="play.d_hidden").value == 16
    assert float(_metric(at, "Test accuracy").rstrip("%")) > 85
    at.slider(key="play.d_index").set_value(12).run()
    assert _q(at, "d_index") == "12"
    assert any(m.value.startswith("Image 12: a **") for m in at.markdown)
    assert any("between 0 and 1" in i.value for i in at.info)


def test_history_rewind_and_share_link():
    """Check the history tab rewinds training to a saved epoch and the share box holds the settings."""
    at = run_page(PAGE, {"data": "moons", "seed": "3"})
    for _ in range(3):
        at.button(key="play_step").click().run()
    assert _metric(at, "Epoch") == "3"
    at.select_slider(key="play_scrub_4").set_value(1).run()
    assert any(c.value.startswith("Epoch 1: train loss") for c in at.caption)
    at.button(key="play_rewind").click().run()
    assert _metric(at, "Epoch") == "1"
    shares = [c.value for c in at.code if "?" in c.value]
    assert shares and "data=moons" in shares[0] and "seed=3" in shares[0]
    assert any("import torch" in c.value for c in at.code)  # the exported PyTorch code


EVIL = ("[x](http://e)", "![i](http://e/i.png)", "`tick`", "*star*", "# head")  # CSV class names


def _rendered(at) -> list[str]:
    """Every markdown string the page rendered (markdown, captions, alerts)."""
    return [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info") for e in getattr(at, kind)]


def _unescaped(shown: list[str]) -> list[str]:
    """The strings in which some EVIL name appears with its first character not backslash-escaped."""
    return [t for t in shown for name in EVIL for i in range(len(t)) if t.startswith(name, i) and t[i - 1:i] != "\\"]


def test_csv_class_names_are_escaped_in_every_markdown_string():
    """Check CSV class names with links, images, backticks, * and # reach the markdown only escaped."""
    rows = "x1,x2,label\n" + "\n".join(f"{i % 7 - 3},{i % 5 - 2},\"{EVIL[i % 5]}\"" for i in range(60))
    at = run_page(PAGE, {"data": "csv", "layers": "0", "test": "0"})
    at.file_uploader(key="play_csv").set_value(("evil.csv", rows.encode(), "text/csv")).run()
    at.button(key="play_step").click().run()
    assert not at.exception and _metric(at, "Epoch") == "1"
    shown = _rendered(at)
    assert not _unescaped(shown)  # no name anywhere as markdown would read it
    rule = next(t for t in shown if "(largest gradient)" in t or t.startswith("With "))
    assert any(escape_md(name) in rule for name in EVIL)  # layers=0: every edge ends at a class


def test_csv_error_quoting_user_text_is_escaped():
    """Check a CSV error that quotes the user's label shows it escaped (no link), with the fix."""
    at = run_page(PAGE, {"data": "csv"})
    one = "x1,x2,label\n" + "\n".join(f"{i},{i},[x](http://e)" for i in range(6))
    at.file_uploader(key="play_csv").set_value(("one.csv", one.encode(), "text/csv")).run()
    errors = [e.value for e in at.error]
    assert errors and escape_md("[x](http://e)") in errors[0] and "[x](http://e)" not in errors[0]
    assert "at least two classes" in errors[0]


def test_link_values_are_the_widgets_defaults():
    """Check number boxes and sliders carry the link's value as their default (the browser draws that first)."""
    at = run_page(PAGE, {"layers": "1", "n1": "3", "seed": "7", "lr": "0.1", "noise": "20"})
    assert at.number_input(key="play.layers").proto.default == 1  # was min_value 0: "Hidden layers 0"
    assert at.number_input(key="play.n1").proto.default == 3
    assert at.number_input(key="play.seed").proto.default == 7
    assert at.number_input(key="play.lr").proto.default == 0.1
    assert list(at.slider(key="play.noise").proto.default) == [20]


def _set_url(at, query: dict[str, str]) -> None:
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in query.items():
        at.query_params[key] = value


def test_stale_url_echo_does_not_undo_changes():
    """Check a rerun carrying this page's older URL (sent before the last write arrived) keeps the widgets."""
    link = {"data": "xor", "layers": "1", "n1": "3", "seed": "7"}
    at = run_page(PAGE, link)
    at.number_input(key="play.layers").set_value(3).run()
    assert _q(at, "layers") == "3"
    _set_url(at, link)  # the browser had not applied layers=3 yet when the next change left
    at.number_input(key="play.n1").set_value(5).run()
    assert not at.exception
    assert at.number_input(key="play.layers").value == 3 and at.number_input(key="play.n1").value == 5
    assert _q(at, "layers") == "3" and _q(at, "n1") == "5"


def test_new_link_over_existing_session_state_wins():
    """Check a link never seen in this session replaces the widgets, even after the user changed them."""
    at = run_page(PAGE, {"data": "xor", "layers": "1"})
    at.number_input(key="play.layers").set_value(3).run()
    _set_url(at, {"data": "spiral", "layers": "4", "n4": "6"})
    at.run()
    assert at.selectbox(key="play.data").value == "spiral"
    assert at.number_input(key="play.layers").value == 4 and at.number_input(key="play.n4").value == 6
    for _ in range(3):  # repeated loads of the same link keep it
        at.run()
        assert at.number_input(key="play.layers").value == 4 and _q(at, "layers") == "4"


def test_play_stops_at_the_epoch_cap_and_says_so(monkeypatch):
    """Check one press of Play trains at most the cap, then stops with a message, and Play goes on from there."""
    from explorer.playground import budget

    monkeypatch.setattr(budget, "MAX_PLAY_EPOCHS", 6)
    at = run_page(PAGE, {"data": "xor", "speed": "4"})
    at.button(key="play_toggle").click().run()
    assert not at.exception
    assert at.button(key="play_toggle").label == "Play" and _metric(at, "Epoch") == "6"
    assert any("Play stopped after 6 epochs" in i.value for i in at.info)
    at.button(key="play_toggle").click().run()
    assert _metric(at, "Epoch") == "12" and any("Play stopped after 6 epochs" in i.value for i in at.info)
