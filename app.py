"""LLM Explorer: router only. Every page lives in pages/ (see pages/_nav.py)."""
import streamlit as st

from pages._nav import available_pages

st.set_page_config(page_title="LLM Explorer", page_icon=":material/neurology:", layout="wide")
pg = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path,
                            default=p.default) for p in available_pages()])
pg.run()
