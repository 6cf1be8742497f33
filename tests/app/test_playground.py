"""AppTest: the neural-net playground page: link state, Play/Pause/Step/Reset, presets, drawing, digits, bad input."""

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


def test_csv_error_text_is_made_inert():
    """Check user text quoted in a CSV error cannot become markdown links, images or HTML."""
    from pages.playground.csv_upload import plain

    shown = plain("got '![x](http://evil/a.png)' and <b>bold</b> *and* [link](javascript:alert(1))")
    assert "](" not in shown.replace("\\]\\(", "") and "<b>" not in shown.replace("\\<b\\>", "")
    assert shown.count("\\") >= 12
