"""Place names on the live map: zoom-dependent, collision-aware, haloed, never in the way.

Each feature group carries a :class:`LabelLayer`: one label per drawn feature (its main name in the
UI language, :func:`style.label_text`), with the rule of its kind (:func:`style.label_rule`:
priority, zoom range, type style). Both are looked up in :mod:`style` when used, as the printed map
(:mod:`figure`) does, so the two cannot hold different versions.

In the browser, after every zoom or pan, the labels are laid out again: by priority, each is shown
at the first of its candidate spots that lies inside the map and covers no label already shown and
no point symbol; the rest are hidden. A point's label tries right, left, above and below its
symbol; a line's is set along the line at its middle; an area's at its pole of inaccessibility
(inside the shape, away from its edges).

Labels are non-interactive markers above the features with ``pointer-events: none``: a click on a
label reaches the feature under it. Their text is set as ``textContent`` (never parsed as HTML)
from a JS literal escaped by :func:`escape.js_text`. A big layer labels at most
:data:`MAX_BIG_LABELS` of its largest features, from zoom 13 on; a big layer drawn on a canvas
(:mod:`compact`) names what fits at the current zoom (:class:`BigLabels`).
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.ops import polylabel

from . import style as _style
from .escape import js_text
from .framecache import per_frame
from .layers import LayerSpec, display_names
from .style import KIND_STYLE, geometry_family

__all__ = ["BIG_LABEL_MAX", "BIG_LABEL_MIN_PX", "LABEL_CSS", "MAX_BIG_LABELS", "BigLabels",
           "LabelLayer", "label_items", "label_states", "share_once"]

MAX_BIG_LABELS = 300
# A label's rank (lower is placed first): its drawing state (the selected and highlighted features
# are named first, a dimmed one gives way to every other), then its role's priority, then its size
# within the role (larger areas and lines first, then points).
_STATE_RANK = {"selected": -20_000, "focus": -10_000, "normal": 0, "context": 10_000,
               "hidden": 20_000}
# a label's dimming (its item's [13]): 1 dimmed with its context feature, 2 never placed (its
# feature is hidden: a switching map's, see stepswitch)
_STATE_DIM = {"context": 1, "hidden": 2}

# Label type styles (in the map's CSS: mapview.BACKGROUND_CSS).  The halo is a white text-shadow
# ring, legible on any basemap; districts are lighter and larger, lakes italic blue.
LABEL_CSS = """
.lh-label { width: 0; height: 0; pointer-events: none !important; z-index: 900 !important; }
.lh-label span { position: absolute; white-space: nowrap; pointer-events: none;
  font-size: calc(12.5px * var(--s, 1)); font-weight: 600; color: #1f2328; line-height: 1.15;
  text-shadow: 0 0 2px #fff, 1px 1px 0 #fff, -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff,
    0 1px 0 #fff, 0 -1px 0 #fff, 1px 0 0 #fff, -1px 0 0 #fff; }
.lh-label[data-pos="r"] span { left: var(--off, 8px); top: 0; transform: translateY(-50%); }
.lh-label[data-pos="l"] span { right: var(--off, 8px); top: 0; transform: translateY(-50%); }
.lh-label[data-pos="t"] span { left: 0; bottom: var(--off, 8px); transform: translateX(-50%); }
.lh-label[data-pos="b"] span { left: 0; top: var(--off, 8px); transform: translateX(-50%); }
.lh-label { --d: calc(var(--off, 8px) * .7); }
.lh-label[data-pos="tr"] span { left: var(--d); bottom: var(--d); }
.lh-label[data-pos="br"] span { left: var(--d); top: var(--d); }
.lh-label[data-pos="tl"] span { right: var(--d); bottom: var(--d); }
.lh-label[data-pos="bl"] span { right: var(--d); top: var(--d); }
.lh-label[data-pos="c"] span { left: 0; top: 0;
  transform: translate(-50%, -50%) rotate(var(--rot, 0deg)); }
.lh-label[data-pos="ca"] span { left: 0; top: 0; transform: translate(-50%, -140%); }
.lh-label[data-pos="cb"] span { left: 0; top: 0; transform: translate(-50%, 40%); }
.lh-l-hub span { color: #a51111; font-weight: 700; }
.lh-l-water span { color: #1d5f99; font-style: italic; font-weight: 500; }
.lh-l-district span { color: #6b665e; font-weight: 500; letter-spacing: .18em; }
.lh-l-line span { font-weight: 500; }
.lh-l-zone span { color: #8f1d1d; }
.lh-l-context span { color: #7a756d; font-weight: 400; }
.lh-label.lh-hidden { visibility: hidden; }
"""


# The layout (window.__lhLayoutLabels), its hooks on a map (__lhAttachLabels) and the making of
# one label marker (__lhLabelMarker), defined once per page by whichever label layer comes first.
_SHARED_JS = """
          if (!window.__lhLayoutLabels) {
            const overlaps = (a, b) => !(a.right < b.left || a.left > b.right ||
                                         a.bottom < b.top || a.top > b.bottom);
            window.__lhLayoutLabels = function (map) {
              const z = map.getZoom(), box = map.getContainer().getBoundingClientRect();
              if (!box.width || !box.height) {  // not laid out yet: try again shortly
                setTimeout(() => window.__lhLayoutLabels(map), 250);
                return;
              }
              const labels = [];
              map.eachLayer((l) => { if (l.lhLabel && l.getElement()) labels.push(l); });
              labels.sort((a, b) => a.lhLabel[3] - b.lhLabel[3]);
              const taken = [];  // the map's own controls (zoom, scale, badges) stay readable
              map.getContainer().querySelectorAll(".leaflet-control").forEach((c) => {
                const r = c.getBoundingClientRect();
                if (r.width && r.height) taken.push(r);
              });
              for (const l of labels) {  // point symbols are never covered
                const it = l.lhLabel;
                if (it[0] !== "p" || it[13] === 2 || z < it[4] || z > it[5]) continue;
                const c = map.latLngToContainerPoint([it[6], it[7]]), r = it[8] - 2;
                taken.push({left: box.left + c.x - r, right: box.left + c.x + r,
                            top: box.top + c.y - r, bottom: box.top + c.y + r});
              }
              // every label's size, read at once (one layout); each spot is then placed by
              // arithmetic from the CSS above, so the loop below only writes (reading a rect per
              // spot tried forced a layout of the page each time: seconds per rerun, issue 18)
              const sizes = labels.map((l) => {
                const span = l.getElement().firstChild;
                return [span.offsetWidth, span.offsetHeight];
              });
              labels.forEach((l, i) => {
                const it = l.lhLabel, el = l.getElement(), [w, h] = sizes[i];
                let ok = false;
                if (z >= it[4] && z <= it[5] && it[13] !== 2) {
                  let deg = 0;
                  if (it[0] === "l") {  // along the line, upright
                    const a = map.latLngToContainerPoint([it[9], it[10]]);
                    const b = map.latLngToContainerPoint([it[11], it[12]]);
                    deg = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
                    if (deg > 90) deg -= 180;
                    if (deg < -90) deg += 180;
                    el.style.setProperty("--rot", deg.toFixed(1) + "deg");
                  }
                  const spots = it[0] === "p" ? ["r", "l", "t", "b", "tr", "br", "tl", "bl"] :
                                it[0] === "a" ? ["c", "ca", "cb", "r", "l"] : ["c"];
                  const ext = window.__lhLabelExtent;
                  // an area may also be named at the pole of each half of it
                  const anchors = [[it[6], it[7]], ...(it[0] === "a" ? it[15] : [])];
                  let where = anchors[0];
                  for (const at of anchors) {
                    const c = map.latLngToContainerPoint(at);
                    for (const pos of spots) {
                      const e = ext(pos, w, h, it[8], deg);
                      const r = {left: box.left + c.x + e[0], right: box.left + c.x + e[2],
                                 top: box.top + c.y + e[1], bottom: box.top + c.y + e[3]};
                      if (r.left < box.left + 2 || r.right > box.right - 2 ||
                          r.top < box.top + 2 || r.bottom > box.bottom - 2) continue;
                      if (taken.some((o) => overlaps(r, o))) continue;
                      taken.push({left: r.left - 3, right: r.right + 3, top: r.top - 1,
                                  bottom: r.bottom + 1});
                      el.dataset.pos = pos;
                      where = at;
                      ok = true;
                      break;
                    }
                    if (ok) break;
                  }
                  const now = l.getLatLng();
                  if (now.lat !== where[0] || now.lng !== where[1]) l.setLatLng(where);
                }
                el.classList.toggle("lh-hidden", !ok);
              });
            };
            // the box of a label's text (w × h px) at a spot, relative to its anchor point: the
            // arithmetic of LABEL_CSS (offset ``off`` px; "c" turned by ``deg``)
            window.__lhLabelExtent = (pos, w, h, off, deg) => {
              const d = off * .7;
              switch (pos) {
                case "r": return [off, -h / 2, off + w, h / 2];
                case "l": return [-off - w, -h / 2, -off, h / 2];
                case "t": return [-w / 2, -off - h, w / 2, -off];
                case "b": return [-w / 2, off, w / 2, off + h];
                case "tr": return [d, -d - h, d + w, -d];
                case "br": return [d, d, d + w, d + h];
                case "tl": return [-d - w, -d - h, -d, -d];
                case "bl": return [-d - w, d, -d, d + h];
                case "ca": return [-w / 2, -1.4 * h, w / 2, -.4 * h];
                case "cb": return [-w / 2, .4 * h, w / 2, 1.4 * h];
                default: {  // "c": centred, turned
                  const t = deg * Math.PI / 180;
                  const cs = Math.abs(Math.cos(t)), sn = Math.abs(Math.sin(t));
                  const W = w * cs + h * sn, H = w * sn + h * cs;
                  return [-W / 2, -H / 2, W / 2, H / 2];
                }
              }
            };
            window.__lhAttachLabels = (m) => {
              if (!m.__lhLabelHook) {
                m.__lhLabelHook = true;
                m.on("zoomend moveend resize viewreset", () => {  // now, and once settled
                  window.__lhLayoutLabels(m);
                  clearTimeout(m.__lhLabelTimer);
                  m.__lhLabelTimer = setTimeout(() => window.__lhLayoutLabels(m), 400);
                });
                // the map may be laid out (or shown) after its data: lay out again on resize
                window.addEventListener("resize", () => window.__lhLayoutLabels(m));
                if (document.fonts) document.fonts.ready.then(() => window.__lhLayoutLabels(m));
                if (window.ResizeObserver) {
                  new ResizeObserver(() => window.__lhLayoutLabels(m)).observe(m.getContainer());
                }
              }
              // again once the page around the map has settled (fonts, the iframe's final size)
              requestAnimationFrame(() => window.__lhLayoutLabels(m));
              for (const ms of [150, 600, 1500]) setTimeout(() => window.__lhLayoutLabels(m), ms);
            };
            // one label: a non-interactive marker; its text set as textContent
            window.__lhLabelMarker = (it) => {
              const span = document.createElement("span");
              span.textContent = it[1];
              const marker = L.marker([it[6], it[7]], {
                interactive: false, keyboard: false,
                icon: L.divIcon({className: "lh-label lh-l-" + it[2] +
                                   (it[13] ? " lh-l-context" : "") + " lh-hidden",
                                 html: span, iconSize: null}),
              });
              marker.lhLabel = it;
              marker.on("add", () => {
                const el = marker.getElement();
                el.style.setProperty("--off", it[8] + "px");
                el.style.setProperty("--s", it[14]);
                el.dataset.pos = it[0] === "p" ? "r" : "c";
              });
              return marker;
            };
          }
"""


class LabelLayer(MacroElement):
    """The labels of one feature group, and the layout that runs after every zoom or pan."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const group = {{ this._parent.get_name() }};
{{ this.shared }}
          group.on("add", (e) => window.__lhAttachLabels(e.target._map));
          const markers = {{ this.items }}.map((it) => window.__lhLabelMarker(it).addTo(group));
          // found by the map's layer id (stepswitch: Present's steps re-rank these in place)
          const map = {{ this._parent._parent.get_name() }};
          (map.__lhLabelSets = map.__lhLabelSets || {})[{{ this.layer_id|tojson }}] = markers;
          if (group._map) window.__lhAttachLabels(group._map);
        })();
        {% endmacro %}
    """)

    def __init__(self, items: str, layer_id: str = ""):
        super().__init__()
        self._name = "LabelLayer"
        self.items = items  # a JS array literal, text escaped by js_text
        self.shared = _SHARED_JS
        self.layer_id = layer_id


BIG_LABEL_MAX = 150  # labels a big layer offers at once: its features largest on screen
BIG_LABEL_MIN_PX = 24  # an area or line smaller than this on screen is not named


class BigLabels(MacroElement):
    """The labels of a big layer (:class:`compact.BigLayer`, in the same group): what fits at
    the current zoom.  After every zoom or pan, the drawn features in view that are at least
    :data:`BIG_LABEL_MIN_PX` across on screen (at most :data:`BIG_LABEL_MAX`, largest first; a
    point always) get a label from the layer's label rule, laid out with the map's other labels
    (an upload gives way to every built-in name).  The text is the payload's plain name, set
    as ``textContent``; the labels take no clicks (see :class:`LabelLayer`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const group = {{ this._parent.get_name() }};
{{ this.shared }}
          const rule = {{ this.rule|tojson }}, ranks = {{ this.ranks|tojson }};
          let shown = [], map = null;
          const refresh = () => {
            for (const m of shown) group.removeLayer(m);
            shown = [];
            const src = group.__lhBig;  // the layer's canvas (compact.BigLayer)
            if (!map || !group._map || !src) return;
            const z = map.getZoom();
            if (z >= rule.min_zoom && z <= rule.max_zoom) {
              const picks = src.labelCandidates({{ this.min_px }});
              picks.sort((a, b) => b.size - a.size);
              picks.slice(0, {{ this.max }}).forEach((c, i) => {
                const it = [c.point ? "p" : "a", c.name, rule.role,
                            rule.rank + (c.point ? 50 : i) + (ranks[c.state] || 0),
                            rule.min_zoom, rule.max_zoom, c.lat, c.lng,
                            c.point ? c.radius + 4 : 0, 0, 0, 0, 0,
                            c.state === "context" ? 1 : 0, rule.size, []];
                const m = window.__lhLabelMarker(it);
                group.addLayer(m);
                shown.push(m);
              });
            }
            window.__lhLayoutLabels(map);
          };
          const attach = (m) => {
            if (map === m) return;
            map = m;
            window.__lhAttachLabels(m);
            m.on("moveend zoomend", refresh);
            refresh();
          };
          group.on("lh:parts", refresh);
          group.on("add", (e) => attach(e.target._map));
          group.on("remove", () => { if (map) map.off("moveend zoomend", refresh); map = null; });
          if (group._map) attach(group._map);
        })();
        {% endmacro %}
    """)

    def __init__(self, spec: LayerSpec, kind: str):
        super().__init__()
        self._name = "BigLabels"
        rule = _style.label_rule(kind, uploaded=spec.stored)
        self.rule = {"role": rule.role, "rank": int(rule.priority * 1000),
                     "min_zoom": rule.min_zoom, "max_zoom": rule.max_zoom, "size": rule.size}
        self.ranks = _STATE_RANK
        self.min_px, self.max = BIG_LABEL_MIN_PX, BIG_LABEL_MAX
        self.shared = _SHARED_JS


def share_once(groups) -> None:
    """Keep the layout's shared script (:data:`_SHARED_JS`, ~8 KB) in the first label element
    of one map's ``groups`` only, which runs first: every label layer carried a copy, a quarter
    of the built-in map's update sent to the browser on each filter change."""
    first = True
    for group in groups:
        for child in group._children.values():
            if isinstance(child, (LabelLayer, BigLabels)):
                child.shared = _SHARED_JS if first else ""
                first = False


def _pole(poly) -> shapely.Point:
    try:
        return polylabel(poly, tolerance=max(shapely.length(poly) / 2000, 1e-5))
    except Exception:  # a degenerate ring: any point inside will do
        return poly.representative_point()


def _halves(poly) -> list[tuple[float, float]]:
    """(lat, lon) of the poles of the north, south, west and east halves of ``poly``: other
    places inside it where its name may go when the pole is taken."""
    minx, miny, maxx, maxy = poly.bounds
    mx, my = (minx + maxx) / 2, (miny + maxy) / 2
    out = []
    for half in (shapely.box(minx, my, maxx, maxy), shapely.box(minx, miny, maxx, my),
                 shapely.box(minx, miny, mx, maxy), shapely.box(mx, miny, maxx, maxy)):
        part = poly.intersection(half)
        parts = [g for g in getattr(part, "geoms", [part]) if g.geom_type == "Polygon"]
        if parts:
            p = _pole(max(parts, key=lambda g: g.area))
            out.append((round(p.y, 6), round(p.x, 6)))
    return out


def _anchor(geom) -> tuple[str, tuple[float, ...], list]:
    """("p" | "l" | "a", (lat, lon[, lat2, lon2, lat3, lon3]), other anchors of an area)
    where a feature's label goes."""
    family = geometry_family(geom.geom_type)
    if family == "point":
        p = geom.geoms[0] if hasattr(geom, "geoms") else geom
        return "p", (p.y, p.x), []
    if family == "line":
        parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        line = max(parts, key=lambda g: g.length)
        a, m, b = (line.interpolate(f, normalized=True) for f in (0.45, 0.5, 0.55))
        return "l", (m.y, m.x, a.y, a.x, b.y, b.x), []
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    poly = max((g for g in parts if g.geom_type == "Polygon"), key=lambda g: g.area,
               default=None)
    if poly is None:
        p = geom.representative_point()
        return "a", (p.y, p.x), []
    p = _pole(poly)
    return "a", (p.y, p.x), _halves(poly)


def _number(v: float) -> str:
    return f"{v:.6f}".rstrip("0").rstrip(".")


def _size(layer: gpd.GeoDataFrame) -> pd.Series:
    """Each feature's size in square degrees (areas) or degrees (lines): only to rank them."""
    geoms = layer.geometry.values
    area = shapely.area(geoms)
    return pd.Series(np.where(area > 0, area, shapely.length(geoms)), index=layer.index)


def _items(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str) -> dict[str, tuple]:
    """Per feature of ``layer``: (JS head with text and role, priority, zoom range, the rest)."""
    rows = layer
    big = len(layer) > MAX_BIG_LABELS and spec.stored
    if big:  # only the largest features of a big layer are named
        rows = layer.loc[_size(layer).sort_values(ascending=False).index[:MAX_BIG_LABELS]]
    order = _size(rows).rank(ascending=False, method="first").clip(upper=99)
    out = {}
    for fid, row in rows.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        text = _style.label_text(display_names(row, lang)[0])
        if not text:
            continue
        rule = _style.label_rule(row["kind"], uploaded=spec.stored)
        g, where, alts = _anchor(geom)
        line = where[2:] if g == "l" else (0.0, 0.0, 0.0, 0.0)
        radius = KIND_STYLE[row["kind"]].radius if row["kind"] in KIND_STYLE else 6.0
        off = radius + 4 if g == "p" else 0
        rank = int(rule.priority * 1000) + (50 if g == "p" else int(order[fid]))  # areas first
        out[fid] = (g, js_text(text), rule.role, rank, rule.min_zoom if not big else 13,
                    rule.max_zoom, where[0], where[1], off, *line, rule.size,
                    json.dumps([[_number(a), _number(b)] for a, b in alts]).replace('"', ""))
    return out


def _drawn_items(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str, drawn: list[str],
                 state_of: dict[str, str]):
    """(label item, state) of the ``drawn`` features that have a label, in order.  Anchors are
    kept per layer frame."""
    items = per_frame(layer, ("labels", spec.id, spec.version, lang),
                      lambda: _items(layer, spec, lang))
    for fid in drawn:
        it = items.get(fid)
        if it is not None:
            yield it, state_of.get(fid, "normal")


def label_items(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str, drawn: list[str],
                state_of: dict[str, str]) -> str:
    """The JS array of the labels of ``drawn`` features of ``layer`` (as displayed: already in
    the basemap's datum), each in its drawing state."""
    parts = []
    for it, state in _drawn_items(layer, spec, lang, drawn, state_of):
        (g, text, role, rank, z0, z1, lat, lon, off, y2, x2, y3, x3, size, alts) = it
        nums = ",".join(_number(v) for v in (lat, lon, off, y2, x2, y3, x3))
        parts.append(f'["{g}",{text},"{role}",{rank + _STATE_RANK[state]},{z0},{z1},'
                     f'{nums},{_STATE_DIM.get(state, 0)},{size},{alts}]')
    return "[" + ",".join(parts) + "]"


def label_states(layer: gpd.GeoDataFrame, spec: LayerSpec, lang: str, drawn: list[str],
                 state_of: dict[str, str]) -> list[list[int]]:
    """Per label of :func:`label_items` (same features, same order): its rank and whether it is
    dimmed (1; 2: hidden), for the states ``state_of`` — what a state change alters in a
    label."""
    return [[it[3] + _STATE_RANK[state], _STATE_DIM.get(state, 0)]
            for it, state in _drawn_items(layer, spec, lang, drawn, state_of)]
