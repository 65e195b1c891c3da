"""lianghu-map: page configuration and navigation only."""

from pathlib import Path

import streamlit as st

from lianghu_map.assets import ensure_static_assets
from lianghu_map.folium_component import serve_patched
from lianghu_map.i18n import t
from lianghu_map.ui import (
    PAGES,
    enter_app_shell,
    language_selector,
    settle_upload_reads,
    show_dropped_query,
    streamlit_texts,
)
from lianghu_map.urlstate import forget_echoes

ICON = Path(__file__).parent / "assets" / "favicon.png"  # local: no icon fetched from a CDN
st.set_page_config(page_title="兩湖 · Lianghu map", layout="wide", page_icon=str(ICON))
settle_upload_reads()  # a file just uploaded is read before the run draws (ui.settle_upload_reads)
enter_app_shell()  # pages check it: a deep link on a fresh server must still come through here
ensure_static_assets()  # Leaflet under /app/static (idempotent; `make run` does it first too)
serve_patched()  # the map component, a click sent at once (lianghu_map.folium_component)
lang = language_selector()
streamlit_texts(lang)  # Streamlit's own texts (uploader, multiselect …) in the UI language
pages = [
    st.Page(PAGES["map"][0], title=t("nav.map", lang), icon=":material/map:",
            url_path=PAGES["map"][1], default=True),
    st.Page(PAGES["directives"][0], title=t("nav.directives", lang), icon=":material/gavel:",
            url_path=PAGES["directives"][1]),
    st.Page(PAGES["present"][0], title=t("nav.present", lang), icon=":material/slideshow:",
            url_path=PAGES["present"][1]),
    st.Page(PAGES["compare"][0], title=t("nav.compare", lang), icon=":material/compare:",
            url_path=PAGES["compare"][1]),
    st.Page(PAGES["upload"][0], title=t("nav.upload", lang), icon=":material/upload_file:",
            url_path=PAGES["upload"][1]),
    st.Page(PAGES["reports"][0], title=t("nav.reports", lang), icon=":material/description:",
            url_path=PAGES["reports"][1]),
]
page = st.navigation(pages)
forget_echoes(page.url_path)  # the Map page's URL echoes (see lianghu_map.urlstate)
show_dropped_query(lang, page.url_path)
page.run()
