"""Pure functions that turn features and a selection into folium map artefacts.

* :func:`base_map` — the map whose JS never changes for a given basemap (st_folium's component
  identity: a change would remount the iframe);
* :func:`feature_groups` — the data, one group per layer, swapped without a remount through
  st_folium's ``feature_group_to_add``; the view is fitted from inside the group (once per target);
* :func:`legend_html` — the legend of what is visible.

Every string from data reaches HTML only through :func:`html.escape` (folium tooltips are raw
HTML inside an iframe that is same-origin with the app).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from .assets import use_local_assets
from .basemaps import BASEMAPS, BasemapUnavailable, overlay_datum, tile_providers
from .compact import BIG_LAYER, BigLayer, layer_payload
from .config import tianditu_key
from .crs import from_wgs84
from .errors import LianghuError
from .escape import js_text, json_html, map_text
from .folium_render import install as _fast_render
from .framecache import RECENT, recent
from .framecache import per_frame as _per_frame
from .i18n import DEFAULT_LANG, kind_label, localise, status_label, t
from .labels import LABEL_CSS, BigLabels, LabelLayer, label_items, share_once
from .layers import (
    LAYERS,
    LayerSpec,
    Style,
    badge_of,
    display_names,
    layer_style,
    sanitise_style,
)
from .selection import MapSelection
from .style import DRAW_COLOR, geometry_family, is_schematic
from .tiles import TILED_LAYER
from .tilewatch import MetricScale, TileLang, TileWatch

_fast_render()  # folium's rendered output not compiled again as templates (folium_render)

__all__ = [
    "BACKGROUND_CSS",
    "BASEMAPS",
    "CornerLabel",
    "DatumBadge",
    "DrawLocale",
    "FitOnce",
    "LegendEntry",
    "RingLayer",
    "SymbolSupport",
    "VectorLayer",
    "base_map",
    "basemap_problem",
    "catchment_group",
    "display_frame",
    "feature_collection",
    "feature_groups",
    "feature_options",
    "fit_bounds",
    "js_text",
    "legend_html",
    "legend_rows",
    "map_text",
    "needs_canvas",
    "state_map",
    "state_options",
    "state_style",
    "tooltip_html",
]

use_local_assets()

CENTER = (31.66, 119.74)  # between the two lakes
ZOOM = 10
BACKGROUND_CSS = """<style>
.leaflet-container { background: #f3f1ea; font: 13px/1.4 "Noto Sans CJK SC", "WenQuanYi Zen Hei",
  system-ui, sans-serif; }
.leaflet-tooltip .lh-tip small { color: #555; }
.leaflet-tooltip .lh-tip .lh-badge { color: #8a5a00; }
.lh-datum { background: rgba(255,255,255,.85); padding: 1px 6px; border-radius: 3px;
  font-size: 11px; color: #333; box-shadow: 0 0 0 1px rgba(0,0,0,.15); }
.lh-datum[data-datum="gcj02"] { color: #8a3b00; }
.lh-ring-label span { position: absolute; transform: translate(-50%, -110%); white-space: nowrap;
  background: rgba(255,255,255,.8); color: #c92a2a; font-size: 11px; padding: 0 4px;
  border-radius: 3px; }
""" + LABEL_CSS + """</style>"""


class _BackgroundCss(Element):
    """The map's CSS, its template compiled once (``Element(text)`` compiles on every call)."""

    _template = Template(BACKGROUND_CSS)


# Leaflet.draw's texts (L.drawLocal paths) in 简体 and English; 繁體 by OpenCC.
_DRAW_TEXTS = {
    "draw.toolbar.buttons.polyline": ("画折线：量距离", "Draw a line: measure a distance"),
    "draw.toolbar.buttons.polygon": ("画多边形：查询其中的要素、量面积",
                                     "Draw a polygon: query the features inside, measure area"),
    "draw.toolbar.buttons.rectangle": ("画矩形：查询其中的要素", "Draw a rectangle: query inside"),
    "draw.toolbar.actions.title": ("取消绘制", "Cancel drawing"),
    "draw.toolbar.actions.text": ("取消", "Cancel"),
    "draw.toolbar.finish.title": ("完成绘制", "Finish drawing"),
    "draw.toolbar.finish.text": ("完成", "Finish"),
    "draw.toolbar.undo.title": ("删除最后一个点", "Delete the last point"),
    "draw.toolbar.undo.text": ("撤销一点", "Undo a point"),
    "draw.handlers.polyline.tooltip.start": ("点击开始画线", "Click to start the line"),
    "draw.handlers.polyline.tooltip.cont": ("点击继续画线", "Click to continue the line"),
    "draw.handlers.polyline.tooltip.end": ("点击最后一点结束", "Click the last point to finish"),
    "draw.handlers.polygon.tooltip.start": ("点击开始画多边形", "Click to start the polygon"),
    "draw.handlers.polygon.tooltip.cont": ("点击继续画", "Click to continue"),
    "draw.handlers.polygon.tooltip.end": ("点击第一点闭合", "Click the first point to close"),
    "draw.handlers.rectangle.tooltip.start": ("按住鼠标拖出矩形", "Click and drag a rectangle"),
    "draw.handlers.simpleshape.tooltip.end": ("松开鼠标完成", "Release the mouse to finish"),
    "edit.toolbar.buttons.remove": ("删除绘制的图形", "Delete drawn shapes"),
    "edit.toolbar.buttons.removeDisabled": ("没有可删除的图形", "No shape to delete"),
    "edit.toolbar.actions.save.text": ("保存", "Save"),
    "edit.toolbar.actions.cancel.text": ("取消", "Cancel"),
    "edit.toolbar.actions.clearAll.text": ("全部清除", "Clear all"),
    "edit.handlers.remove.tooltip.text": ("点击图形将其删除", "Click a shape to delete it"),
}


class DrawLocale(MacroElement):
    """Leaflet.draw's toolbar and hints in the UI language.  In the base map it runs before the
    control is made (the default language: the base map's script must not change with the
    language, or the map would remount); with the feature groups (``feature_groups(draw=…)``)
    it switches the language of a toolbar that is already there: the hints are read when a
    drawing starts, the buttons' titles are set here."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          for (const [path, text] of Object.entries({{ this.texts|tojson }})) {
            const keys = path.split(".");
            let node = L.drawLocal;
            for (const key of keys.slice(0, -1)) node = node[key] = node[key] || {};
            node[keys[keys.length - 1]] = text;
          }
          const map = window.map;
          if (!map || !map.getContainer) return;
          const buttons = L.drawLocal.draw.toolbar.buttons;
          for (const [cls, title] of [["draw-polyline", buttons.polyline],
                                      ["draw-polygon", buttons.polygon],
                                      ["draw-rectangle", buttons.rectangle],
                                      ["edit-remove", L.drawLocal.edit.toolbar.buttons.remove]]) {
            const a = map.getContainer().querySelector(".leaflet-draw-" + cls);
            if (a) { a.title = title; a.setAttribute("aria-label", title); }
          }
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "DrawLocale"
        self.texts = {path: localise(zh_hans, en, lang)
                      for path, (zh_hans, en) in _DRAW_TEXTS.items()}


def base_map(basemap: str = "osm", *, keyboard: bool = True, canvas: bool = False,
             draw: bool | str | None = None) -> folium.Map:
    """The base map: constant location/zoom; only the basemap changes its JS.
    ``keyboard=False``: arrow keys do not pan (the Present page uses them to change step).
    ``canvas=True`` (see :func:`needs_canvas`): every vector on one canvas — a big layer is drawn
    there, and a canvas above the SVG layers would take their mouse events."""
    try:
        providers = tile_providers(basemap, tianditu_key())
    except BasemapUnavailable:  # drawn without tiles; the page says why (basemap_problem)
        providers = []
    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=False,
                   min_zoom=7, max_zoom=18, keyboard=keyboard, prefer_canvas=canvas)
    for provider in providers:
        folium.TileLayer(provider, name=provider.name, control=False).add_to(m)
    m.add_child(MetricScale()).add_child(TileWatch())  # km only; a notice if tiles fail
    if draw:  # the toolbar in the default language; feature_groups(draw=lang) switches it
        m.add_child(DrawLocale(DEFAULT_LANG))
        shape = {"showArea": True, "metric": True, "shapeOptions": {"color": DRAW_COLOR}}
        folium.plugins.Draw(
            position="topleft", show_geometry_on_click=False,
            draw_options={"polyline": {"metric": True, "feet": False,
                                       "shapeOptions": {"color": DRAW_COLOR}},
                          "polygon": {**shape, "allowIntersection": False},
                          "rectangle": shape, "circle": False, "marker": False,
                          "circlemarker": False},
            edit_options={"edit": False},
        ).add_to(m)
    m.get_root().header.add_child(_BackgroundCss())
    return m


def basemap_problem(basemap: str) -> BasemapUnavailable | None:
    """Why ``basemap`` is drawn without tiles (Tianditu without a usable key), or None."""
    try:
        tile_providers(basemap, tianditu_key())
    except BasemapUnavailable as err:
        return err
    return None


def tooltip_html(row, lang: str) -> str:
    """Tooltip of one feature: escaped name (both scripts/languages), kind and status."""
    first, second = display_names(row, lang)
    parts = [f"<b>{map_text(first)}</b>"]
    if second:
        parts.append(f"<br><small>{map_text(second)}</small>")
    meta = f"{kind_label(row['kind'], lang)} · {status_label(row['status'], lang)}"
    parts.append(f"<br><small>{map_text(meta)}</small>")
    if badge_of(row):
        badge = map_text(t(f"badge.{badge_of(row)}", lang))
        parts.append(f' <small class="lh-badge">[{badge}]</small>')
    return f'<div class="lh-tip">{"".join(parts)}</div>'


def _parts(fid: str, geom) -> list[tuple[str, dict]]:
    """GeoJSON geometries to draw: a MultiPoint becomes one point per part (Leaflet would make a
    layer group of it, which tooltips and highlighting cannot handle)."""
    if geom.geom_type == "MultiPoint":
        return [(f"{fid}#{i}", mapping(p)) for i, p in enumerate(geom.geoms)]
    return [(fid, mapping(geom))]


def feature_collection(gdf: gpd.GeoDataFrame, lang: str, state: str) -> dict:
    """A GeoJSON FeatureCollection with only what the map uses: id, tooltip, state."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": part_id,
                "properties": {"feature_id": fid, "tip": tooltip_html(row, lang), "state": state},
                "geometry": geometry,
            }
            for fid, row in gdf.iterrows()
            for part_id, geometry in _parts(fid, row.geometry)
        ],
    }


_STATE_STYLE = {
    # state: (stroke opacity, fill factor, weight delta)
    "normal": (0.95, 1.0, 0.0),
    "context": (0.35, 0.35, -0.5),
    "focus": (1.0, 1.25, 2.0),
    "selected": (1.0, 1.3, 3.0),
}


def state_style(style: Style, state: str) -> dict:
    """Leaflet path options of a feature drawn in ``state`` (normal, context, focus, selected)."""
    opacity, fill_factor, dw = _STATE_STYLE[state]
    out = {
        "color": "#f08c00" if state == "selected" else style.color,
        "weight": max(style.weight + dw, 1),
        "opacity": opacity,
        "fill": style.fill is not None,
        "fillColor": style.fill or style.color,
        "fillOpacity": min(style.fill_opacity * fill_factor, 1.0),
        "radius": style.radius + (3 if state in ("focus", "selected") else 0),
    }
    if style.dash:
        out["dashArray"] = style.dash
    if style.hatch:  # drawn by SymbolSupport (SVG pattern / canvas pattern)
        out["hatch"] = True
    if style.band:  # a schematic line's pale band, drawn under it by VectorLayer
        out["band"] = style.band
        out["bandOpacity"] = round(0.2 * opacity, 3)
    return out


def _own_style(style: dict, own: str, state: str) -> dict:
    """An uploaded feature's whitelisted style (JSON text, checked again here) over the app's,
    while the feature is drawn normally or in focus; dimmed and selected keep the app's look."""
    if not own or state not in ("normal", "focus"):
        return style
    kept, _ = sanitise_style(own)
    if "fillColor" in kept:
        kept["fill"] = True
    return {**style, **kept}


def feature_options(spec: LayerSpec, kind: str, status: str, basis: str, geom_type: str,
                    own: str, state: str) -> dict:
    """Leaflet path options of one feature drawn in ``state``: the layer's style for its kind
    and status, modified by the state, under the feature's own (whitelisted) style."""
    return _own_style(state_style(layer_style(spec, kind, status, basis, geom_type), state), own,
                      state)


class SymbolSupport(MacroElement):
    """Hatched area fills (``hatch: true`` in a path's options, see :mod:`style`) for Leaflet's
    SVG and canvas renderers: a diagonal-line pattern in the fill colour.  Installed once per
    page, before anything is drawn; a path without ``hatch`` is drawn as before."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          if (window.__lhSymbols) return;
          window.__lhSymbols = true;
          const colour = (c) => (/^#[0-9a-fA-F]{3,6}$/.test(c || "") ? c : "#555555");
          const tile = (c) => {
            const cv = document.createElement("canvas");
            cv.width = cv.height = 8;
            const g = cv.getContext("2d");
            g.strokeStyle = c; g.lineWidth = 2; g.beginPath();
            g.moveTo(-2, 10); g.lineTo(10, -2); g.moveTo(6, 10); g.lineTo(10, 6);
            g.moveTo(-2, 2); g.lineTo(2, -2); g.stroke();
            return cv;
          };
          // a hatch pattern for a canvas (compact.BigLayer draws its own paths)
          window.__lhHatch = (ctx, c) => ctx.createPattern(tile(colour(c)), "repeat");
          const fillStroke = L.Canvas.prototype._fillStroke;
          L.Canvas.prototype._fillStroke = function (ctx, layer) {
            const o = layer.options;
            if (!(o.hatch && o.fill)) return fillStroke.call(this, ctx, layer);
            const keep = o.fillColor;
            o.fillColor = ctx.createPattern(tile(colour(keep || o.color)), "repeat");
            try { fillStroke.call(this, ctx, layer); } finally { o.fillColor = keep; }
          };
          const updateStyle = L.SVG.prototype._updateStyle;
          L.SVG.prototype._updateStyle = function (layer) {
            updateStyle.call(this, layer);
            const o = layer.options, path = layer._path;
            if (!(o.hatch && o.fill && path)) return;
            const c = colour(o.fillColor || o.color), id = "lh-hatch-" + c.slice(1);
            const svg = this._container;
            if (!svg.querySelector("#" + id)) {
              const ns = svg.namespaceURI;
              let defs = svg.querySelector("defs");
              if (!defs) { defs = document.createElementNS(ns, "defs"); svg.prepend(defs); }
              const pat = document.createElementNS(ns, "pattern");
              pat.setAttribute("id", id);
              pat.setAttribute("patternUnits", "userSpaceOnUse");
              pat.setAttribute("width", "8"); pat.setAttribute("height", "8");
              pat.setAttribute("patternTransform", "rotate(-45)");
              const line = document.createElementNS(ns, "rect");
              line.setAttribute("width", "2.5"); line.setAttribute("height", "8");
              line.setAttribute("fill", c);
              pat.appendChild(line);
              defs.appendChild(pat);
            }
            path.setAttribute("fill", "url(#" + id + ")");
          };
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "SymbolSupport"


class FitOnce(MacroElement):
    """Fit the map to bounds when this target is new (re-evaluated groups keep the user's view)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (window.__lh_fit_key !== {{ this.key|tojson }}) {
            window.__lh_fit_key = {{ this.key|tojson }};
            window.__lh_fit_bounds = {{ this.bounds|tojson }};
            {{ this._parent._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
                {maxZoom: {{ this.max_zoom }}, padding: [24, 24]});
        }
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], max_zoom: int = 14):
        super().__init__()
        self._name = "FitOnce"
        self.bounds = bounds
        self.max_zoom = max_zoom
        self.key = hashlib.sha1(json.dumps(bounds).encode()).hexdigest()[:12]


class CornerLabel(MacroElement):
    """A short text in a corner of the map, made once per map (kept on the map as ``slot``)
    and updated in place with the swapped feature groups; set as ``textContent`` (never parsed
    as HTML), with ``data`` as ``data-*`` attributes for styling."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent._parent.get_name() }};
          if (!map[{{ this.slot|tojson }}]) {
            const control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = () => L.DomUtil.create("div", {{ this.css_class|tojson }});
            map[{{ this.slot|tojson }}] = control.addTo(map);
          }
          const box = map[{{ this.slot|tojson }}].getContainer();
          box.textContent = {{ this.literal }};
          {%- for key, value in this.data.items() %}
          box.dataset.{{ key }} = {{ value|tojson }};
          {%- endfor %}
        })();
        {% endmacro %}
    """)

    def __init__(self, text: str, *, slot: str, position: str, css_class: str,
                 data: dict[str, str] | None = None):
        super().__init__()
        self._name = type(self).__name__
        self.literal = js_text(text)
        self.slot, self.position, self.css_class = slot, position, css_class
        self.data = data or {}  # keys are ours (identifiers), values JSON-escaped


class DatumBadge(CornerLabel):
    """The datum the overlays are drawn in, in the map's bottom-left corner."""

    def __init__(self, text: str, datum: str):
        super().__init__(text, slot="__lhDatum", position="bottomleft", css_class="lh-datum",
                         data={"datum": datum})


def fit_bounds(features: gpd.GeoDataFrame, ids) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the features ``ids`` (those in ``features``), rounded
    to 1e-5°; None for none.  From each feature's bounds, kept while the frame lives: the
    Present and Map switches (stepswitch) ask this for every step.  (An array: a million
    features' bounds as a dictionary of tuples took 170 MB.)"""
    each = _per_frame(features, ("bounds",), lambda: shapely.bounds(features.geometry.values))
    b = each[features.index.isin(ids if isinstance(ids, (set, frozenset)) else list(ids))]
    if not len(b):
        return None
    minx, miny = (round(float(v), 5) for v in np.nanmin(b[:, :2], axis=0))
    maxx, maxy = (round(float(v), 5) for v in np.nanmax(b[:, 2:], axis=0))
    return [[miny, minx], [maxy, maxx]]


class VectorLayer(MacroElement):
    """A layer's features in its FeatureGroup: one GeoJSON collection (properties: feature id,
    state, escaped tooltip, style index) and the small table of styles it indexes.  One element
    per layer with a template compiled once (folium.GeoJson + tooltip + marker per state cost
    several template compilations per rerun, most of a filter change's server time)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const styles = {{ this.styles|tojson }};
          const data = {{ this.data }};
          let band = null;
          if (styles.some((s) => s.band)) {  // schematic lines: a pale band under the line
            band = L.geoJSON(data, {
              interactive: false,
              filter: (f) => !!styles[f.properties.z].band,
              style: (f) => ({color: styles[f.properties.z].color, lineCap: "round",
                              weight: styles[f.properties.z].band, fill: false,
                              opacity: styles[f.properties.z].bandOpacity}),
            }).addTo({{ this._parent.get_name() }});
          }
          const main = L.geoJSON(data, {
            style: (f) => styles[f.properties.z],
            pointToLayer: (f, latlng) => L.circleMarker(latlng, styles[f.properties.z]),
            onEachFeature: (f, layer) => {
              layer.bindTooltip(f.properties.tip, {sticky: true});
              layer.on("mouseover", () => layer.setStyle({weight: 6, fillOpacity: 0.6}));
              layer.on("mouseout", () => layer.setStyle(styles[f.properties.z]));
            },
          }).addTo({{ this._parent.get_name() }});
          // in the data's order, the hidden ones too, which are taken off the map
          const all = main.getLayers(), bands = band ? band.getLayers() : [];
          for (const [group, ls] of [[main, all], [band, bands]])
            for (const l of ls) if (styles[l.feature.properties.z].hidden) group.removeLayer(l);
          // found by the map's layer id (stepswitch: Present's steps restyle these in place)
          const map = {{ this._parent._parent.get_name() }};
          (map.__lhVec = map.__lhVec || {})[{{ this.layer_id|tojson }}] = {main, band, styles,
                                                                         all, bands};
        })();
        {% endmacro %}
    """)

    def __init__(self, data: str, styles: list[dict], layer_id: str = "",
                 parts: list[tuple[str, tuple]] | None = None,
                 index: dict[tuple, int] | None = None):
        super().__init__()
        self._name = "VectorLayer"
        self.data = data  # JSON text, HTML-safe (see _feature_texts)
        self.styles = styles
        self.layer_id = layer_id
        # what stepswitch restyles: each GeoJSON feature's (feature id, style key), in the
        # data's order, and the style index of each (style key, state) in ``styles``
        self.parts = parts or []
        self.index = index or {}


@dataclass(frozen=True)
class _FeatureText:
    """A feature's JSON, split where the per-run state and style index go."""

    head: str  # '{"type":"Feature","id":…,"geometry":…,"properties":{"feature_id":…,"state":"'
    tail: str  # '","tip":…,"z":'
    style_key: tuple  # kind, status, basis, geometry type, own style


_json = json_html


def display_frame(features: gpd.GeoDataFrame, datum: str = "wgs84") -> gpd.GeoDataFrame:
    """``features`` as drawn: shifted to GCJ-02 over a GCJ-02 basemap (Gaode), for display
    only; the same frame for WGS84.  Kept while the source frame lives, so the caches keyed on
    the displayed frame keep working across reruns.  A layer of more than
    :data:`tiles.TILED_LAYER` features keeps its WGS84 shapes here: its tiles are shifted in
    the browser (``bigcanvas``; a copy of a million shifted parcels was 0.6 GB and a minute),
    and :func:`_big_group` shifts such a layer itself if it is drawn from one payload."""
    if datum == "wgs84":
        return features
    return _per_frame(features, ("display", datum), lambda: _shifted(features, datum))


def _shifted(features: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    counts = features["layer_id"].value_counts()
    tiled = features["layer_id"].isin(counts.index[counts > TILED_LAYER]).to_numpy()
    if not tiled.any():
        return from_wgs84(features, datum)
    geoms = features.geometry.to_numpy().copy()  # the tiled layers' shapes shared, not copied
    geoms[~tiled] = from_wgs84(geoms[~tiled], datum)
    out = features.copy(deep=False)
    out[features.geometry.name] = gpd.GeoSeries(geoms, index=features.index, crs=features.crs)
    return out


def _feature_texts(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str
                   ) -> dict[str, list[_FeatureText]]:
    """Per feature of ``layer``, its JSON pieces in ``lang`` — made once per layer frame and
    language."""

    def make() -> dict[str, list[_FeatureText]]:
        out = {}
        for fid, row in layer.iterrows():
            key_ = (row["kind"], row["status"], row["basis"], row.geometry.geom_type,
                    str(row.get("style", "") or ""))
            tip = _json(tooltip_html(row, lang))
            out[fid] = [
                _FeatureText(
                    f'{{"type":"Feature","id":{_json(part_id)},"geometry":{_json(geometry)},'
                    f'"properties":{{"feature_id":{_json(fid)},"state":"',
                    f'","tip":{tip},"z":', key_)
                for part_id, geometry in _parts(fid, row.geometry)
            ]
        return out

    return _per_frame(layer, ("texts", spec.id, spec.version, lang), make)


# drawn in this order: focus on top.  "hidden": drawn but off the map (no paint, no events),
# for a map that switches to a state showing it (stepswitch: a theme added in the browser)
_STATE_ORDER = ("hidden", "context", "normal", "focus", "selected")


def state_options(spec: LayerSpec, style_key: tuple, state: str) -> dict:
    """A feature's Leaflet options in ``state`` (``style_key``: kind, status, basis, geometry
    type, own style); a hidden one keeps its normal style, marked ``hidden`` (VectorLayer takes
    it off the map)."""
    if state == "hidden":
        return {**feature_options(spec, *style_key, "normal"), "hidden": True}
    return feature_options(spec, *style_key, state)


def _vector_layer(texts: dict[str, list[_FeatureText]], drawn: list[str],
                  state_of: Mapping[str, str], spec: LayerSpec) -> VectorLayer:
    styles: list[dict] = []
    index: dict[tuple, int] = {}
    items, parts = [], []
    for state in _STATE_ORDER:
        for fid in drawn:
            if state_of[fid] != state:
                continue
            for text in texts[fid]:
                k = (text.style_key, state)
                if k not in index:
                    index[k] = len(styles)
                    styles.append(state_options(spec, text.style_key, state))
                items.append(f"{text.head}{state}{text.tail}{index[k]}}}}}")
                parts.append((fid, text.style_key))
    data = '{"type":"FeatureCollection","features":[' + ",".join(items) + "]}"
    return VectorLayer(data, styles, spec.id, parts, index)


def _split_by_layer(features: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """``features`` per layer, kept while the frame lives (splitting 100,000 rows on every
    rerun would cost more than drawing the map)."""
    return _per_frame(features, ("split",), lambda: _split(features))


def _split(features: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """A layer whose rows are together in ``features`` (the catalogue's are: layer by layer)
    is a slice of it, which shares its columns; the rows of any other layer are copied."""
    codes, uniques = pd.factorize(features["layer_id"].to_numpy(dtype=object))
    out = {}
    for code, lid in enumerate(uniques):
        rows = np.flatnonzero(codes == code)
        together = rows[-1] - rows[0] + 1 == len(rows)
        out[str(lid)] = (features.iloc[rows[0]:rows[-1] + 1] if together
                         else features.iloc[rows])
    return out


def needs_canvas(features: gpd.GeoDataFrame) -> bool:
    """Whether some layer of ``features`` is big enough to be drawn on a canvas."""
    return any(len(part) > BIG_LAYER for part in _split_by_layer(features).values())


def state_map(selection: MapSelection, selected: str | None = None) -> Mapping[str, str]:
    """Each drawn feature's state: dimmed context, normal, focus, and the clicked one.  The
    selection's states are kept for the last selections used (:func:`framecache.recent`): 0.3 s
    per rerun with a million features; a click only lays the clicked feature over them (a new
    million-entry map per click cost 40 MB).  Read-only for callers."""

    def make() -> dict[str, str]:
        state_of = dict.fromkeys(selection.context, "context")
        state_of.update(dict.fromkeys(selection.shown, "normal"))
        state_of.update(dict.fromkeys(selection.focus, "focus"))
        return state_of

    state_of = recent(selection, ("states",), make)
    return ChainMap({selected: "selected"}, state_of) if selected in state_of else state_of


def feature_groups(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    lang: str,
    selected: str | None = None,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    inline_big: bool = False,
    datum: str = "wgs84",
    badge: str | None = None,
    basemap: str | None = None,
    draw: str | None = None,
    states: Mapping[str, str] | None = None,
) -> list[folium.FeatureGroup]:
    """One FeatureGroup per layer with drawn features; states give each feature its style.
    A layer of more than ``compact.BIG_LAYER`` features is drawn from a compact payload on a
    canvas (fetched from the app's static cache, or inline with ``inline_big`` for a file that
    must work on its own).  ``datum``: the datum overlays are drawn in (the basemap's, see
    :func:`basemaps.overlay_datum`); ``badge``: the text of the map's datum badge (None: no
    badge), shown in the map's corner and updated with the groups.  ``basemap``: both from the
    basemap the groups are drawn over (its datum, and the badge in ``lang``).  ``states``: each
    drawn feature's state, instead of :func:`state_map` of ``selection`` and ``selected`` (a
    switching map's, with its hidden features: stepswitch)."""
    if basemap is not None:
        datum = overlay_datum(basemap)
        badge = t(f"datum.badge.{datum}", lang)
    features = display_frame(features, datum)
    state_of = state_map(selection, selected) if states is None else states
    by_layer = _split_by_layer(features)
    groups = []
    for spec in layers:
        layer = by_layer.get(spec.id)
        if layer is None:
            continue
        if len(layer) > BIG_LAYER:  # drawn from a compact payload on a canvas
            group = _big_group(layer, spec, state_of, lang, inline_big, datum,
                               (selection, selected))
            if group is not None:
                groups.append(group)
            continue
        drawn = [fid for fid in layer.index if fid in state_of]
        if not drawn:
            continue
        # named by id, not title: an uploaded title must never reach folium's templates
        group = folium.FeatureGroup(name=spec.id)
        if not groups:  # once per map, before anything is drawn: hatched fills
            group.add_child(SymbolSupport())
        group.add_child(_vector_layer(_feature_texts(layer, spec, lang), drawn, state_of, spec))
        group.add_child(LabelLayer(label_items(layer, spec, lang, drawn, state_of), spec.id))
        groups.append(group)
    share_once(groups)
    if groups and selection.fit:
        fit = fit_bounds(features, selection.fit)
        if fit is not None:
            groups[-1].add_child(FitOnce(fit))
    if badge is not None:
        if not groups:
            groups.append(folium.FeatureGroup(name="lh-datum"))
        groups[-1].add_child(DatumBadge(badge, datum))
        groups[-1].add_child(TileLang(lang))  # the tile notice's language (tilewatch)
    if draw is not None:  # the drawing toolbar in ``draw`` (a language), with no remount
        if not groups:
            groups.append(folium.FeatureGroup(name="lh-draw"))
        groups[-1].add_child(DrawLocale(draw))
    return groups


def _big_group(layer: gpd.GeoDataFrame, spec: LayerSpec, state_of: Mapping[str, str], lang: str,
               inline: bool, datum: str = "wgs84", drawing: tuple = ()
               ) -> folium.FeatureGroup | None:
    """A big layer's group: the payload (cached per layer version) and, per feature, an index
    into a small table of styles (one per kind/status/basis/geometry/own style/state).  The
    styling is kept per layer frame and ``drawing`` (what ``state_of`` was made from: the
    selection and the selected feature), so a rerun that changes neither costs nothing."""
    styling = _per_frame(layer, ("big_styles", spec.id, spec.version, spec.color, drawing),
                        lambda: _big_styling(layer, spec, state_of), keep=RECENT)
    if styling is None:
        return None
    index, styles, states = styling
    group = folium.FeatureGroup(name=spec.id)
    # a stored version never changes; anything else (an upload's preview) is known by content
    version = (spec.version if spec.stored and spec.version else
               hashlib.sha1(b"".join(shapely.to_wkb(layer.geometry.values))
                            + "\n".join(layer.index).encode()).hexdigest())
    if datum != "wgs84":  # the shifted coordinates are another payload
        version = f"{version}@{datum}"
    tileset = _tileset(layer, spec) if not inline else None
    if tileset is None and datum != "wgs84" and len(layer) > TILED_LAYER:  # see display_frame
        layer = _per_frame(layer, ("display", datum), lambda: from_wgs84(layer, datum))
    group.add_child(SymbolSupport())
    if tileset is not None:  # a million polygons: tiles fetched per view (lianghu_map.tiles)
        group.add_child(BigLayer(None, spec.id, index, styles, states,
                                 tiles=(tileset.key, tileset.spec(lang, datum)),
                                 title=spec.label(lang), lang=lang))
    else:
        payload = layer_payload(layer, spec.id, version, lang, publish=not inline,
                                **_prepared_hooks(layer, spec, lang, datum))
        group.add_child(BigLayer(payload, spec.id, index, styles, states, inline=inline,
                                 title=spec.label(lang), lang=lang))
    # its labels: what fits at the current zoom, worked out in the browser from the payload
    group.add_child(BigLabels(spec, str(layer["kind"].iloc[0])))
    return group


def _prepared_hooks(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str, datum: str) -> dict:
    """A stored version's payload as prepared when it was saved (:mod:`lianghu_map.prepared`),
    and where to keep one made now; nothing for a draft or a shifted (GCJ-02) payload."""
    if not (spec.stored and spec.version) or datum != "wgs84":
        return {}
    from . import prepared
    from .store import open_store

    def stored():
        try:
            return prepared.stored_payload(open_store(), spec.id, spec.version, lang, layer)
        except LianghuError:
            return None

    def keep(payload):
        with contextlib.suppress(LianghuError):
            prepared.keep_payload(open_store(), spec.id, spec.version, lang, payload)

    return {"stored": stored, "keep": keep}


def _tileset(layer: gpd.GeoDataFrame, spec: LayerSpec):
    """A stored version's tile set (:mod:`lianghu_map.tiles`) when the layer is above
    :data:`tiles.TILED_LAYER` features: as prepared at its save, else made now and kept.
    None for a smaller layer or a draft (an upload's preview): those are drawn from one
    payload.  The tiles are in WGS84; over a GCJ-02 basemap the browser shifts them."""
    from . import prepared, tiles
    from .store import open_store

    if len(layer) <= tiles.TILED_LAYER or not (spec.stored and spec.version):
        return None
    try:
        store = open_store()
        found = prepared.stored_tiles(store, spec.id, spec.version, layer)
        if found is None and prepared.progress(store, spec.id, spec.version) is not None:
            prepared.wait(store, spec.id, spec.version)  # being made since its save: not twice
            found = prepared.stored_tiles(store, spec.id, spec.version, layer)
    except LianghuError:
        store, found = None, None
    if found is not None:
        return found
    made = tiles.build_tileset(layer, spec.id)
    tiles.publish(made)
    if store is not None:
        prepared.keep_tiles(store, spec.id, spec.version, made, layer.index)
    return tiles.TileSet(made.key, made.index)  # its files are on disk: not kept in memory


def _big_styling(layer: gpd.GeoDataFrame, spec: LayerSpec, state_of: Mapping[str, str]
                 ) -> tuple[np.ndarray, list[dict], list[str]] | None:
    """Per feature of a big layer, its index into the styles; the styles; their states."""
    # a click's states are a ChainMap over the selection's (state_map): read the selection's
    # as a dict (a ChainMap lookup costs ten times as much), then lay the click's over them
    maps = state_of.maps if isinstance(state_of, ChainMap) else [state_of]
    get = maps[-1].get
    state = np.fromiter((get(fid) for fid in layer.index), dtype=object, count=len(layer))
    for over in reversed(maps[:-1]):
        for fid, value in over.items():
            state[layer.index == fid] = value
    drawn = np.flatnonzero(pd.notna(state))
    if not len(drawn):
        return None
    own = layer["style"].fillna("").astype(str) if "style" in layer else pd.Series("", layer.index)
    # one code per (kind, status, basis, geometry type, own style, state): each column's codes
    # combined in one integer (a million rows made into tuples cost 0.2 GB)
    columns = [pd.factorize(column, use_na_sentinel=False) for column in (
        layer["kind"], layer["status"], layer["basis"], layer.geom_type.fillna(""), own, state)]
    codes = np.zeros(len(drawn), dtype=np.int64)
    for here, uniques in columns:
        codes = pd.factorize(codes * len(uniques) + here[drawn])[0]  # first appearance first
    first_row = drawn[np.unique(codes, return_index=True)[1]]  # each combination's first row
    combos = [tuple(uniques[here[r]] for here, uniques in columns) for r in first_row]
    index = np.full(len(layer), -1, dtype=np.int64)
    index[drawn] = codes
    styles = [feature_options(spec, kind, status, basis, gt, own_, st)
              for kind, status, basis, gt, own_, st in combos]
    return index, styles, [c[-1] for c in combos]


class RingLayer(MacroElement):
    """Catchment rings: dashed circles under the features (they take no clicks), each labelled
    at its northern edge with its radius, marked as straight-line distance."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const group = {{ this._parent.get_name() }};
          L.geoJSON({{ this.data }}, {
            interactive: false,
            style: (f) => ({color: "#c92a2a", weight: 1.5, dashArray: "6 4", opacity: 0.9,
                            fill: true, fillColor: "#c92a2a",
                            fillOpacity: 0.04 + 0.02 * f.properties.ring}),
          }).addTo(group);
          for (const [lat, lon, text] of {{ this.labels|tojson }}) {
            L.marker([lat, lon], {interactive: false, keyboard: false, icon: L.divIcon(
              {className: "lh-ring-label", iconSize: null, html: "<span>" + text + "</span>"})
            }).addTo(group);
          }
          L.circleMarker({{ this.centre|tojson }}, {radius: 4, color: "#c92a2a", weight: 2,
                         fillColor: "#fff", fillOpacity: 1, interactive: false}).addTo(group);
        })();
        {% endmacro %}
    """)

    def __init__(self, data: str, labels: list[tuple[float, float, str]],
                 centre: tuple[float, float]):
        super().__init__()
        self._name = "RingLayer"
        self.data = data  # HTML-safe JSON
        self.labels = labels  # text escaped with map_text (tooltip content is HTML)
        self.centre = centre  # (lat, lon) as displayed


def catchment_group(rings: gpd.GeoDataFrame, centre: tuple[float, float], lang: str,
                    datum: str = "wgs84") -> folium.FeatureGroup:
    """The map group of catchment ``rings`` (:attr:`analysis.Catchment.rings`, WGS84) around
    ``centre`` (lon, lat), drawn in ``datum``; labels say "straight-line"."""
    shown = from_wgs84(rings, datum)
    data = _json({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ring": int(r.ring)}, "geometry": mapping(r.geometry)}
        for r in shown.itertuples()]})
    c = from_wgs84(shapely.Point(centre), datum)
    labels = [(round(r.geometry.bounds[3], 6), round(c.x, 6),
               map_text(t("rings.label", lang, km=f"{r.outer_km:g}")))
              for r in shown.itertuples()]
    group = folium.FeatureGroup(name="lh-rings")
    group.add_child(RingLayer(data, labels, (round(c.y, 6), round(c.x, 6))))
    return group


def _rgba(colour: str, alpha: float) -> str:
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def _swatch(style: Style, geom_type: str) -> str:
    """A small CSS swatch (no SVG: st.html sanitises it) for the legend, drawn as the map draws
    the feature: dash pattern, ring or fill, hatch, a schematic line's band."""
    border = "dotted" if style.dash and style.dash.split()[0] in ("2", "3") else (
        "dashed" if style.dash else "solid")
    family = geometry_family(geom_type)
    if family == "point":
        fill = _rgba(style.fill, style.fill_opacity) if style.fill else "transparent"
        css = (f"width:11px;height:11px;border-radius:50%;background:{fill};"
               f"border:2px {border} {style.color};margin:0 5px")
    elif family == "line":
        line = (f"display:block;width:22px;height:0;border-top:"
                f"{min(max(style.weight, 2), 5):.0f}px {border} {style.color}")
        band = (f"background:{_rgba(style.color, 0.2)};padding:4px 0;" if style.band
                else "padding:4px 0;")
        return (f'<span style="display:inline-block;vertical-align:middle;{band}">'
                f'<span style="{line}"></span></span>')
    else:
        if style.fill is None:
            fill = "transparent"
        elif style.hatch:
            c = _rgba(style.fill, min(style.fill_opacity + 0.3, 1.0))
            fill = f"repeating-linear-gradient(-45deg,{c} 0 2px,transparent 2px 6px)"
        else:
            fill = _rgba(style.fill, 0.5 + min(style.fill_opacity, 0.5))
        css = f"width:20px;height:12px;background:{fill};border:1.5px {border} {style.color}"
    return f'<span style="display:inline-block;{css}"></span>'


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a kind in a status, as one geometry family draws it."""

    kind: str
    status: str
    geom_type: str  # the first such feature's (the family is what matters)
    schematic: bool
    features: frozenset[str]

    def label(self, lang: str) -> str:
        text = f"{kind_label(self.kind, lang)} · {status_label(self.status, lang)}"
        if not self.schematic:
            return text
        return text + t(f"legend.schematic.{geometry_family(self.geom_type)}", lang)

    def style(self, spec: LayerSpec) -> Style:
        return layer_style(spec, self.kind, self.status,
                           "estimate" if self.schematic else "", self.geom_type)


def _legend_entries(layer: gpd.GeoDataFrame) -> list[LegendEntry]:
    """A layer's legend rows: each (kind, status, geometry family, schematic) drawn, areas
    first, then lines, then points; made once per layer frame.  An uploaded layer with points,
    lines and areas gets a row for each."""

    def make() -> list[LegendEntry]:
        combos: dict[tuple, tuple[str, set[str]]] = {}
        for fid, kind, status, basis, gt in zip(layer.index, layer["kind"], layer["status"],
                                                layer["basis"], layer.geom_type, strict=True):
            gt = gt or ""
            key = (kind, status, geometry_family(gt), is_schematic(basis, gt))
            combos.setdefault(key, (gt, set()))[1].add(fid)
        order = {"area": 0, "line": 1, "point": 2}
        entries = [LegendEntry(kind, status, gt, schematic, frozenset(fids))
                   for (kind, status, _, schematic), (gt, fids) in combos.items()]
        entries.sort(key=lambda e: order[geometry_family(e.geom_type)])  # stable
        return entries

    return _per_frame(layer, ("legend",), make)


def legend_rows(features: gpd.GeoDataFrame, drawn: tuple[str, ...] | frozenset[str],
                layers: tuple[LayerSpec, ...] = LAYERS
                ) -> list[tuple[LayerSpec, list[LegendEntry]]]:
    """Per layer with drawn features, its legend rows — what the live legend and the printed
    one (:func:`figure.legend_groups`) both list.  ``drawn``: ids, or a selection's
    ``drawn_set`` (kept with the selection: a million ids made into a set on every rerun
    cost 0.3 s)."""
    shown = drawn if isinstance(drawn, (set, frozenset)) else set(drawn)
    by_layer = _split_by_layer(features)
    out = []
    for spec in layers:
        layer = by_layer.get(spec.id)
        if layer is None:
            continue
        entries = [e for e in _legend_entries(layer) if not shown.isdisjoint(e.features)]
        if entries:
            out.append((spec, entries))
    return out


def legend_html(features: gpd.GeoDataFrame, drawn: tuple[str, ...] | frozenset[str], lang: str,
                layers: tuple[LayerSpec, ...] = LAYERS) -> str:
    """Legend of the drawn features: per layer, each kind/status with its swatch."""
    if not drawn:
        return ""
    rows = []
    for spec, entries in legend_rows(features, drawn, layers):
        rows.append(f'<div class="lh-legend-layer"><b>{map_text(spec.label(lang))}'
                    "</b></div>")
        for entry in entries:
            swatch = _swatch(entry.style(spec), entry.geom_type)
            rows.append(f'<div class="lh-legend-row">{swatch} '
                        f"{html.escape(entry.label(lang))}</div>")
    return ('<div class="lh-legend" style="font-size:0.85rem;line-height:1.5">'
            + "".join(rows) + "</div>")
