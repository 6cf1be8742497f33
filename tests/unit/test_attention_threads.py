"""Show-the-work beside other sessions: threads on one shared model, no hook, no race."""
import threading

import numpy as np
import pytest
import torch

from explorer.attention.extract import extract
from explorer.attention.show_work import WorkConfig, show_work
from tests.unit.tiny_families import build

CPU = torch.device("cpu")
CAT = "the cat sat on the mat because it was comfortable ."


def _work_key(work) -> np.ndarray:
    return np.concatenate([work.q, work.dots, work.weights, work.model_weights])


@pytest.mark.parametrize("family", ["llama", "gpt2"])
def test_show_work_beside_plain_forwards_on_the_same_model(family):
    """Check show-the-work in threads next to plain forwards on the SAME model: no error, single-thread results."""
    model, tok = build(family)
    ids = tok(CAT)["input_ids"]
    other = torch.tensor([tok("a dog ran and the cat sat")["input_ids"]])
    cells = [WorkConfig(layer, head, query) for layer in range(2) for head in range(4) for query in (3, 6)]
    rows = {c: extract(model, tok, CAT, device=CPU).weights[c.layer, c.head, c.query] for c in cells}
    expected = {c: _work_key(show_work(model, ids, c, device=CPU, model_row=rows[c])) for c in cells}
    with torch.no_grad():
        logits = model(other).logits
    errors, mismatches, start = [], [], threading.Barrier(6)

    def explain(offset: int) -> None:
        start.wait()
        for c in cells[offset:] + cells[:offset]:
            got = _work_key(show_work(model, ids, c, device=CPU, model_row=rows[c] if offset % 2 else None))
            if not np.allclose(got, expected[c], rtol=0, atol=1e-6):
                mismatches.append(c)

    def forward() -> None:
        start.wait()
        for _ in range(40):
            with torch.no_grad():
                if not torch.allclose(model(other).logits, logits, atol=1e-6):
                    mismatches.append("plain forward")

    def guarded(fn, *args):
        try:
            fn(*args)
        except Exception as err:  # noqa: BLE001 - the test collects whatever a thread raised
            errors.append(repr(err))

    threads = [threading.Thread(target=guarded, args=(explain, i * 4)) for i in range(4)]
    threads += [threading.Thread(target=guarded, args=(forward,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == [], (errors[:3], mismatches[:3])
