"""A standalone HTML file of the current map: opens from disk with no network.

:func:`standalone_html` draws the same feature groups as the app (:func:`mapview.feature_groups`:
same tooltips, styles and states), adds Leaflet's layer control (labelled with the layers' names),
a title, the legend, a footer (date, sources, the "indicative" note) and fits the view to the
selection on load.  Leaflet's JS and CSS are inlined from the ``xstatic-leaflet`` package, the CSS
images as ``data:`` URIs: the file loads nothing from anywhere.  With ``basemap="osm"`` the
OpenStreetMap tiles are the only thing the browser asks for (offline they just fail).

Escaping: data reach folium only through :mod:`mapview` (pre-escaped tooltips, layer names through
:func:`mapview.map_text` — branca compiles rendered scripts as Jinja templates, so braces are
escaped too) and JSON embedded by Jinja's ``tojson`` (``<``, ``>``, ``&``, ``'`` as ``\\u003c`` …:
nothing in a string can close the ``<script>``).  The page around the map is assembled here,
outside branca, from :func:`html.escape`-d pieces.

Clauses (``reports``, :func:`lianghu_map.report_history.offline_reports`): the chosen report's
clauses that name a feature in the file travel as JSON in a ``<script type="application/json">``
(``<``, ``>``, ``&`` as ``\\u003c`` …, so no text can end the element); clicking a feature lists
them in the side panel under the report's date and title, built with ``textContent`` only (a
clause holding ``<script>`` stays text).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import folium
import geopandas as gpd
import xstatic.pkg.leaflet as xs_leaflet

from .basemaps import tile_providers
from .i18n import t
from .layers import LAYERS, LayerSpec, display_names
from .mapview import (
    BACKGROUND_CSS,
    CENTER,
    ZOOM,
    feature_groups,
    legend_html,
    map_text,
    needs_canvas,
)
from .selection import ZONE_FEATURE, MapSelection
from .tilewatch import MetricScale, TileWatch

__all__ = ["LEAFLET_VERSION", "leaflet_css", "leaflet_js", "standalone_html"]

LEAFLET_VERSION = "1.9.3"
SOURCES_FILE = "data/geo/SOURCES.md"
# The file's basemaps: OSM tiles or none.  No Tianditu (its key would travel with the file) and
# no Gaode (a file's overlays stay WGS84, the data's datum); the app exports those as OSM.
STANDALONE_BASEMAPS = ("osm", "none")
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")


def _leaflet_dir() -> Path:
    return Path(xs_leaflet.BASE_DIR)


@cache
def leaflet_js() -> str:
    """Leaflet's minified JS from the package, without its source-map comment."""
    js = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", js)
    if f't.version="{LEAFLET_VERSION}"' not in js:
        raise RuntimeError(f"xstatic-leaflet is not Leaflet {LEAFLET_VERSION}")
    if re.search(r"</script|<!--", js, re.IGNORECASE):
        raise RuntimeError("leaflet.js cannot be inlined in a <script> element")
    return js


@cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images as ``data:`` URIs (and the IE-only VML behaviour dropped)."""
    css = (_leaflet_dir() / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"\s*behavior:\s*url\(#default#VML\);", "", css)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)  # comments (one has a URL, one a map)

    def inline(match: re.Match) -> str:
        ref = match.group(2).strip()
        if ref.startswith("data:"):
            return match.group(0)
        path = (_leaflet_dir() / ref).resolve()
        if (ref.startswith(("/", "#")) or "://" in ref or path.suffix != ".png"
                or not path.is_relative_to(_leaflet_dir().resolve()) or not path.is_file()):
            raise RuntimeError(f"leaflet.css refers to {ref!r}, which cannot be inlined")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:image/png;base64,{data}")'

    css = _URL.sub(inline, css)
    if re.search(r"</style", css, re.IGNORECASE):
        raise RuntimeError("leaflet.css cannot be inlined in a <style> element")
    return css


_PAGE_CSS = """<style>
html, body { height: 100%; margin: 0; }
body { font: 14px/1.45 "Noto Sans CJK SC", "Noto Sans CJK TC", "WenQuanYi Zen Hei",
  "Microsoft YaHei", "PingFang SC", system-ui, sans-serif; color: #1f2328; background: #fff; }
.lh-page { display: flex; flex-direction: column; height: 100%; }
.lh-head { padding: 10px 16px 8px; border-bottom: 1px solid #d0d7de; background: #fbfaf6; }
.lh-head h1 { margin: 0; font-size: 1.35rem; line-height: 1.3; }
.lh-head .lh-sub { margin: 2px 0 0; color: #444; }
.lh-head .lh-meta { margin: 2px 0 0; color: #666; font-size: 0.85rem; }
.lh-main { flex: 1; display: flex; min-height: 0; }
.lh-map { flex: 1; position: relative; min-width: 0; }
.lh-side { width: 17rem; overflow: auto; padding: 10px 14px; border-left: 1px solid #d0d7de;
  background: #fff; }
.lh-side h2 { font-size: 1rem; margin: 0 0 6px; }
.lh-side .lh-legend-part[hidden] { display: none; }
.lh-side .lh-hint { color: #666; font-size: 0.8rem; margin-top: 10px; }
.lh-side h3 { font-size: 0.95rem; margin: 8px 0 4px; }
.lh-side h4 { font-size: 0.85rem; margin: 8px 0 2px; color: #555; }
.lh-side .lh-clause { border-left: 3px solid #1f5fa8; padding-left: 6px; margin: 4px 0 8px; }
.lh-side .lh-clause p { margin: 2px 0 0; font-size: 0.85rem; }
.lh-foot { padding: 5px 16px; border-top: 1px solid #d0d7de; background: #fbfaf6; color: #555;
  font-size: 0.78rem; }
.lh-foot span + span::before { content: " · "; }
.leaflet-control-layers-expanded { font-size: 13px; line-height: 1.6; }
@media (max-width: 720px) {
  .lh-main { flex-direction: column; }
  .lh-side { width: auto; max-height: 35%; border-left: 0; border-top: 1px solid #d0d7de; }
}
@media print {
  .lh-page { height: auto; }
  .lh-main { height: 70vh; }
}
</style>"""


def _layer_labels(groups: list[folium.FeatureGroup], layers: tuple[LayerSpec, ...],
                  lang: str) -> dict[str, str]:
    """Layer id → the name shown in the layer control (escaped, unique: the control keys layers
    by name, so two uploaded layers with one title would otherwise lose one)."""
    specs = {spec.id: spec for spec in layers}
    labels, seen = {}, set()
    for group in groups:
        spec = specs[group.layer_name]
        label = spec.label(lang).strip() or spec.id
        name, n = label, 1
        while name in seen:
            n += 1
            name = f"{label} ({n})"
        seen.add(name)
        labels[spec.id] = map_text(name)
    return labels


def _fit_ids(features: gpd.GeoDataFrame, selection: MapSelection) -> tuple[str, ...]:
    """What to fit on load: the selection's fit, else the whole zone, else everything drawn."""
    if selection.fit:
        return selection.fit
    drawn = [f for f in selection.drawn if f in features.index]
    if ZONE_FEATURE in drawn:
        return (ZONE_FEATURE,)
    return tuple(drawn)


def _sources(features: gpd.GeoDataFrame, selection: MapSelection, layers: tuple[LayerSpec, ...],
             lang: str) -> list[str]:
    """The footer's sources: SOURCES.md for built-in layers, each drawn uploaded layer's own."""
    drawn = features.loc[[f for f in dict.fromkeys(selection.drawn) if f in features.index]]
    out = []
    if any(not spec.stored and (drawn["layer_id"] == spec.id).any() for spec in layers):
        out.append(t("standalone.sources.builtin", lang, file=SOURCES_FILE))
    for spec in layers:
        if not spec.stored:
            continue
        srcs = [s for s in dict.fromkeys(drawn.loc[drawn["layer_id"] == spec.id, "source"])
                if str(s).strip()]
        if srcs:
            out.append(t("standalone.sources.layer", lang, layer=spec.label(lang) or spec.id,
                         source="; ".join(map(str, srcs))))
    return out


def _legend(features: gpd.GeoDataFrame, selection: MapSelection, layers: tuple[LayerSpec, ...],
            lang: str, group_names: dict[str, str]) -> str:
    """The legend, one part per drawn layer, each tagged with its feature group's JS name so the
    page can hide it while the layer is switched off."""
    parts = []
    drawn = tuple(dict.fromkeys(selection.drawn))
    for spec in layers:
        if spec.id not in group_names:
            continue
        # legend_html escapes markup, not braces: harmless here (no template sees the page), but
        # the page keeps the rule that no "{" from data reaches it
        part = legend_html(features, drawn, lang, (spec,)).replace("{", "&#123;").replace(
            "}", "&#125;")
        if part:
            parts.append(f'<div class="lh-legend-part" data-lh-group="{group_names[spec.id]}">'
                         f"{part}</div>")
    return "".join(parts)


def _page_script(map_name: str, group_names: dict[str, str]) -> str:
    """Small glue after folium's script: the legend follows the layer toggles (the attribution
    prefix is plain text, set by :class:`tilewatch.TileWatch`)."""
    groups = ", ".join(f"{json.dumps(name)}: {name}" for name in group_names.values())
    return f"""<script>
(function () {{
  var map = {map_name}, groups = {{{groups}}};
  function sync(e) {{
    for (var name in groups) {{
      if (groups[name] !== e.layer) continue;
      var part = document.querySelector('[data-lh-group="' + name + '"]');
      if (part) part.hidden = (e.type === 'overlayremove');
    }}
  }}
  map.on('overlayadd overlayremove', sync);
}})();
</script>"""


def _json_text(value: object) -> str:
    """JSON safe inside an HTML element: no ``<``, ``>`` or ``&`` that could end it."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))


def _clause_panel(reports: Sequence[Mapping], names: Mapping[str, str], lang: str,
                  map_name: str) -> tuple[str, str]:
    """(side-panel HTML, data and script) of the clauses that mention a clicked feature."""
    if not reports:
        return "", ""
    which = "; ".join(t("report.label", lang, date=r["date"], title=r["title"]) for r in reports)
    panel = (f"<h2>{map_text(t('standalone.clauses', lang))}</h2>"
             f'<p class="lh-hint">{map_text(t("standalone.clauses.of", lang, reports=which))}</p>'
             f'<div id="lh-clauses"><p class="lh-hint">'
             f'{map_text(t("standalone.clauses.hint", lang))}</p></div><hr>')
    data = {"reports": list(reports), "names": dict(names),
            "none": t("standalone.clauses.none", lang)}
    data_json = _json_text(data)
    return panel, f"""<script type="application/json" id="lh-clause-data">{data_json}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById('lh-clause-data').textContent);
  var panel = document.getElementById('lh-clauses');
  function el(tag, text, cls) {{
    var e = document.createElement(tag);
    e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }}
  function show(fid) {{
    panel.textContent = '';
    panel.appendChild(el('h3', data.names[fid] || fid));
    var any = false;
    data.reports.forEach(function (r) {{
      var mine = r.clauses.filter(function (c) {{ return c.features.indexOf(fid) >= 0; }});
      if (!mine.length) return;
      any = true;
      panel.appendChild(el('h4', r.date + ' · ' + r.title));
      mine.forEach(function (c) {{
        var box = el('div', '', 'lh-clause');
        box.appendChild(el('b', c.label));
        box.appendChild(el('p', c.text));
        panel.appendChild(box);
      }});
    }});
    if (!any) panel.appendChild(el('p', data.none, 'lh-hint'));
  }}
  function bind(layer) {{
    var p = layer.feature && layer.feature.properties;
    if (p && p.feature_id && !layer._lhClauses) {{
      layer._lhClauses = true;
      layer.on('click', function () {{ show(p.feature_id); }});
    }}
    if (layer.eachLayer) layer.eachLayer(bind);
  }}
  var map = {map_name};
  map.eachLayer(bind);
  map.on('layeradd', function (e) {{ bind(e.layer); }});
}})();
</script>"""


def standalone_html(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    lang: str,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    title: str,
    subtitle: str = "",
    basemap: str = "none",
    today: date | None = None,
    reports: Sequence[Mapping] = (),
) -> str:
    """A self-contained HTML page of the map of ``selection``: Leaflet and the data inlined,
    layer toggles, tooltips, title, legend and footer.  ``title`` and ``subtitle`` are text
    (escaped here).  With ``basemap="none"`` the page makes no request at all.  ``reports``:
    the clauses the side panel lists for a clicked feature (see the module doc)."""
    if basemap not in STANDALONE_BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; expected one of {STANDALONE_BASEMAPS}")
    today = today or date.today()

    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, control_scale=False,
                   min_zoom=7, max_zoom=18, position="absolute",
                   prefer_canvas=needs_canvas(features))
    m.default_js, m.default_css = [], []  # Leaflet is inlined below, never linked
    for provider in tile_providers(basemap):  # plain-text attribution (basemaps)
        folium.TileLayer(provider, name=provider.name, control=False).add_to(m)
    # km only; offline, the tiles' notice (the button takes the tiles off this page)
    m.add_child(MetricScale()).add_child(TileWatch(lang))

    groups = feature_groups(features, replace(selection, fit=_fit_ids(features, selection)),
                            lang, None, layers, inline_big=True)  # big layers inline: no fetch
    labels = _layer_labels(groups, layers, lang)
    group_names = {}
    for group in groups:
        layer_id = group.layer_name
        group_names[layer_id] = group.get_name()
        group.layer_name = labels[layer_id]  # the layer control's label (escaped)
        group.add_to(m)
    if groups:
        folium.LayerControl(position="topright", collapsed=False).add_to(m)

    fig = m.get_root()
    fig.header._children.pop("meta_http", None)  # replaced by <meta charset="utf-8">
    for child in fig._children.values():  # what Figure.render does before its template
        child.render()
    map_header = fig.header.render()
    map_html = fig.html.render()
    map_script = fig.script.render()
    if re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=", map_header + map_html):
        raise RuntimeError("folium linked an external asset; the export must be self-contained")

    drawn = [f for f in dict.fromkeys(selection.drawn) if f in features.index]
    count = t("map.count", lang, shown=len(drawn), total=len(features))
    sources = _sources(features, selection, layers, lang)
    footer = [t("standalone.exported", lang, date=today.isoformat()),
              *([t("standalone.sources", lang, sources="; ".join(sources))] if sources else []),
              t("map.indicative_note", lang)]
    if basemap == "osm":
        footer.append(t("standalone.basemap_online", lang))
    subtitle_html = f'<p class="lh-sub">{map_text(subtitle)}</p>' if subtitle.strip() else ""
    legend = _legend(features, selection, layers, lang, group_names)
    legend_block = (f"<h2>{map_text(t('legend.header', lang))}</h2>{legend}" if legend else "")
    names = {f: display_names(features.loc[f], lang)[0] for f in drawn}
    clause_block, clause_script = _clause_panel(reports, names, lang, m.get_name())

    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<title>{map_text(title)}</title>
<style>/* Leaflet {LEAFLET_VERSION} (xstatic-leaflet), images inlined */
{leaflet_css()}</style>
<script>{leaflet_js()}</script>
{map_header}
{BACKGROUND_CSS}
{_PAGE_CSS}
</head>
<body>
<div class="lh-page">
<header class="lh-head">
<h1>{map_text(title)}</h1>
{subtitle_html}
<p class="lh-meta">{map_text(count)}</p>
</header>
<div class="lh-main">
<div class="lh-map">{map_html}</div>
<aside class="lh-side">{clause_block}{legend_block}
<p class="lh-hint">{map_text(t("standalone.hint", lang))}</p>
</aside>
</div>
<footer class="lh-foot">{"".join(f"<span>{map_text(s)}</span>" for s in footer)}</footer>
</div>
<script>
{map_script}
</script>
{_page_script(m.get_name(), group_names)}
{clause_script}
</body>
</html>
"""
