"""Streamlit helpers shared by the pages (the only core module that imports streamlit)."""

from __future__ import annotations

import html

import streamlit as st

from .i18n import DEFAULT_LANG, LANGS, t

__all__ = ["PAGES", "current_lang", "facts_table", "language_selector", "page_path", "show_html"]

# page key → script path (relative to app.py) and url path
PAGES = {
    "map": ("pages/map.py", "map"),
    "directives": ("pages/directives.py", "directives"),
}


def page_path(key: str) -> str:
    return PAGES[key][0]


def language_selector() -> str:
    """The language switch (sidebar); remembered in the session and the URL (?lang=)."""
    if "lang" not in st.session_state:
        qp = st.query_params.get("lang")
        st.session_state["lang"] = qp if qp in LANGS else DEFAULT_LANG
    lang = st.sidebar.selectbox(
        t("lang.label", st.session_state["lang"]), list(LANGS), key="lang",
        format_func=LANGS.__getitem__,
    )
    if lang != DEFAULT_LANG:
        st.query_params["lang"] = lang
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return lang


def current_lang() -> str:
    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def show_html(fragment: str) -> None:
    """Render HTML that was built from escaped pieces only (see lianghu_map.panels)."""
    st.html(fragment)


def facts_table(facts: list[tuple[str, str]]) -> None:
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:.8em;vertical-align:top;"
        f"white-space:nowrap'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in facts
    )
    show_html(f"<table class='lh-facts' style='font-size:.9rem'>{rows}</table>")
