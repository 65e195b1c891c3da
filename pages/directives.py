"""Directives page: the meetings on a timeline, the chosen one (``?report=``, default the
newest) by theme with each clause's features on the map, and the mentions per place over time."""

import pandas as pd
import streamlit as st

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t, zh
from lianghu_map.layers import display_names
from lianghu_map.panels import (
    clause_html,
    feature_list_html,
    generic_badge_html,
    heading_html,
    report_label,
    theme_label,
)
from lianghu_map.report_history import mention_timeline, timeline_marks
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.timeline_chart import timeline_chart
from lianghu_map.ui import current_lang, md, page_path, require_app_shell, show_html
from lianghu_map.ui_tables import MISSING

require_app_shell()

lang = current_lang()
cat = load_catalog()
links, features, gazetteer = cat.links, cat.features, cat.gazetteer

st.subheader(t("dir.header", lang))
st.caption(t("dir.intro", lang))


def _title(report) -> str:
    return report_label(report, lang).split(" · ", 1)[-1]


def _timeline() -> None:
    """The stored reports, newest first: date, title, body, clause count."""
    st.markdown(f"**{t('dir.reports', lang)}**")
    rows = [{t("dir.reports.col.date", lang): r.date, t("dir.reports.col.title", lang): _title(r),
             t("dir.reports.col.body", lang): zh(r.body, lang) if lang != "zh-Hant" else r.body,
             t("dir.reports.col.clauses", lang): r.clause_count} for r in cat.reports]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="dir_reports", placeholder=MISSING)


def _chosen_report():
    """The report ``?report=`` names, else the one of the clause ``?d=``, else the newest."""
    focus_report = cat.report_of(st.query_params.get("d") or "")
    wanted = st.query_params.get("report") or (focus_report.id if focus_report else "")
    ids = [r.id for r in cat.reports]
    st.session_state["dir_report"] = wanted if wanted in ids else ids[0]
    chosen = st.selectbox(t("dir.report.open", lang), ids, key="dir_report",
                          format_func=lambda i: report_label(cat.report(i), lang),
                          on_change=_remember_report)
    if chosen != st.query_params.get("report"):
        st.query_params["report"] = chosen
    return cat.report(chosen)


def _remember_report() -> None:
    """A report chosen in the box goes into the URL before the page reads it back."""
    st.query_params["report"] = st.session_state["dir_report"]


def _place_timeline() -> None:
    """Per place, the clauses of each meeting that name it: a chart over time, then the table
    (oldest meeting first)."""
    timeline = mention_timeline(cat)
    with st.expander(t("dir.timeline", lang), expanded=True):
        names = {fid: display_names(features.loc[fid], lang)[0] for fid, _ in timeline.rows
                 if fid in features.index}
        marks = timeline_marks(timeline, names, {r.id: _title(r) for r in timeline.reports})
        if marks:
            st.caption(t("dir.timeline.chart_help", lang))
            st.altair_chart(timeline_chart(marks, lang), width="stretch", key="dir_timeline_chart")
        st.markdown(f"**{t('dir.timeline.table', lang)}**")
        st.caption(t("dir.timeline.help", lang))
        columns = [f"{r.date} {_title(r)[:16]}" for r in timeline.reports]
        rows = [{t("dir.timeline.place", lang): display_names(features.loc[fid], lang)[0],
                 **dict(zip(columns, counts, strict=True))}
                for fid, counts in timeline.rows if fid in features.index]
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="dir_timeline",
                     placeholder=MISSING)


if not cat.reports:
    st.info(t("dir.no_reports", lang))
    st.stop()
_timeline()
report = _chosen_report()
meeting = report.meeting
if report.id == BUILTIN_ID and meeting.attribution:
    st.caption(t("dir.source", lang, attribution=zh(meeting.attribution, lang)))
    st.caption(t("dir.intro.2023", lang))
elif report.source_url:
    st.caption(t("dir.report.source", lang, url=report.source_url))
if lang == "en":
    st.caption(t("clause.no_english" if not report.translated else "dir.translation_note"
                 if report.id == BUILTIN_ID else "dir.translation_note.analyst", lang))


def clause_card(directive_id: str, key_prefix: str) -> None:
    d = meeting.get(directive_id)
    with st.container(border=True):
        show_html(heading_html(d, lang, meeting.themes))
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

themes = meeting.theme_order(context=True)  # the report's own: the six, or its headings
tabs = st.tabs([md(theme_label(th.key, lang, meeting.themes)) for th in themes])
for tab, theme in zip(tabs, themes, strict=True):
    with tab:
        for d in meeting.by_theme(theme.key):
            clause_card(d.id, "show")

_place_timeline()
