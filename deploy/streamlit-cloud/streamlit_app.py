"""Streamlit Community Cloud entry point: runs the repository's app.py unchanged.

Cloud installs requirements.txt from this folder (CPU-only torch), runs
`streamlit run deploy/streamlit-cloud/streamlit_app.py` from the repository
root and reads .streamlit/config.toml there. Page paths are absolute, so the
menu resolves from here exactly as from app.py.
"""
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
