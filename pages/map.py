"""Map page: layers, filters, the map, the side panel of the clicked feature or the drawing,
and the analysis panes (attribute table, catchment rings, statistics).  The view lives in the
URL (see lianghu_map.viewstate)."""

from dataclasses import replace
from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.analysis import ring_centres
from lianghu_map.catalog import feature_attributes, layer_features, load_catalog
from lianghu_map.i18n import STATUS_KEYS, status_label, t
from lianghu_map.mapview import (
    BASEMAPS,
    base_map,
    basemap_problem,
    feature_groups,
    legend_html,
    needs_canvas,
)
from lianghu_map.panels import (
    clause_html,
    directive_title,
    export_subtitle,
    feature_facts,
    feature_title_html,
    generic_badge_html,
    heading_html,
    map_count_text,
    report_heading_html,
    report_label,
    theme_label,
)
from lianghu_map.report_history import feature_history, report_scope
from lianghu_map.selection import MapFilter, feature_id_set, select
from lianghu_map.stepswitch import ThemeChoices, choice_groups
from lianghu_map.ui import (
    FILL_MAP,
    current_lang,
    deliver,
    download_buttons,
    export_buttons,
    facts_table,
    fallback_toast,
    map_chrome,
    md,
    page_path,
    require_app_shell,
    show_html,
    tile_watch,
)
from lianghu_map.ui_analysis import (
    attribute_pane,
    catchment_layer,
    catchment_pane,
    drawing_panel,
    feature_label,
    map_centre,
    reported_view,
    share_link,
    statistics_pane,
    view_problems,
)
from lianghu_map.urlstate import layer_key, publish_view, restore_view, url_view
from lianghu_map.viewstate import DAYS, ViewState

require_app_shell()
map_chrome()

lang = current_lang()
cat = load_catalog()
features, meeting, links = cat.features, cat.meeting, cat.links
directive_ids = [d.id for d in meeting.directives]
centres = ring_centres(features)
theme_keys = list(dict.fromkeys(d.theme for d in meeting.directives))
problems = restore_view(basemaps=BASEMAPS, themes=theme_keys, directives=directive_ids,
                        statuses=STATUS_KEYS, layers=[spec.id for spec in cat.layers],
                        features=feature_id_set(features), points=centres,
                        reports=[r.id for r in cat.reports])


def _clear_filters() -> None:
    for key in ("f_themes", "f_statuses"):
        st.session_state[key] = []
    st.session_state["f_directive"] = ""
    st.session_state["f_name"] = ""
    _clear_report_filters()


def _clear_report_filters() -> None:
    st.session_state["f_report"] = ""
    st.session_state["f_from"] = st.session_state["f_to"] = None


def _report_filters() -> tuple[str | None, date | None, date | None]:
    """The meeting (report) and the meetings' date range (sidebar)."""
    if st.session_state.get("f_report") not in ("", *(r.id for r in cat.reports)):
        st.session_state["f_report"] = ""
    report = st.selectbox(
        t("filter.report", lang), ["", *(r.id for r in cat.reports)], key="f_report",
        format_func=lambda i: t("filter.report.all", lang) if not i
        else report_label(cat.report(i), lang)) or None
    days = {}
    with st.container(horizontal=True):
        for key, label in (("f_from", "filter.since"), ("f_to", "filter.until")):
            st.session_state.setdefault(key, None)
            days[key] = st.date_input(t(label, lang), key=key, min_value=DAYS[0],
                                      max_value=DAYS[1], help=t("filter.dates.help", lang))
    return report, days["f_from"], days["f_to"]


def _feature_clauses(selected: str) -> None:
    """Every clause of every report that mentions the feature, grouped under the report's date
    and title, newest report first."""
    history = feature_history(cat, selected)
    if not history:
        st.caption(t("panel.no_clause", lang))
        return
    st.caption(t("panel.history", lang))
    for report, clauses in history:
        show_html(report_heading_html(report, lang))
        for d in clauses:
            with st.container(border=True):
                st.caption(md(directive_title(d, lang, report.meeting.themes)))  # data
                mentions = [lk for lk in links.for_directive(d.id) if lk.feature_id == selected]
                show_html(clause_html(d, lang, mentions) + generic_badge_html(mentions, lang))
                with st.container(horizontal=True, vertical_alignment="center"):  # wraps
                    st.page_link(page_path("directives"), label=t("link.open_directive", lang),
                                 query_params={"d": d.id})
                    st.button(t("link.show_on_map", lang), key=f"show_{d.id}",
                              on_click=_show_directive, args=(d.id,))


def _show_directive(directive_id: str) -> None:
    st.session_state["f_directive"] = directive_id
    st.session_state["f_themes"] = []


def _take_click(value) -> bool:
    """A click on a feature selects it (``value``: the map's value, with the clicked GeoJSON
    feature and its properties); True when the selection changed.  In the browser the map's
    value is in ``st.session_state["map"]`` before the script runs (streamlit-folium's change
    callback copies it there), so the click is taken before the map is drawn and the run it
    started draws the selection and its panel at once (taken after the map, every click cost
    a second run: issue 18)."""
    value = value if isinstance(value, dict) else {}
    clicked = (value.get("last_active_drawing") or {}).get("properties") or {}
    click_sig = (clicked.get("feature_id"), str(value.get("last_object_clicked")))
    if not clicked.get("feature_id") or click_sig == st.session_state.get("_click_sig"):
        return False
    st.session_state["_click_sig"] = click_sig
    if clicked["feature_id"] not in features.index:
        return False
    changed = clicked["feature_id"] != st.session_state.get("selected_feature")
    st.session_state["selected_feature"] = clicked["feature_id"]
    return changed


def _close_panel() -> None:
    st.session_state.pop("selected_feature", None)


def _set_ring(feature_id: str) -> None:
    st.session_state["ring_centre"] = feature_id
    st.session_state["pane"] = "rings"


with st.sidebar:
    basemap = st.radio(t("basemap.label", lang), BASEMAPS, key="basemap",
                       format_func=lambda b: t(f"basemap.{b}", lang))
    st.markdown(f"**{t('layers.label', lang)}**")
    visible_layers = tuple(spec.id for spec in cat.layers
                           if st.checkbox(md(spec.label(lang)), key=layer_key(spec.id)))
    st.markdown(f"**{t('filters.header', lang)}**")
    report, since, until = _report_filters()
    scope = report_scope(cat, report, since, until)
    in_scope = meeting.directives if scope is None else [
        d for d in meeting.directives if d.id in set(scope)]
    themes = st.multiselect(
        t("filter.theme", lang), theme_keys, key="f_themes",
        format_func=lambda th: theme_label(th, lang, meeting.themes),
        placeholder=t("filter.any", lang),
    )
    # "" (not None) is "every clause": a None value would show as an empty placeholder
    choices = ["", *(d.id for d in in_scope if not themes or d.theme in themes)]
    if st.session_state.get("f_directive") not in choices:
        st.session_state["f_directive"] = ""
    directive = st.selectbox(
        t("filter.directive", lang), choices, key="f_directive",
        format_func=lambda i: t("filter.directive.none", lang) if not i
        else directive_title(meeting.get(i), lang, meeting.themes),
    ) or None
    statuses = st.multiselect(t("filter.status", lang), STATUS_KEYS, key="f_statuses",
                              format_func=lambda s: status_label(s, lang),
                              placeholder=t("filter.any", lang))
    name = st.text_input(t("filter.name", lang), key="f_name", help=t("filter.name.help", lang))
    name_note = st.empty()  # a search with no match says so here, under the box
    st.button(t("filter.clear", lang), on_click=_clear_filters)
    if st.session_state.get("ring_centre") not in ("", *centres):
        st.session_state["ring_centre"] = ""
    ring = st.selectbox(t("rings.centre", lang), ["", *centres], key="ring_centre",
                        format_func=lambda f: t("rings.off", lang) if not f
                        else feature_label(features, f, lang),
                        help=t("rings.help", lang)) or None
    share_box = st.expander(t("share.header", lang))  # filled once the URL is written
    with st.expander(t("download.layer", lang)):
        dl = st.selectbox(t("layers.label", lang), [spec.id for spec in cat.layers],
                          key="dl_layer", format_func=lambda i: cat.layer(i).label(lang))
        download_buttons(lambda: layer_features(cat, dl), dl, "dl_map", lang)

flt = MapFilter(layers=visible_layers, themes=tuple(themes), directive=directive,
                statuses=tuple(statuses), name=name, scope=scope)
selection = select(features, links, meeting, flt)
# a name nothing is called: said under the search box and over the map; no fit, the view stays
name_unmatched = bool(name.strip()) and not select(
    features, links, meeting, MapFilter(layers=visible_layers, name=name)).shown
if name_unmatched:
    name_note.warning(md(t("map.name_none", lang, name=name.strip()[:60])),
                      icon=":material/search_off:")
with st.sidebar.expander(t("export.header", lang)):
    subject = meeting.get(directive) if directive else None
    chosen = cat.report(report) if report else None
    export_buttons(cat, selection, lang, title=t("app.title", lang), key="map_export",
                   subtitle=export_subtitle(subject, chosen, lang),
                   name=(directive or report or "map").replace("/", "-"), basemap=basemap,
                   meeting=chosen.meeting if chosen else None)
st.subheader(t("app.title", lang))
fallback_toast()  # the tile watch's, when the basemap fell back (it reran the page)
view_problems(problems, lang)
if (problem := basemap_problem(basemap)) is not None:
    st.warning(md(problem.message(lang)))
if cat.store_error:
    st.warning(md(t("map.store_error", lang) + " " + cat.store_error.message(lang)))
for title, why in cat.broken.items():
    st.warning(md(t("map.layer_broken", lang, title=title, why=why)))
for title, why in cat.broken_reports.items():
    st.warning(md(t("report.broken", lang, title=title, why=why)))


def _theme_choices() -> ThemeChoices:
    """The theme sets one theme away from the chosen ones, and what the page draws for each
    with no clause chosen (the map switches to them from there; with a clause, the server
    draws the change): the same whichever clause is chosen, so a clause chosen changes nothing
    in the map's script."""
    sets, sels = [], []
    for theme in theme_keys:
        other = tuple(k for k in theme_keys if (k in themes) != (k == theme))
        sets.append(other)
        sels.append(select(features, links, meeting, replace(flt, themes=other, directive=None)))
    return ThemeChoices("f_themes", "theme", theme_keys,
                        [theme_label(th, lang, meeting.themes) for th in theme_keys],
                        tuple(themes), sets, sels)


def _directive_groups(selected: str | None) -> list | None:
    """The map's groups for every choice of the clause box and every theme set one theme away,
    the other filters as they are; None with a big layer (drawn from its payload, one state a
    run: the choices' selections over every feature would cost seconds)."""
    if needs_canvas(features):
        return None
    sels = [select(features, links, meeting, replace(flt, directive=c or None)) for c in choices]
    labels = [t("filter.directive.none", lang) if not c
              else directive_title(meeting.get(c), lang, meeting.themes) for c in choices]
    return choice_groups(features, sels, choices, labels, "directive", "f_directive", lang,
                         cat.layers, basemap=basemap, selected=selected, draw=lang,
                         themes=_theme_choices())


def _feature_panel(selected: str | None) -> None:
    """The side panel's head: the clicked feature's title, clauses, facts and buttons."""
    st.markdown(f"#### {t('panel.header', lang)}")
    if not selected:
        st.caption(t("panel.hint", lang))
    elif selected not in features.index:
        st.warning(t("panel.unknown", lang))
    else:
        row = features.loc[selected]
        show_html(feature_title_html(row, lang))
        st.markdown(f"**{t('panel.clauses', lang)}**")
        _feature_clauses(selected)
        # its properties after its clauses: the first clause is in view without scrolling
        facts_table(feature_facts(row, lang, cat.layer(row["layer_id"])))
        attributes = feature_attributes(cat, selected)
        if attributes:
            with st.expander(t("panel.attributes", lang)):
                facts_table(attributes)
        if selected in centres and selected != ring:
            st.button(t("rings.use_selected", lang), key="ring_here", on_click=_set_ring,
                      args=(selected,), icon=":material/radio_button_checked:")
        st.button(t("panel.close", lang), key="close_panel", on_click=_close_panel)


@st.fragment
def _map_and_panel() -> None:
    """The map, its side panel, the analysis panes and the URL: what a click on the map, a pan
    or the panel's buttons change reruns alone (issue 18); the sidebar's filters, read above it,
    rerun the page (their values reach this function through the page's last full run)."""
    sidebar = (st.session_state.get("f_directive") or None,
               st.session_state.get("ring_centre") or None)
    if sidebar != (directive, ring):  # a panel button set a sidebar filter: the whole page
        st.rerun()
    _take_click(st.session_state.get("map"))
    selected = st.session_state.get("selected_feature")
    col_map, col_panel = st.columns([3, 1.25], gap="medium")

    # the clicked feature's details before the map: a click's panel goes to the browser first,
    # while the map's features are still being built (bench interaction: click)
    with col_panel:
        _feature_panel(selected)
    if st.session_state.get("_panel_of") != selected:  # a click: the panel is what it changed
        st.session_state["_panel_of"] = selected
        deliver()

    centre, zoom = url_view(basemap)
    with col_map:
        # the notes over the map in a container of their own, always there: the map keeps its
        # place in the page when they come or go, so it is not remounted (a clause chosen did)
        with st.container():
            if directive:
                d = meeting.get(directive)
                show_html(heading_html(d, lang, meeting.themes)
                          + clause_html(d, lang, links.for_directive(d.id)))
            if name_unmatched:
                st.warning(md(t("map.name_none", lang, name=name.strip()[:60])),
                           icon=":material/search_off:")
            elif flt.active and not (selection.shown or selection.focus):
                st.info(t("map.none", lang))
        rings = catchment_layer(cat, ring, lang, basemap)
        with st.container(key=FILL_MAP):  # sized to the window (ui.map_chrome)
            # every clause's states in the map, switched when one is clicked in the sidebar's
            # box (stepswitch); drawn for this selection alone if they cannot be
            groups = _directive_groups(selected) or feature_groups(
                features, selection, lang, selected, cat.layers, basemap=basemap, draw=lang)
            out = st_folium(
                base_map(basemap, canvas=needs_canvas(features), draw=True),
                feature_group_to_add=[*rings, *groups],
                key="map", height=620, use_container_width=True,
                on_change=tile_watch("map", page_rerun=True),
                center=map_centre(centre, basemap), zoom=zoom,
                returned_objects=["last_active_drawing", "last_object_clicked", "all_drawings",
                                  "center", "zoom"],
            )
        st.caption(map_count_text(selection, len(features), flt.active, lang) + " · "
                   + t("map.indicative_note", lang))

    if _take_click(out):  # a value no change callback brought (AppTest): drawn by another run
        st.rerun()

    with col_panel:  # after the clicked feature's details: the drawing, then the legend
        drawing_panel(cat, (out or {}).get("all_drawings"), selection, basemap, lang)
        with st.expander(t("legend.header", lang), expanded=True):
            show_html(legend_html(features, selection.drawn_set, lang, cat.layers))

    pane = st.segmented_control(t("pane.label", lang), ["table", "rings", "stats"], key="pane",
                                default=None, format_func=lambda p: t(f"pane.{p}", lang))
    if pane == "table":
        attribute_pane(cat, selection, lang)
    elif pane == "rings":
        catchment_pane(cat, ring, lang)
    elif pane == "stats":
        statistics_pane(cat, visible_layers, lang)

    view_centre, view_zoom = reported_view(out, basemap, (centre, zoom))
    publish_view(ViewState(
        basemap=basemap, themes=tuple(themes), directive=directive, statuses=tuple(statuses),
        name=name, hidden=tuple(s.id for s in cat.layers if s.id not in visible_layers),
        selected=st.session_state.get("selected_feature"), ring=ring, centre=view_centre,
        zoom=view_zoom, report=report, since=since, until=until), default_basemap=BASEMAPS[0])
    with share_box:
        share_link(lang)


_map_and_panel()
