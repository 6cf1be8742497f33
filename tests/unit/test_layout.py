"""The package layout the README describes: topics import only core, no circles, no Streamlit."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPLORER = ROOT / "explorer"
TOPICS = sorted(p.name for p in EXPLORER.iterdir() if (p / "__init__.py").exists() and p.name != "core")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _explorer_imports(path: Path) -> set[str]:
    """Every explorer module `path` imports (resolved to a module, not a name in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("explorer")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("explorer"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (ROOT / sub.replace(".", "/")).with_suffix(".py").exists() or \
                    (ROOT / sub.replace(".", "/") / "__init__.py").exists()
                found.add(sub if is_module else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _explorer_imports(p) for p in EXPLORER.rglob("*.py")}


def test_every_explorer_module_imports_without_streamlit():
    """Check importing every explorer module, recursively, in a fresh interpreter leaves streamlit out."""
    code = ("import importlib, pkgutil, sys, explorer\n"
            "names = [m.name for m in pkgutil.walk_packages(explorer.__path__, 'explorer.')]\n"
            "for n in names: importlib.import_module(n)\n"
            "print(len(names), 'streamlit' in sys.modules, 'explorer.attention.figures' in names)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    count, streamlit, deep = out.stdout.split()
    assert int(count) > 40 and deep == "True"
    assert streamlit == "False"


def test_topics_import_only_core():
    """Check a topic package imports explorer.core and itself, never another topic."""
    bad = []
    for module, imports in _graph().items():
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in TOPICS:
            continue
        for target in imports:
            tparts = target.split(".")
            if len(tparts) > 1 and tparts[1] not in ("core", parts[1]):
                bad.append(f"{module} -> {target}")
    assert not bad, bad


def test_core_imports_no_topic():
    """Check explorer.core stands below every topic: it imports none of them."""
    bad = [f"{m} -> {t}" for m, imps in _graph().items() if m.startswith("explorer.core")
           for t in imps if t.split(".")[1:2] and t.split(".")[1] in TOPICS]
    assert not bad, bad


def test_no_import_circle():
    """Check no explorer module reaches itself through its imports."""
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return trail + [nxt]
            if nxt in graph and not state.get(nxt) and (found := visit(nxt, trail + [nxt])):
                return found
        state[node] = 2
        return None

    for start in graph:
        if not state.get(start):
            assert visit(start, [start]) is None


def test_pages_folder_holds_only_page_folders():
    """Check pages/ has no .py but __init__.py (Streamlit's legacy discovery runs pages/*.py)."""
    loose = [p.name for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    from pages.shared.nav import PAGES
    for page in PAGES:
        assert page.path.startswith("pages/") and page.path.endswith("/page.py")
