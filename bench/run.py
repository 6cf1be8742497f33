"""Run every benchmark in bench/ and print one table: `make bench`.

Each module `bench/bench_*.py` exposes `run() -> list[Result]`, and the load
test `bench/load.py` runs last (8 Chromium sessions x 120 s on one server).
The table (name, median, unit, note) is printed and written to
bench/out/results.md. Pass module names to run a subset:
`python -m bench.run bench_models load`.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

from bench._harness import Result

OUT = Path(__file__).resolve().parent / "out"


def _modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if m.name.startswith("bench_")) + ["load"]
    return [n for n in names if not selected or n in selected]


def _table(results: list[Result]) -> str:
    lines = ["| benchmark | median | unit | note |", "|---|---:|---|---|"]
    lines += [f"| {r.name} | {r.median:,.4g} | {r.unit} | {r.note} |" for r in results]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the selected benchmark modules; exit 1 if any of them crashed."""
    results, failed = [], []
    for name in _modules(argv):
        print(f"running {name} ...", flush=True)
        try:
            results += importlib.import_module(f"bench.{name}").run()
        except Exception:  # a broken benchmark must not hide the others' numbers
            traceback.print_exc()
            failed.append(name)
    table = _table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(table + "\n")
    print(table)
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
