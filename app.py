"""LLM Explorer: router only. Every page lives in pages/<name>/page.py (see pages/shared/nav.py)."""
import streamlit as st

from pages.shared import housekeeping
from pages.shared.nav import ROOT, available_pages

st.set_page_config(page_title="LLM Explorer", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide")
housekeeping.setup_process()
pg = st.navigation([st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path,
                            default=p.default) for p in available_pages()])
pg.run()
housekeeping.after_run()
