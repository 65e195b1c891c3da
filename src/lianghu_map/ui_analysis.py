"""The Map page's analysis panes (Streamlit): attribute table, catchment rings, statistics,
the drawing panel, and the map view's datum round trip.  Logic lives in :mod:`analysis`,
:mod:`attribute_table`, :mod:`drawing` and :mod:`viewstate`; this module only renders.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import shapely
import streamlit as st

from .analysis import (
    AREA_EXCLUDED_LAYERS,
    AnalysisError,
    catchment,
    directive_statistics,
    feature_measures,
    ring_centres,
    theme_statistics,
)
from .analysis import measure as measure_geometry
from .attribute_table import TABLE_COLUMNS, filter_table, visible_table
from .basemaps import overlay_datum, to_data, to_display
from .catalog import Catalog
from .config import load_settings
from .drawing import DrawingError, clauses_of, drawing_layer_file, parse_drawings, query_drawing
from .errors import LianghuError
from .export import export_layer, export_name, mime_type
from .framecache import per_frame
from .i18n import t
from .layers import display_names
from .mapview import CENTER, ZOOM, catchment_group
from .meeting.directives import Theme, theme_info
from .panels import clause_html, directive_title, theme_label
from .selection import MapSelection
from .ui import analyst_access, md, secrets, show_html
from .ui_tables import MISSING
from .viewstate import ViewProblem

__all__ = [
    "attribute_pane",
    "catchment_layer",
    "catchment_pane",
    "drawing_panel",
    "feature_label",
    "map_centre",
    "reported_view",
    "share_link",
    "statistics_pane",
    "view_problems",
]


def feature_label(features, feature_id: str, lang: str) -> str:
    """A feature's name in ``lang`` (plain text); the names of a frame's point features (the
    ring centres, listed on every run) are kept per frame and language."""
    names = per_frame(features, ("point_names", lang), lambda: {
        fid: display_names(features.loc[fid], lang)[0] or fid for fid in ring_centres(features)})
    if feature_id in names:
        return names[feature_id]
    return display_names(features.loc[feature_id], lang)[0] or feature_id


def view_problems(problems: list[ViewProblem], lang: str) -> None:
    """Say which values of a shared link were ignored."""
    if problems:
        items = ", ".join(f"{p.param}={p.value}" for p in problems)
        st.warning(md(t("view.ignored", lang, items=items)))


def share_link(lang: str) -> None:
    """The link to this view (the page's address with its current query), ready to copy."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(st.context.url or "")
    query = urlencode(st.query_params.to_dict())
    link = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
    st.caption(t("share.help", lang))
    # a text box and a copy button of our own: st.code made the browser load and compile
    # Streamlit's 1.5 MB syntax highlighter on every first paint of the Map (issue 18, Build 4)
    st.html(share_html(link, lang), unsafe_allow_javascript=True)


_SHARE_JS = """<script>(() => {
  const box = document.currentScript.closest('.lh-share') ||
              [...document.querySelectorAll('.lh-share')].pop();
  if (!box) return;
  const input = box.querySelector('input'), button = box.querySelector('button');
  input.addEventListener('focus', () => input.select());
  button.addEventListener('click', async () => {
    const label = button.dataset.label;
    try { await navigator.clipboard.writeText(input.value); }
    catch (e) { input.select(); document.execCommand('copy'); }  // http on a LAN address
    button.textContent = button.dataset.done;
    setTimeout(() => { button.textContent = label; }, 1500);
  });
})();</script>"""


def share_html(link: str, lang: str) -> str:
    """The share link in a read-only box with a copy button (every text escaped)."""
    label, done = html.escape(t("share.copy", lang)), html.escape(t("share.copied", lang))
    name = html.escape(t("share.header", lang))
    return (f'<div class="lh-share" style="display:flex;gap:.4rem;align-items:center">'
            f'<input readonly value="{html.escape(link)}" aria-label="{name}"'
            ' style="flex:1;min-width:0;font:.8rem monospace;padding:.3rem .4rem;'
            'border:1px solid rgba(49,51,63,.2);border-radius:.4rem;background:#f7f7f9">'
            f'<button type="button" data-label="{label}" data-done="{done}" style="'
            'font-size:.8rem;padding:.3rem .6rem;border:1px solid rgba(49,51,63,.3);'
            f'border-radius:.4rem;background:#fff;cursor:pointer;white-space:nowrap">{label}'
            f"</button>{_SHARE_JS}</div>")


# -- the view's centre: WGS84 in the URL, the basemap's datum on the map


def map_centre(centre: tuple[float, float] | None, basemap: str) -> tuple[float, float] | None:
    """A (lat, lon) WGS84 centre as the map draws it (GCJ-02 over Gaode)."""
    if centre is None:
        return None
    p = to_display(shapely.Point(centre[1], centre[0]), basemap)
    return (round(p.y, 6), round(p.x, 6))


def reported_view(out: dict | None, basemap: str,
                  fallback: tuple[tuple[float, float] | None, int | None]
                  ) -> tuple[tuple[float, float] | None, int | None]:
    """The view the map reported (WGS84 centre, zoom), or ``fallback`` before it reported
    (st_folium's first return has no centre).  The untouched default view is None, None."""
    centre = (out or {}).get("center")
    if not centre or "lat" not in centre:
        return fallback
    p = to_data(shapely.Point(float(centre["lng"]), float(centre["lat"])), basemap)
    lat, lon, zoom = round(p.y, 5), round(p.x, 5), int((out or {}).get("zoom") or ZOOM)
    if abs(lat - CENTER[0]) < 1e-4 and abs(lon - CENTER[1]) < 1e-4 and zoom == ZOOM:
        return None, None
    return (lat, lon), zoom


# -- catchment rings


def _catchment(cat: Catalog, centre_id: str):
    """Rings around ``centre_id``; the district and zone outlines are left out (they hold the
    centre: always "0 km"), the lakes are kept."""
    return per_frame(cat.features, ("catchment", centre_id), lambda: catchment(
        cat.features, centre_id, exclude=cat.features.index[
            cat.features["layer_id"].isin(AREA_EXCLUDED_LAYERS)]))


def catchment_layer(cat: Catalog, centre_id: str | None, lang: str, basemap: str) -> list:
    """The rings' map group, drawn in the basemap's datum ([] without a centre, or when the
    centre cannot take rings)."""
    if not centre_id:
        return []
    try:
        result = _catchment(cat, centre_id)
    except AnalysisError:
        return []  # catchment_pane says why
    return [catchment_group(result.rings, result.centre, lang, overlay_datum(basemap))]


def _pick_centre(feature_id: str) -> None:
    st.session_state["ring_centre"] = feature_id


def catchment_pane(cat: Catalog, centre_id: str | None, lang: str) -> None:
    """The features per ring around the chosen centre, honestly labelled straight-line."""
    st.caption(t("rings.honest", lang))
    if not centre_id:
        st.info(t("rings.none", lang))
        if "hub.changzhou_south" in cat.features.index:
            st.button(t("rings.use_hub", lang), on_click=_pick_centre,
                      args=("hub.changzhou_south",), key="rings_hub")
        return
    try:
        result = _catchment(cat, centre_id)
    except AnalysisError as err:
        st.error(md(err.message(lang)))
        return
    st.markdown(md(t("rings.header", lang, centre=feature_label(cat.features, centre_id, lang))))
    members = result.members
    counts = members.groupby("ring_km").size() if len(members) else pd.Series(dtype=int)
    cols = st.columns(len(result.radii_km))
    previous = 0.0
    for col, radius in zip(cols, result.radii_km, strict=True):
        col.metric(t("rings.band", lang, inner=f"{previous:g}", outer=f"{radius:g}"),
                   int(counts.get(radius, 0)))
        previous = radius
    table = pd.DataFrame({
        t("rings.col.ring", lang): [f"≤ {r:g} km" for r in members["ring_km"]],
        t("table.col.name", lang): [feature_label(cat.features, f, lang)
                                    for f in members["feature_id"]],
        t("table.col.layer", lang): [_layer_label(cat, f, lang) for f in members["feature_id"]],
        t("rings.col.distance", lang): members["distance_km"].round(2).to_numpy(),
    }, index=pd.Index(members["feature_id"], name="feature_id"))
    st.dataframe(table, width="stretch", placeholder=MISSING)


def _layer_label(cat: Catalog, feature_id: str, lang: str) -> str:
    spec = cat.layer(cat.features.at[feature_id, "layer_id"])
    return spec.label(lang) if spec else str(cat.features.at[feature_id, "layer_id"])


# -- statistics


def statistics_pane(cat: Catalog, visible_layers: tuple[str, ...], lang: str) -> None:
    """Counts, areas and lengths per theme and per directive, of the visible layers."""
    feats = cat.features
    only = feats.index[feats["layer_id"].isin(visible_layers)]
    st.caption(t("stats.caption", lang))
    by_theme = theme_statistics(feats, cat.links, cat.meeting, lang, only=only)
    themes = cat.meeting.themes
    by_theme.insert(0, "label", [theme_label(k, lang, themes) for k in by_theme["theme"]])
    metric = st.segmented_control(t("stats.metric", lang), ["features", "area_km2", "length_km"],
                                  default="features", key="stats_metric",
                                  format_func=lambda m: t(f"stats.col.{m}", lang))
    metric = metric or "features"
    st.altair_chart(_theme_chart(by_theme, metric, t(f"stats.col.{metric}", lang), themes),
                    width="stretch")
    st.markdown(f"**{t('stats.by_theme', lang)}**")
    st.dataframe(_stat_columns(by_theme.drop(columns=["theme"]), lang), width="stretch",
                 hide_index=True, placeholder=MISSING)
    st.markdown(f"**{t('stats.by_directive', lang)}**")
    by_directive = directive_statistics(feats, cat.links, cat.meeting, lang, only=only)
    by_directive["theme"] = [theme_label(k, lang, themes) for k in by_directive["theme"]]
    by_directive = by_directive.drop(columns=["directive_id"]).rename(
        columns={"label": "directive"})
    st.dataframe(_stat_columns(by_directive, lang),
                 width="stretch", hide_index=True, placeholder=MISSING)


def _theme_chart(by_theme: pd.DataFrame, metric: str, title: str, themes: Sequence[Theme] = ()):
    """Horizontal bars per theme, in the report's order and the themes' colours."""
    import altair as alt  # Streamlit's own dependency, bundled (no CDN)

    data = pd.DataFrame({"label": by_theme["label"], "value": by_theme[metric],
                         "colour": [theme_info(k, themes).color for k in by_theme["theme"]]})
    return alt.Chart(data, height=34 * len(data) + 30).mark_bar().encode(
        x=alt.X("value:Q", title=title),
        y=alt.Y("label:N", sort=list(data["label"]), title=None),
        color=alt.Color("colour:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("value:Q", title=title)],
    )


def _stat_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    for col in ("area_km2", "length_km"):
        out[col] = out[col].round(2)
    return out.rename(columns={c: t(f"stats.col.{c}", lang) for c in out.columns})


# -- attribute table


TABLE_ROWS = 5_000  # rows sent to the browser's grid (a 100,000-feature layer stays usable)


def attribute_pane(cat: Catalog, selection: MapSelection, lang: str) -> None:
    """The visible features as a sortable table; a row click selects the feature on the map;
    the downloads hold exactly the table's rows (all of them, also past :data:`TABLE_ROWS`)."""
    table = visible_table(cat.features, selection, cat.links, feature_measures(cat.features),
                          lang, cat.layers)
    query = st.text_input(t("table.filter", lang), key="table_filter",
                          placeholder=t("table.filter.placeholder", lang))
    rows = filter_table(table, query)
    st.caption(t("table.count", lang, rows=len(rows), visible=len(table)))
    grid = rows.iloc[:TABLE_ROWS]  # the browser gets at most this many; downloads get all
    if len(rows) > TABLE_ROWS:
        st.info(t("table.truncated", lang, shown=TABLE_ROWS, rows=len(rows)))
    shown = grid.rename(columns={c: t(key, lang) for c, key in TABLE_COLUMNS.items()})
    event = st.dataframe(shown, key="attr_table", on_select="rerun",
                         selection_mode="single-row", width="stretch", height=320,
                         placeholder=MISSING)
    picked = [grid.index[i] for i in event.selection.rows if i < len(grid)]
    signature = tuple(picked)
    if picked and signature != st.session_state.get("_table_pick"):
        st.session_state["_table_pick"] = signature
        if st.session_state.get("selected_feature") != picked[0]:
            st.session_state["selected_feature"] = picked[0]
            st.rerun()
    elif not picked:
        st.session_state["_table_pick"] = ()
    c1, c2 = st.columns(2)
    for col, fmt in ((c1, "geojson"), (c2, "csv")):
        col.download_button(
            t("table.download", lang, fmt=fmt.upper(), rows=len(rows)),
            data=lambda f=fmt: export_layer(cat.features.loc[rows.index], f, "visible"),
            file_name=export_name("visible", fmt), mime=mime_type(fmt),
            key=f"table_dl_{fmt}", on_click="ignore", icon=":material/download:",
            width="stretch")


# -- the drawing: measure, query, save


def drawing_panel(cat: Catalog, drawings, selection: MapSelection, basemap: str,
                  lang: str) -> None:
    """What was drawn: its measures, the visible features it covers and their clauses; an
    analyst can save it as a layer."""
    try:
        drawn = parse_drawings(drawings, basemap)
    except DrawingError as err:
        st.error(md(err.message(lang)))
        return
    if not drawn:
        st.caption(t("draw.hint", lang))
        return
    with st.container(border=True):
        st.markdown(f"#### {t('draw.header', lang)}")
        facts = []
        for i, area in enumerate(drawn.areas, start=1):
            m = measure_geometry(area)
            facts.append(t("draw.area", lang, n=i, km2=f"{m['area_km2']:.3f}",
                           km=f"{m['perimeter_km']:.2f}"))
        for i, line in enumerate(drawn.lines, start=1):
            facts.append(t("draw.line", lang, n=i, km=f"{measure_geometry(line)['length_km']:.3f}"))
        st.caption(md(" · ".join(facts)))
        if drawn.areas:
            _drawing_query(cat, drawn.area, selection, lang)
        _save_drawing(cat, drawn, lang)


def _drawing_query(cat: Catalog, area, selection: MapSelection, lang: str) -> None:
    found = query_drawing(cat.features, area, selection.drawn)
    st.markdown(f"**{t('draw.features', lang, n=len(found))}**")
    if found.empty:
        st.caption(t("draw.none", lang))
        return
    partly = t("draw.partly", lang)
    names = {fid: md(feature_label(cat.features, fid, lang)  # pills render markdown
                     + ("" if inside else f" ({partly})"))
             for fid, inside in found["inside"].items()}
    st.pills(t("draw.pick", lang), list(names), format_func=names.__getitem__,
             key="draw_pick", on_change=_pick_drawn, label_visibility="collapsed")
    clause_ids = clauses_of(found.index, cat.links, cat.meeting)
    st.markdown(f"**{t('draw.clauses', lang, n=len(clause_ids))}**")
    for did in clause_ids:
        d = cat.meeting.get(did)
        mentions = [lk for lk in cat.links.for_directive(did) if lk.feature_id in found.index]
        with st.expander(md(directive_title(d, lang, cat.meeting.themes))):  # data: escaped
            show_html(clause_html(d, lang, mentions))


def _pick_drawn() -> None:
    """A feature picked in the drawing's list is selected (highlighted, its panel open)."""
    picked = st.session_state.get("draw_pick")
    if picked:
        st.session_state["selected_feature"] = picked


def _save_drawing(cat: Catalog, drawn, lang: str) -> None:
    from .ingest import IngestOptions
    from .publish import LayerMeta, prepare, save_draft
    from .store import open_store

    with st.expander(t("draw.save", lang)):
        access = analyst_access(load_settings(secrets()), lang)
        if not access.can_write:
            return
        title = st.text_input(t("draw.save.title", lang), key="draw_title").strip()
        source = st.text_input(t("draw.save.source", lang), key="draw_source",
                               value=t("draw.save.source_default", lang)).strip()
        if st.button(t("draw.save.button", lang), key="draw_save", disabled=not title):
            data = drawing_layer_file(drawn, title)
            draft = prepare("drawing.geojson", data, IngestOptions(), cat)
            meta = LayerMeta(title, title, "other", "planned", source or "drawing",
                             color="#e8590c")
            try:
                record = save_draft(open_store(), draft, meta, (), access.user or "map",
                                    access)
            except (LianghuError, ValueError) as err:
                st.error(md(err.message(lang) if isinstance(err, LianghuError) else str(err)))
            else:  # rerun: the new layer is in the catalogue, the sidebar and on the map
                st.session_state["_drawing_saved"] = (record.layer_id, record.current_version)
                st.rerun()
        saved = st.session_state.pop("_drawing_saved", None)
        if saved:
            st.success(t("upload.saved", lang, layer=saved[0], version=saved[1]))
