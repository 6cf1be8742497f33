"""Many learners at once: the short load test (3 Chromium sessions x 30 s on one server)."""
from bench.load import run_load, state_mismatch


def test_state_mismatch_spots_a_lost_or_foreign_setting():
    """Check the comparison flags a lost value and another session's value, and passes an equal state."""
    link = "/attention?layer=3&head=7"
    assert state_mismatch(link, "http://h/attention?layer=3&head=7") == ""
    assert "layer" in state_mismatch(link, "http://h/attention?head=7")
    assert "head" in state_mismatch(link, "http://h/attention?layer=3&head=2")
    assert state_mismatch(link, "http://h/sampling?layer=3&head=7").startswith("landed on")


def test_three_sessions_see_their_own_links_and_no_exception():
    """Check concurrent sessions on shared models: no exception box, each page shows its own link's state."""
    summary = run_load(sessions=3, seconds=30)
    assert summary["visits"] >= 3
    assert summary["exceptions"] == []
    assert summary["mismatches"] == []
    assert summary["timeouts"] == 0
