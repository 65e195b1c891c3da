"""Directives page: the whole meeting by theme, each clause with its features on the map."""

import streamlit as st

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t, zh
from lianghu_map.meeting.directives import THEMES
from lianghu_map.panels import (
    clause_html,
    feature_list_html,
    generic_badge_html,
    heading_html,
    theme_label,
)
from lianghu_map.ui import current_lang, page_path, require_app_shell, show_html

require_app_shell()

lang = current_lang()
cat = load_catalog()
meeting, links, features, gazetteer = cat.meeting, cat.links, cat.features, cat.gazetteer

st.subheader(t("dir.header", lang))
st.caption(t("dir.intro", lang) + (" " + t("dir.translation_note", lang) if lang == "en" else ""))
st.caption(t("dir.source", lang, attribution=zh(meeting.attribution, lang)))


def clause_card(directive_id: str, key_prefix: str) -> None:
    d = meeting.get(directive_id)
    with st.container(border=True):
        show_html(heading_html(d, lang))
        show_html(clause_html(d, lang, [*links.for_directive(d.id), *links.unlocated_in(d.id)]))
        named = links.features_of(d.id, mention="named")
        generic = links.features_of(d.id, mention="generic")
        unlocated = links.unlocated_in(d.id)
        if named:
            show_html(f"<b>{t('dir.features', lang)}</b>{t('punct.colon', lang)}"
                      + feature_list_html(features.loc[named], lang))
        if generic:
            badge = generic_badge_html([lk for lk in links.for_directive(d.id) if lk.generic],
                                       lang)
            show_html(f"<b>{t('dir.features.generic', lang)}</b> {badge}{t('punct.colon', lang)}"
                      + feature_list_html(features.loc[generic], lang))
        if not named and not generic:
            st.caption(t("dir.no_feature", lang))
        for u in dict.fromkeys((u.place_id, u.reason_zh, u.reason_en) for u in unlocated):
            place = gazetteer.places[u[0]]
            st.caption(t("dir.unlocated", lang, name=place.name(lang)) + " — "
                       + (u[2] if lang == "en" else zh(u[1], lang)))
        show = t("link.show_on_map", lang)
        if st.button(show, key=f"{key_prefix}_{d.id}", icon=":material/map:"):
            st.switch_page(page_path("map"), query_params={"directive": d.id})


focus = st.query_params.get("d")
if focus and meeting.get(focus):
    st.markdown(f"**{t('dir.selected', lang)}**")
    clause_card(focus, "focus")

tabs = st.tabs([theme_label(th.key, lang) for th in THEMES])
for tab, theme in zip(tabs, THEMES, strict=True):
    with tab:
        for d in meeting.by_theme(theme.key):
            clause_card(d.id, "show")
