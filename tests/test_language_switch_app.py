"""AppTest: a language switch keeps every choice (ui.language_selector / _keep_choices).

Streamlit keeps a choice widget's value as the label of the chosen option; the labels are in the
UI language.  A small script with the app's language switch, a radio, a multiselect and a
selectbox whose labels follow the language, and an empty file uploader (a widget whose value
must never be set through the session state)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from lianghu_map.i18n import t
    from lianghu_map.ui import language_selector

    lang = language_selector()
    st.radio("basemap", ["osm", "gaode", "none"], key="basemap",
             format_func=lambda b: t(f"basemap.{b}", lang))
    st.multiselect("status", ["existing", "planned"], key="statuses",
                   format_func=lambda s: t(f"status.{s}", lang))
    st.selectbox("ring", ["", "hub"], key="ring",
                 format_func=lambda f: f or t("rings.off", lang))
    st.file_uploader("file", key="upload")
    st.segmented_control("pane", ["table", "stats"], key="pane", default=None,
                         format_func=lambda p: t(f"pane.{p}", lang))


def test_a_language_switch_keeps_the_choices():
    at = AppTest.from_function(_script, default_timeout=60).run()
    at.radio(key="basemap").set_value("gaode").run()
    at.multiselect(key="statuses").set_value(["planned"]).run()
    for lang in ("zh-Hant", "en", "zh-Hans"):
        at.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.radio(key="basemap").value == "gaode", lang
        assert at.multiselect(key="statuses").value == ["planned"], lang
        assert at.selectbox(key="ring").value == "", lang
        assert at.segmented_control(key="pane").value is None, lang
