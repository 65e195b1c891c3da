"""Compare page: two maps side by side, each showing all layers, a theme or one layer, their
views kept together (see lianghu_map.compare)."""

import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.catalog import load_catalog
from lianghu_map.compare import (
    SIDES,
    compare_choices,
    compare_map,
    default_choices,
    fit_together,
    heading_html,
    side_groups,
    side_legend_html,
    side_selection,
)
from lianghu_map.i18n import t
from lianghu_map.mapview import BASEMAPS, basemap_problem
from lianghu_map.ui import (
    current_basemap,
    current_lang,
    md,
    require_app_shell,
    show_html,
    tile_watch,
)

require_app_shell()

lang = current_lang()
cat = load_catalog()
basemap = current_basemap()

st.subheader(t("compare.title", lang))
if cat.store_error:
    st.warning(md(t("map.store_error", lang) + " " + cat.store_error.message(lang)))
for title, why in cat.broken.items():
    st.warning(md(t("map.layer_broken", lang, title=title, why=why)))
problem = basemap_problem(basemap)
if problem is not None:
    st.warning(md(problem.message(lang)))
st.info(t("compare.synced", lang), icon=":material/sync_alt:")

labels = dict(compare_choices(cat, lang))
defaults = dict(zip(SIDES, default_choices(cat), strict=True))
for side in SIDES:
    key, asked = f"compare_{side}", st.query_params.get(side)
    if asked in labels and asked != st.session_state.get(f"_url_{side}"):  # ?left=…&right=…
        st.session_state[key] = asked
    if st.session_state.get(key) not in labels:  # gone (a deleted upload): the default
        st.session_state[key] = defaults[side]


def _swap() -> None:
    left, right = (st.session_state[f"compare_{side}"] for side in SIDES)
    st.session_state["compare_left"], st.session_state["compare_right"] = right, left


def _set_basemap() -> None:
    st.session_state["basemap"] = st.session_state["compare_basemap"]


with st.sidebar:
    st.session_state["compare_basemap"] = basemap
    st.radio(t("basemap.label", lang), BASEMAPS, key="compare_basemap", on_change=_set_basemap,
             format_func=lambda b: t(f"basemap.{b}", lang))
    st.button(t("compare.swap", lang), on_click=_swap, icon=":material/swap_horiz:")

columns = dict(zip(SIDES, st.columns(2, gap="small"), strict=True))
choices = {side: columns[side].selectbox(t(f"compare.{side}", lang), list(labels),
                                         key=f"compare_{side}", format_func=labels.__getitem__)
           for side in SIDES}
selections = dict(zip(SIDES, fit_together(*(side_selection(cat, choices[s]) for s in SIDES)),
                      strict=True))
for side in SIDES:  # the choices live in the URL: a shared link opens the same comparison
    st.session_state[f"_url_{side}"] = choices[side]
    if st.query_params.get(side) != choices[side]:
        st.query_params[side] = choices[side]
if st.query_params.get("basemap") != basemap:
    st.query_params["basemap"] = basemap

for side in SIDES:
    sel, label = selections[side], labels[choices[side]]
    with columns[side]:
        show_html(heading_html(label, side))
        st_folium(compare_map(basemap, side, cat.features),
                  feature_group_to_add=side_groups(cat, sel, lang, basemap, label),
                  key=f"compare_map_{side}", height=560, use_container_width=True,
                  on_change=tile_watch(f"compare_map_{side}"),
                  returned_objects=[])
        shown, context = len(set(sel.matches)), len(set(sel.context))
        st.caption(t("compare.count_context", lang, n=shown, context=context) if context
                   else t("compare.count", lang, n=shown))
        if not shown:
            st.info(t("compare.none", lang))
        legend = side_legend_html(cat, sel, lang)
        if legend:
            with st.expander(t("legend.header", lang), expanded=True):
                show_html(legend)
