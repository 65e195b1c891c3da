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

import hashlib
import html
import json
import weakref
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import mapping

from .assets import use_local_assets
from .compact import BIG_LAYER, BigLayer, layer_payload
from .i18n import kind_label, status_label, t
from .layers import (
    LAYERS,
    LayerSpec,
    Style,
    display_names,
    is_indicative,
    layer_style,
    sanitise_style,
)
from .selection import MapSelection

__all__ = [
    "BACKGROUND_CSS",
    "BASEMAPS",
    "FitOnce",
    "VectorLayer",
    "base_map",
    "feature_collection",
    "feature_groups",
    "feature_options",
    "legend_html",
    "map_text",
    "needs_canvas",
    "state_style",
    "tooltip_html",
]

use_local_assets()

CENTER = (31.66, 119.74)  # between the two lakes
ZOOM = 10
BASEMAPS = ("osm", "none")
BACKGROUND_CSS = """<style>
.leaflet-container { background: #f3f1ea; font: 13px/1.4 "Noto Sans CJK SC", "WenQuanYi Zen Hei",
  system-ui, sans-serif; }
.leaflet-tooltip .lh-tip small { color: #555; }
.leaflet-tooltip .lh-tip .lh-badge { color: #8a5a00; }
</style>"""


# A provider object, not the name "OpenStreetMap": folium looks a name up among xyzservices'
# ~1,000 providers on every call (7 ms of each rerun).
_OSM = xyzservices.TileProvider(
    name="OpenStreetMap", url="https://tile.openstreetmap.org/{z}/{x}/{y}.png", max_zoom=19,
    attribution="(C) OpenStreetMap contributors",
    html_attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


class _BackgroundCss(Element):
    """The map's CSS, its template compiled once (``Element(text)`` compiles on every call)."""

    _template = Template(BACKGROUND_CSS)


def base_map(basemap: str = "osm", *, keyboard: bool = True, canvas: bool = False
             ) -> folium.Map:
    """The base map: constant location/zoom; only the basemap changes its JS.
    ``keyboard=False``: arrow keys do not pan (the Present page uses them to change step).
    ``canvas=True`` (see :func:`needs_canvas`): every vector on one canvas — a big layer is drawn
    there, and a canvas above the SVG layers would take their mouse events."""
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; expected one of {BASEMAPS}")
    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=True,
                   min_zoom=7, max_zoom=18, keyboard=keyboard, prefer_canvas=canvas)
    if basemap == "osm":
        folium.TileLayer(_OSM, name="OpenStreetMap", control=False).add_to(m)
    m.get_root().header.add_child(_BackgroundCss())
    return m


def map_text(text: str) -> str:
    """HTML-escape data for the map, braces too: folium (branca) compiles every element's
    rendered script as a *Jinja template* again, so ``{{ … }}`` in data would be evaluated on the
    server.  ``&#123;`` shows as "{" in the tooltip and means nothing to Jinja."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def tooltip_html(row, lang: str) -> str:
    """Tooltip of one feature: escaped name (both scripts/languages), kind and status."""
    first, second = display_names(row, lang)
    parts = [f"<b>{map_text(first)}</b>"]
    if second:
        parts.append(f"<br><small>{map_text(second)}</small>")
    meta = f"{kind_label(row['kind'], lang)} · {status_label(row['status'], lang)}"
    parts.append(f"<br><small>{map_text(meta)}</small>")
    if is_indicative(row):
        badge = map_text(t("badge.indicative", lang))
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


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = (round(float(v), 5) for v in gdf.total_bounds)
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
          L.geoJSON({{ this.data }}, {
            style: (f) => styles[f.properties.z],
            pointToLayer: (f, latlng) => L.circleMarker(latlng, styles[f.properties.z]),
            onEachFeature: (f, layer) => {
              layer.bindTooltip(f.properties.tip, {sticky: true});
              layer.on("mouseover", () => layer.setStyle({weight: 6, fillOpacity: 0.6}));
              layer.on("mouseout", () => layer.setStyle(styles[f.properties.z]));
            },
          }).addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, data: str, styles: list[dict]):
        super().__init__()
        self._name = "VectorLayer"
        self.data = data  # JSON text, HTML-safe (see _feature_texts)
        self.styles = styles


@dataclass(frozen=True)
class _FeatureText:
    """A feature's JSON, split where the per-run state and style index go."""

    head: str  # '{"type":"Feature","id":…,"geometry":…,"properties":{"feature_id":…,"state":"'
    tail: str  # '","tip":…,"z":'
    style_key: tuple  # kind, status, basis, geometry type, own style


def _json(value) -> str:
    return htmlsafe_json_dumps(value, dumps=json.dumps, separators=(",", ":"))


_frame_cache: dict[tuple, tuple[weakref.ref, object]] = {}


def _per_frame(frame: gpd.GeoDataFrame, what: tuple, make):
    """``make()`` once per live ``frame`` (by identity) and ``what``.  The catalogue's frames
    are read-only and live per store revision, so what is derived from them can be kept while
    they live; entries of frames that are gone are dropped."""
    key = (id(frame), *what)
    hit = _frame_cache.get(key)
    if hit is not None and hit[0]() is frame:
        return hit[1]
    value = make()
    for k in [k for k, (ref, _) in _frame_cache.items() if ref() is None]:
        del _frame_cache[k]
    _frame_cache[key] = (weakref.ref(frame), value)
    return value


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


_STATE_ORDER = ("context", "normal", "focus", "selected")  # drawn in this order: focus on top


def _vector_layer(texts: dict[str, list[_FeatureText]], drawn: list[str],
                  state_of: dict[str, str], spec: LayerSpec) -> VectorLayer:
    styles: list[dict] = []
    index: dict[tuple, int] = {}
    items = []
    for state in _STATE_ORDER:
        for fid in drawn:
            if state_of[fid] != state:
                continue
            for text in texts[fid]:
                k = (text.style_key, state)
                if k not in index:
                    kind, status, basis, gt, own = text.style_key
                    index[k] = len(styles)
                    styles.append(feature_options(spec, kind, status, basis, gt, own, state))
                items.append(f"{text.head}{state}{text.tail}{index[k]}}}}}")
    data = '{"type":"FeatureCollection","features":[' + ",".join(items) + "]}"
    return VectorLayer(data, styles)


def _split_by_layer(features: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """``features`` per layer, kept while the frame lives (splitting 100,000 rows on every
    rerun would cost more than drawing the map)."""
    return _per_frame(features, ("split",), lambda: {
        str(lid): part for lid, part in features.groupby("layer_id", sort=False)})


def needs_canvas(features: gpd.GeoDataFrame) -> bool:
    """Whether some layer of ``features`` is big enough to be drawn on a canvas."""
    return any(len(part) > BIG_LAYER for part in _split_by_layer(features).values())


def feature_groups(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    lang: str,
    selected: str | None = None,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    inline_big: bool = False,
) -> list[folium.FeatureGroup]:
    """One FeatureGroup per layer with drawn features; states give each feature its style.
    A layer of more than ``compact.BIG_LAYER`` features is drawn from a compact payload on a
    canvas (fetched from the app's static cache, or inline with ``inline_big`` for a file that
    must work on its own)."""
    state_of = dict.fromkeys(selection.context, "context")
    state_of.update(dict.fromkeys(selection.shown, "normal"))
    state_of.update(dict.fromkeys(selection.focus, "focus"))
    if selected in state_of:
        state_of[selected] = "selected"
    by_layer = _split_by_layer(features)
    groups = []
    for spec in layers:
        layer = by_layer.get(spec.id)
        if layer is None:
            continue
        if len(layer) > BIG_LAYER:  # drawn from a compact payload on a canvas
            group = _big_group(layer, spec, state_of, lang, inline_big)
            if group is not None:
                groups.append(group)
            continue
        drawn = [fid for fid in layer.index if fid in state_of]
        if not drawn:
            continue
        # named by id, not title: an uploaded title must never reach folium's templates
        group = folium.FeatureGroup(name=spec.id)
        group.add_child(_vector_layer(_feature_texts(layer, spec, lang), drawn, state_of, spec))
        groups.append(group)
    if groups and selection.fit:
        fit = features.loc[[f for f in selection.fit if f in features.index]]
        if not fit.empty:
            groups[-1].add_child(FitOnce(_bounds(fit)))
    return groups


def _big_group(layer: gpd.GeoDataFrame, spec: LayerSpec, state_of: dict[str, str], lang: str,
               inline: bool) -> folium.FeatureGroup | None:
    """A big layer's group: the payload (cached per layer version) and, per feature, an index
    into a small table of styles (one per kind/status/basis/geometry/own style/state)."""
    state = pd.Series(layer.index.map(state_of), index=layer.index)
    if state.isna().all():
        return None
    own = layer["style"].fillna("").astype(str) if "style" in layer else pd.Series("", layer.index)
    keys = pd.DataFrame({"kind": layer["kind"], "status": layer["status"],
                         "basis": layer["basis"], "gt": layer.geom_type.fillna(""),
                         "own": own, "state": state})
    codes, combos = pd.MultiIndex.from_frame(keys[state.notna()]).factorize()
    index = np.full(len(layer), -1, dtype=np.int64)
    index[state.notna().to_numpy()] = codes
    styles = [feature_options(spec, kind, status, basis, gt, own_, st)
              for kind, status, basis, gt, own_, st in combos]
    group = folium.FeatureGroup(name=spec.id)
    # a stored version never changes; anything else (an upload's preview) is known by content
    version = (spec.version if spec.stored and spec.version else
               hashlib.sha1(b"".join(shapely.to_wkb(layer.geometry.values))
                            + "\n".join(layer.index).encode()).hexdigest())
    payload = layer_payload(layer, spec.id, version, lang)
    group.add_child(BigLayer(payload, spec.id, index, styles, [c[-1] for c in combos],
                             inline=inline))
    return group


def _swatch(style: Style, geom_type: str) -> str:
    """A small CSS swatch (no SVG: st.html sanitises it) for the legend."""
    border = "dashed" if style.dash else "solid"
    if geom_type.endswith("Point"):
        css = (f"width:11px;height:11px;border-radius:50%;background:{style.fill or '#fff'};"
               f"border:2px solid {style.color};margin:0 5px")
    elif geom_type.endswith("LineString"):
        css = (f"width:22px;height:0;border-top:{min(max(style.weight, 2), 5):.0f}px {border} "
               f"{style.color};vertical-align:middle")
    else:
        fill = style.fill or "transparent"
        css = (f"width:20px;height:12px;background:{fill};border:1.5px {border} {style.color};"
               f"opacity:{0.5 + min(style.fill_opacity, 0.5):.2f}")
    return f'<span style="display:inline-block;{css}"></span>'


def _legend_entries(layer: gpd.GeoDataFrame) -> list[tuple[str, str, str, set[str]]]:
    """A layer's (kind, status, geometry type, feature ids) combinations, points last; made
    once per layer frame."""

    def make() -> list[tuple[str, str, str, set[str]]]:
        combos: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for fid, kind, status, gt in zip(layer.index, layer["kind"], layer["status"],
                                         layer.geom_type, strict=True):
            combos.setdefault((kind, status), (gt, set()))[1].add(fid)
        entries = [(kind, status, gt, fids) for (kind, status), (gt, fids) in combos.items()]
        entries.sort(key=lambda e: "Point" in (e[2] or ""))  # stable: areas and lines first
        return entries

    return _per_frame(layer, ("legend",), make)


def legend_html(features: gpd.GeoDataFrame, drawn: tuple[str, ...], lang: str,
                layers: tuple[LayerSpec, ...] = LAYERS) -> str:
    """Legend of the drawn features: per layer, each kind/status with its swatch."""
    if not drawn:
        return ""
    shown = set(drawn)
    by_layer = _split_by_layer(features)
    rows = []
    for spec in layers:
        layer = by_layer.get(spec.id)
        if layer is None:
            continue
        entries = [e for e in _legend_entries(layer) if not shown.isdisjoint(e[3])]
        if not entries:
            continue
        rows.append(f'<div class="lh-legend-layer"><b>{map_text(spec.label(lang))}'
                    "</b></div>")
        for kind, status, gt, _ in entries:
            label = f"{kind_label(kind, lang)} · {status_label(status, lang)}"
            swatch = _swatch(layer_style(spec, kind, status, geom_type=gt), gt)
            rows.append(f'<div class="lh-legend-row">{swatch} {html.escape(label)}</div>')
    return ('<div class="lh-legend" style="font-size:0.85rem;line-height:1.5">'
            + "".join(rows) + "</div>")
