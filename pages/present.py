"""Present page: full window, the agenda step by step, exports for the handout."""

import html

import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.agenda import build_agenda, step_selection
from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import LANGS, t
from lianghu_map.mapview import BASEMAPS, base_map, basemap_problem, feature_groups, needs_canvas
from lianghu_map.panels import step_caption_html, theme_label
from lianghu_map.ui import (
    current_basemap,
    current_lang,
    export_buttons,
    md,
    page_path,
    present_chrome,
    require_app_shell,
    show_html,
    tile_watch,
)

require_app_shell()
present_chrome()

lang = current_lang()
cat = load_catalog()
agenda = build_agenda(cat.meeting)
last = len(agenda) - 1

# ?step=N (1-based) opens a step directly; the step then lives in the session and the URL.
if "present_step" not in st.session_state:
    qp = st.query_params.get("step", "1")
    ok = qp.isascii() and qp.isdigit() and len(qp) < 6  # not "²" (isdigit, but int() fails)
    st.session_state["present_step"] = min(max(int(qp) - 1, 0), last) if ok else 0


def _go(to: str) -> None:
    i = st.session_state["present_step"]
    i = {"first": 0, "prev": i - 1, "next": i + 1, "last": last}[to]
    st.session_state["present_step"] = min(max(i, 0), last)
    st.query_params["step"] = str(st.session_state["present_step"] + 1)


def _set_lang() -> None:
    st.session_state["lang"] = st.session_state["present_lang"]


def _set_basemap() -> None:
    st.session_state["basemap"] = st.session_state["present_basemap"]
    st.query_params["basemap"] = st.session_state["basemap"]


i = st.session_state["present_step"]
step = agenda[i]
st.session_state["present_lang"] = lang
st.session_state["present_basemap"] = current_basemap()

bar = st.columns([0.5, 1, 2, 1, 0.5, 2.2, 1.8, 1, 0.8, 1.2], vertical_alignment="center")
bar[0].button("", icon=":material/first_page:", key="present_first", on_click=_go,
              args=("first",), disabled=i == 0, help=t("present.keys", lang), width="stretch")
bar[1].button(t("present.prev", lang), key="present_prev", on_click=_go, args=("prev",),
              disabled=i == 0, icon=":material/arrow_back:", width="stretch")
where = theme_label(step.theme, lang) if step.theme else ""
bar[2].markdown(f"**{t('present.step', lang, i=i + 1, n=len(agenda))}**"
                + (f" · {where}" if where else ""))
bar[3].button(t("present.next", lang), key="present_next", on_click=_go, args=("next",),
              disabled=i == last, icon=":material/arrow_forward:", type="primary",
              width="stretch")
bar[4].button("", icon=":material/last_page:", key="present_last", on_click=_go,
              args=("last",), disabled=i == last, help=t("present.keys", lang), width="stretch")
bar[5].segmented_control(t("lang.label", lang), list(LANGS), key="present_lang",
                         format_func=LANGS.__getitem__, on_change=_set_lang,
                         label_visibility="collapsed")
basemap = bar[6].segmented_control(
    t("basemap.label", lang), BASEMAPS, key="present_basemap", on_change=_set_basemap,
    format_func=lambda b: t(f"basemap.{b}", lang).split("（")[0].split(" (")[0],
    label_visibility="collapsed") or current_basemap()
selection = step_selection(step, cat.features, cat.links, cat.meeting)
with bar[7].popover(t("present.export", lang), icon=":material/download:", width="stretch"):
    export_buttons(cat, selection, lang, title=t("app.title", lang), name=step.file_stem,
                   key="present_export", basemap=basemap)
bar[8].html(f'<button class="lh-fs" type="button">{html.escape(t("present.fullscreen", lang))}'
            "</button>")
bar[9].page_link(page_path("map"), label=t("present.exit", lang), icon=":material/close:")

if (problem := basemap_problem(basemap)) is not None:  # Tianditu without a key
    st.caption(md(problem.message(lang)))
show_html(f'<div class="lh-present-caption">'
          f"{step_caption_html(step, cat.meeting, cat.links, lang, len(cat.features))}</div>")
st_folium(
    base_map(basemap, keyboard=False, canvas=needs_canvas(cat.features)),
    feature_group_to_add=feature_groups(cat.features, selection, lang, None, cat.layers,
                                        basemap=basemap),
    key="present_map", height=640, use_container_width=True, returned_objects=[],
    on_change=tile_watch("present_map"),
)
