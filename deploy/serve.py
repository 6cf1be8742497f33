"""Serve the app locally: `python deploy/serve.py [streamlit options]` runs `streamlit run app.py`.

The one difference from running `streamlit run app.py` by hand: Streamlit is told
up front that st.navigation routes this app. Streamlit 1.67 otherwise decides on
a fresh server's first session that the `pages/` folder beside app.py is a
legacy multipage folder; it holds only page folders here, so that first run
finds no page of the requested name and puts a "Page not found" notice over
the right page when the first visitor arrives by a shared deep link. app.py's
own st.navigation call flips the same switch, one run too late for that visitor.
"""
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(cli.main(["run", str(ROOT / "app.py"), *sys.argv[1:]], prog_name="streamlit"))
