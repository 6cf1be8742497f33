"""The Ensemble sandbox's shareable view state (URL keys = field names).

    EnsemblesState.from_query({"view": "bagging", "bag_n": "999"}).bag_n == 300
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.markdown import escape_md
from explorer.core.state import ViewState, choice, num, words
from explorer.ensembles.bagging_boosting import MAX_ADABOOST, MAX_BAGGING, MAX_GBOOST
from explorer.ensembles.datasets import MAX_POINTS, SOURCES
from explorer.ensembles.llm_voting import BY_KEY, DEFAULT_KEYS, MAX_SAMPLES
from explorer.ensembles.voting import MEMBERS

VIEWS = ("voting", "bagging", "boosting", "stacking", "biasvar", "llm")
LLM_RUN_ON = ("auto", "local", "engine", "both")
CAPS = {"n": MAX_POINTS, "bag_n": MAX_BAGGING, "ada_n": MAX_ADABOOST, "gb_n": MAX_GBOOST, "llm_n": MAX_SAMPLES}


@dataclass(frozen=True)
class EnsemblesState(ViewState):
    """Data, members, method, their parameters and the seed."""

    view: str = choice("voting", VIEWS)
    data: str = choice("moons", SOURCES)
    n: int = num(300, lo=50, hi=MAX_POINTS)
    noise: float = num(0.3, lo=0.0, hi=1.0)
    seed: int = num(0, lo=0, hi=9999)
    test: float = num(0.3, lo=0.1, hi=0.5)
    proj: str = choice("pca", ("pca", "features"))
    fx: int = num(0, lo=0, hi=99)
    fy: int = num(1, lo=0, hi=99)
    members: tuple[str, ...] = words(MEMBERS, max_items=5, options=MEMBERS)
    lr_c: float = num(1.0, lo=0.01, hi=100.0)
    depth: int = num(5, lo=0, hi=20)
    k: int = num(15, lo=1, hi=50)
    svc_c: float = num(1.0, lo=0.01, hi=100.0)
    nb_s: float = num(-9.0, lo=-12.0, hi=0.0)
    vote: str = choice("soft", ("soft", "hard"))
    w_logreg: float = num(1.0, lo=0.0, hi=5.0)
    w_tree: float = num(1.0, lo=0.0, hi=5.0)
    w_knn: float = num(1.0, lo=0.0, hi=5.0)
    w_svc: float = num(1.0, lo=0.0, hi=5.0)
    w_nb: float = num(1.0, lo=0.0, hi=5.0)
    agree: int = num(1, lo=1, hi=5)
    grid: int = num(80, lo=20, hi=200)
    bag_n: int = num(50, lo=1, hi=MAX_BAGGING)
    bag_depth: int = num(0, lo=0, hi=20)
    boost: str = choice("adaboost", ("adaboost", "gradient"))
    ada_n: int = num(50, lo=1, hi=MAX_ADABOOST)
    ada_lr: float = num(1.0, lo=0.01, hi=5.0)
    ada_depth: int = num(1, lo=1, hi=10)
    ada_step: int = num(1, lo=1, hi=MAX_GBOOST)
    gb_n: int = num(100, lo=1, hi=MAX_GBOOST)
    gb_lr: float = num(0.1, lo=0.01, hi=1.0)
    gb_depth: int = num(3, lo=1, hi=10)
    cv: int = num(5, lo=2, hi=10)
    bv_reps: int = num(10, lo=2, hi=50)
    llm_q: tuple[str, ...] = words(DEFAULT_KEYS, max_items=len(BY_KEY), options=tuple(BY_KEY))
    llm_n: int = num(5, lo=1, hi=MAX_SAMPLES)
    llm_t: float = num(0.7, lo=0.05, hi=2.0)
    llm_on: str = choice("auto", LLM_RUN_ON)  # auto: the engine when one is configured

    def weights(self) -> tuple[float, ...]:
        """One weight per selected member, in member order."""
        return tuple(float(getattr(self, f"w_{m}")) for m in self.members)


def over_cap(query: dict[str, list[str]]) -> list[str]:
    """Markdown messages for URL sizes (points, n_estimators) above their stated cap (they get clamped)."""
    out = []
    for key, cap in CAPS.items():
        raw = (query.get(key) or [""])[-1]
        try:
            if float(raw) > cap:
                out.append(f"{escape_md(f'{key}={raw[:12]}')} is above the cap of {cap:,}; using {cap:,}.")
        except ValueError:
            continue
    return out
