"""LLM Explorer: router only. Every page lives in app_pages/ (see app_pages/_nav.py)."""
from pathlib import Path

import streamlit as st

from app_pages._nav import available_pages

st.set_page_config(page_title="LLM Explorer", page_icon=str(Path(__file__).parent / "assets" / "favicon.png"), layout="wide")
pg = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path,
                            default=p.default) for p in available_pages()])
pg.run()
