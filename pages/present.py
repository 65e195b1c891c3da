"""Present page: full window, the agenda of a meeting report step by step (``?report=``, default
the newest; a chooser when several are stored), exports for the handout."""

import html

import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.agenda import build_agenda, step_legend_ids, step_selection
from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import LANGS, t
from lianghu_map.mapview import (
    BASEMAPS,
    base_map,
    basemap_problem,
    feature_groups,
    legend_html,
    needs_canvas,
)
from lianghu_map.panels import (
    report_heading_html,
    report_label,
    step_caption_html,
    theme_label,
)
from lianghu_map.stepswitch import StepPage, agenda_groups
from lianghu_map.ui import (
    FILL_MAP,
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
report_ids = [r.id for r in cat.reports]
# ?report=ID picks the report on arrival; then it lives in the session (and the URL)
if st.session_state.get("present_report") not in report_ids:
    wanted = st.query_params.get("report", "")
    st.session_state["present_report"] = (wanted if wanted in report_ids
                                          else report_ids[0] if report_ids else "")
report = cat.report(st.session_state["present_report"])
meeting = report.meeting if report else cat.meeting
agenda = build_agenda(meeting)
last = len(agenda) - 1
_NAV_ICONS = {"first": ":material/first_page:", "prev": ":material/arrow_back:",
              "next": ":material/arrow_forward:", "last": ":material/last_page:"}

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


def _goto() -> None:
    """The map's own switch showed a step already (lianghu_map.stepswitch) and wrote it in the
    hidden step box: the page follows (an absolute step: quick presses are not merged)."""
    asked = str(st.session_state.get("present_goto", "")).strip()
    if asked.isascii() and asked.isdigit() and len(asked) < 6:
        st.session_state["present_step"] = min(max(int(asked) - 1, 0), last)
        st.query_params["step"] = str(st.session_state["present_step"] + 1)


def _set_lang(key: str) -> None:
    if st.session_state[key] in LANGS:  # not None: a segmented control can be cleared
        st.session_state["lang"] = st.session_state[key]
        st.rerun()  # the app's language (its navigation, the sidebar): the whole page


def _set_report(key: str) -> None:
    """Another report: its agenda from the first step."""
    if st.session_state[key] in report_ids:
        st.session_state["present_report"] = st.session_state[key]
        st.session_state["present_step"] = 0
        st.query_params["report"] = st.session_state[key]
        st.query_params["step"] = "1"
        st.rerun()  # another agenda: the whole page


def _report_chooser(suffix: str) -> None:
    """The report whose agenda is presented (when more than one is stored)."""
    if len(report_ids) < 2:
        return
    st.session_state[f"present_report_sel{suffix}"] = st.session_state["present_report"]
    st.selectbox(t("present.report", lang), report_ids, key=f"present_report_sel{suffix}",
                 format_func=lambda r: report_label(cat.report(r), lang), on_change=_set_report,
                 args=(f"present_report_sel{suffix}",), label_visibility="collapsed",
                 width=260)


def _set_basemap(key: str) -> None:
    if st.session_state[key] in BASEMAPS:
        st.session_state["basemap"] = st.session_state[key]
        st.query_params["basemap"] = st.session_state["basemap"]


def _page_of(k: int, selection) -> StepPage:
    """Step ``k``'s caption, counter and legend (HTML from escaped pieces): drawn by the page,
    and carried by the map for the browser's own step switch."""
    step = agenda[k]
    where = (f" · {html.escape(theme_label(step.theme, lang, meeting.themes))}" if step.theme
             else "")
    count = f"<strong>{html.escape(t('present.step', lang, i=k + 1, n=len(agenda)))}</strong>"
    caption = step_caption_html(step, meeting, cat.links, lang, len(cat.features))
    if report and step.kind == "title":
        caption += report_heading_html(report, lang)
    return StepPage(caption, count + where, legend_html(cat.features, step_legend_ids(selection),
                                                        lang, cat.layers))


@st.fragment
def _step() -> None:
    """The bar, the caption, the map and the legend of the current step: a step (a button, a
    key) reruns only them (issue 18); another report or language reruns the page."""
    i = st.session_state["present_step"]
    step = agenda[i]
    basemap = current_basemap()
    selections = [step_selection(s, cat.features, cat.links, meeting) for s in agenda]
    selection = selections[i]
    pages = [_page_of(k, sel) for k, sel in enumerate(selections)]
    legend = pages[i].legend

    def _nav(which: str, suffix: str = "") -> None:
        off = i == 0 if which in ("first", "prev") else i == last
        label = t(f"present.{which}", lang) if which in ("prev", "next") else ""
        st.button(label, icon=_NAV_ICONS[which], key=f"present_{which}{suffix}", on_click=_go,
                  args=(which,), disabled=off, help=t("present.keys", lang),
                  type="primary" if which == "next" else "secondary")

    def _tools(suffix: str) -> None:
        """Language, basemap, exports, full screen, exit: in the bar on a wide window, in the menu
        on a phone (both are rendered; the page's CSS shows one of them)."""
        st.session_state[f"present_lang{suffix}"] = lang
        st.session_state[f"present_basemap{suffix}"] = basemap
        _report_chooser(suffix)
        st.segmented_control(t("lang.label", lang), list(LANGS), key=f"present_lang{suffix}",
                             format_func=LANGS.__getitem__, on_change=_set_lang,
                             args=(f"present_lang{suffix}",), label_visibility="collapsed")
        st.segmented_control(
            t("basemap.label", lang), BASEMAPS, key=f"present_basemap{suffix}",
            on_change=_set_basemap, args=(f"present_basemap{suffix}",),
            format_func=lambda b: t(f"basemap.{b}", lang).split("（")[0].split(" (")[0],
            label_visibility="collapsed")
        exports = {"title": t("app.title", lang), "name": step.file_stem, "basemap": basemap,
                   "meeting": meeting, "subtitle": report_label(report, lang) if report else ""}
        if suffix:  # no popover in a popover
            st.markdown(f"**{t('present.export', lang)}**")
            export_buttons(cat, selection, lang, key=f"present_export{suffix}", **exports)
        else:
            with st.popover(t("present.export", lang), icon=":material/download:"):
                export_buttons(cat, selection, lang, key="present_export", **exports)
        st.html(f'<button class="lh-fs" type="button">{html.escape(t("present.fullscreen", lang))}'
                "</button>", width="content")
        st.page_link(page_path("map"), label=t("present.exit", lang), icon=":material/close:")

    with st.container(horizontal=True, vertical_alignment="center", key="present_bar"):
        with st.container(horizontal=True, vertical_alignment="center", width="content", wrap=False,
                          key="present_nav"):
            _nav("first")
            _nav("prev")
            # data-step: the step the server drew (the map's own switch follows it: stepswitch)
            st.html(f'<span class="lh-present-count" data-step="{i}">{pages[i].count}</span>',
                    width="content")
            _nav("next")
            _nav("last")
            # hidden (ui._PRESENT_CSS); holds the step drawn, so a step the browser asks differs
            st.session_state["present_goto"] = str(i + 1)
            st.text_input("step", key="present_goto", on_change=_goto,
                          label_visibility="collapsed")
        with st.container(horizontal=True, vertical_alignment="center", width="content",
                          key="present_tools"):
            _tools("")
        with st.popover(t("present.menu", lang), icon=":material/menu:", key="present_menu"):
            with st.container(horizontal=True):
                _nav("first", "_m")
                _nav("last", "_m")
            _tools("_m")
            if legend:
                st.markdown(f"**{t('legend.header', lang)}**")
                show_html(legend)

    if (problem := basemap_problem(basemap)) is not None:  # Tianditu without a key
        st.caption(md(problem.message(lang)))
    show_html(f'<div class="lh-present-caption">{pages[i].caption}</div>')
    with st.container(key=FILL_MAP):  # sized to the window (ui.present_chrome)
        st_folium(
            base_map(basemap, keyboard=False, canvas=needs_canvas(cat.features)),
            # the whole agenda, switched in the browser (the same script at every step);
            # one step at a time if its steps cannot be switched so
            feature_group_to_add=agenda_groups(cat.features, selections, pages, lang, cat.layers,
                                               basemap=basemap)
            or feature_groups(cat.features, selection, lang, None, cat.layers, basemap=basemap),
            key="present_map", height=640, use_container_width=True, returned_objects=[],
            on_change=tile_watch("present_map"),
        )
    if legend:  # over the map's corner (fixed; see ui._PRESENT_CSS); in the menu on a phone
        label = html.escape(t("legend.header", lang))
        show_html(f'<div class="lh-present-legend" aria-label="{label}">{legend}</div>')


_step()
