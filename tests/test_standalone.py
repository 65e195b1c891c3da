"""The standalone HTML export: self-contained (nothing linked or fetched), every drawn feature in
the data, title/legend/footer, and data that stays inert (markup, ``</script>``, Jinja braces)."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from html.parser import HTMLParser

import geopandas as gpd
import pandas as pd
import pytest
from apptest_helpers import map_layers
from injection_corpus import PAYLOADS
from shapely.geometry import LineString, Point

from lianghu_map.catalog import load_catalog
from lianghu_map.layers import LayerSpec, canonical_features
from lianghu_map.selection import MapFilter, MapSelection, select
from lianghu_map.standalone import LEAFLET_VERSION, leaflet_css, leaflet_js, standalone_html

CAT = load_catalog()
ALL = select(CAT.features, CAT.links, CAT.meeting, MapFilter())
DIRECTIVE = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="innovate.2"))
TITLE = "两湖创新区规划图"
N_SCRIPTS = 4  # Leaflet, folium's switches, the map and its data, the page's glue


class _Page(HTMLParser):
    """What a browser's tokenizer sees: elements with their attributes, script and style bodies,
    the title and the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.title = ""
        self.h1 = ""
        self._in = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag
        if tag == "script":
            self.scripts.append("")
        elif tag == "style":
            self.styles.append("")

    def handle_endtag(self, tag):  # noqa: ARG002 (HTMLParser's signature)
        self._in = ""

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        elif self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def _collections(page: str) -> list[dict]:
    """The GeoJSON FeatureCollections of the map's layers (mapview.VectorLayer)."""
    return [data for _, data in map_layers(page)]


def _overlay_labels(page: str) -> list[str]:
    """The layer control's labels as Leaflet gets them (JSON strings, inserted as HTML)."""
    block = re.search(r"overlays :  \{(.*?)\},", page, re.DOTALL).group(1)
    return [json.loads(k) for k in re.findall(r'^\s*("(?:[^"\\]|\\.)*") : feature_group_\w+,$',
                                              block, re.MULTILINE)]


def select_all(feats: gpd.GeoDataFrame) -> MapSelection:
    return MapSelection(tuple(feats.index), ())


def _n_vectors(features: gpd.GeoDataFrame, ids) -> int:
    geoms = features.loc[list(dict.fromkeys(ids)), "geometry"]
    return sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in geoms)


@pytest.fixture(scope="module")
def page_all() -> str:
    return standalone_html(CAT.features, ALL, "zh-Hans", CAT.layers, title=TITLE,
                           subtitle="全部要素", today=date(2025, 3, 1))


def test_nothing_is_linked_or_fetched(page_all):
    assert page_all.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page_all
    assert "http-equiv" not in page_all  # one charset declaration only
    doc = _parse(page_all)
    for tag, attrs in doc.tags:
        for name in ("src", "href", "srcset", "poster", "data"):
            assert name not in attrs or attrs[name].startswith(("data:", "#")), (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed", "base")
    assert all(not attrs.get("src") for tag, attrs in doc.tags if tag == "script")
    urls = [u.strip("'\" ") for css in doc.styles for u in re.findall(r"url\(([^)]*)\)", css)]
    assert urls and all(u.startswith("data:image/png;base64,") for u in urls)
    assert "@import" not in page_all
    # Leaflet is inlined whole; outside it there is no http(s) URL at all (not even a link)
    assert leaflet_js() in page_all
    rest = page_all.replace(leaflet_js(), "")
    assert not re.search(r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/", rest, re.IGNORECASE)
    assert "sourceMappingURL" not in page_all
    assert f't.version="{LEAFLET_VERSION}"' in page_all


def test_leaflet_css_images_inlined():
    css = leaflet_css()
    assert "layers.png" not in css and "marker-icon.png" not in css and "VML" not in css
    assert css.count("data:image/png;base64,") == 3


def test_every_drawn_feature_is_in_the_data(page_all):
    feats = [f for fc in _collections(page_all) for f in fc["features"]]
    ids = {f["properties"]["feature_id"] for f in feats}
    assert ids == set(ALL.drawn) == set(CAT.features.index)
    assert len(feats) == _n_vectors(CAT.features, ALL.drawn)
    assert {"park.sino_israel#0", "park.sino_israel#1"} <= {f["id"] for f in feats}
    tips = {f["properties"]["feature_id"]: f["properties"]["tip"] for f in feats}
    assert "常州科教城" in tips["park.kejiaocheng"]


def test_title_legend_layers_and_footer(page_all):
    doc = _parse(page_all)
    assert doc.title == TITLE and doc.h1 == TITLE
    assert "全部要素" in page_all
    assert '<html lang="zh-Hans">' in page_all
    assert "图例" in page_all and "lh-legend-row" in page_all
    assert page_all.count('class="lh-legend-part"') == len(CAT.layers)
    assert [html.unescape(s) for s in _overlay_labels(page_all)] == [
        spec.label("zh-Hans") for spec in CAT.layers]
    assert "L.control.layers(" in page_all and '"collapsed": false' in page_all
    for text in ("2025-03-01", "data/geo/SOURCES.md", "内置几何均为示意性的近似位置"):
        assert text in page_all
    assert len(doc.scripts) == N_SCRIPTS
    fits = re.findall(r"fitBounds\((\[\[.*?\]\])", page_all.replace(leaflet_js(), ""))
    zone = CAT.features.at["zone.lianghu", "geometry"].bounds  # fitted to the zone on load
    assert [json.loads(f) for f in fits] == [[[round(zone[1], 5), round(zone[0], 5)],
                                             [round(zone[3], 5), round(zone[2], 5)]]]


def test_directive_selection_states_and_fit():
    page = standalone_html(CAT.features, DIRECTIVE, "en", CAT.layers, title="innovate.2")
    feats = [f for fc in _collections(page) for f in fc["features"]]
    focus = {f["properties"]["feature_id"] for f in feats if f["properties"]["state"] == "focus"}
    context = {f["properties"]["feature_id"] for f in feats
               if f["properties"]["state"] == "context"}
    assert focus == set(DIRECTIVE.focus) and context == set(DIRECTIVE.context)
    assert "Built-in geometry is indicative" in page and "Legend" in page
    # fitted to the directive's own feature (xitaihu park), not the whole zone
    xt = CAT.features.at[DIRECTIVE.fit[0], "geometry"].bounds
    fit = re.search(r"fitBounds\((\[\[.*?\]\])", page.replace(leaflet_js(), "")).group(1)
    assert json.loads(fit) == [[round(xt[1], 5), round(xt[0], 5)], [round(xt[3], 5),
                                                                     round(xt[2], 5)]]


def test_osm_basemap_only_adds_tiles():
    page = standalone_html(CAT.features, ALL, "en", CAT.layers, title="t", basemap="osm")
    rest = page.replace(leaflet_js(), "")
    urls = set(re.findall(r"https?://[^\s\"'<>\\]+", rest))
    # the attribution is plain text: no link out (issue 14), the tile URL is the only URL
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    assert r'"attribution": "\u00a9 OpenStreetMap contributors"' in page
    assert "The basemap needs the internet" in page
    with pytest.raises(ValueError, match="basemap"):
        standalone_html(CAT.features, ALL, "en", title="t", basemap="satellite")


def _uploaded(name: str, title: str, source: str = "测绘院") -> tuple[gpd.GeoDataFrame,
                                                                      LayerSpec]:
    spec = LayerSpec("up-x", title_zh=title, title_en=title, stored=True)
    gdf = gpd.GeoDataFrame({"name": [name, name], "source_id": ["a", "b"]},
                           geometry=[Point(119.8, 31.6), LineString([(119.7, 31.5),
                                                                     (119.75, 31.55)])],
                           crs=4326)
    return canonical_features(gdf, spec, kind="other", status="planned", source=source), spec


def _with(feats: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat([CAT.features, feats]), geometry="geometry", crs=4326)


def _assert_inert(page: str, payload: str, n_scripts: int = N_SCRIPTS) -> None:
    doc = _parse(page)
    assert len(doc.scripts) == n_scripts  # nothing closed a script or opened one
    assert page.count("</script>") == n_scripts and page.count("<script>") == n_scripts
    page = page.replace(leaflet_js(), "")  # (Leaflet itself writes "<svg/>" in a string)
    if any(c in payload for c in "<>"):
        assert payload not in page
    for tag in ("<img", "<svg", "<iframe", "<script>window", "<details", "<input", "<marquee",
                "<style>body", "<a href=\"javascript", "<math", "<body onload"):
        assert tag not in page
    assert not any(t in ("img", "svg", "iframe", "details", "input", "marquee", "math", "a")
                   for t, _ in doc.tags)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text(payload):
    feats, spec = _uploaded(payload, payload, source=payload)
    page = standalone_html(feats, select_all(feats), "zh-Hans", (spec,), title=payload,
                           subtitle=payload)
    _assert_inert(page, payload)
    doc = _parse(page)
    assert doc.title == payload and doc.h1 == payload  # shown literally, braces included
    labels = _overlay_labels(page)  # Leaflet inserts these with innerHTML: escaped markup
    assert [html.unescape(s) for s in labels] == [spec.label("zh-Hans")]
    tips = [f["properties"]["tip"] for fc in _collections(page) for f in fc["features"]]
    for fragment in (*labels, *tips):
        assert {tag for tag, _ in _parse(fragment).tags} <= {"div", "b", "br", "small"}
        assert "{" not in fragment
    assert len(tips) == 2 and all(payload[:60] in html.unescape(tip) for tip in tips)
    assert spec.label("zh-Hans") in html.unescape(page)  # legend and footer


def test_jinja_braces_are_not_evaluated():
    marker = "X{{7*7}}Y{% if true %}IF{% endif %}"
    feats, spec = _uploaded(marker, marker, source=marker)
    features = _with(feats)
    page = standalone_html(features, select_all(features), "en", (*CAT.layers, spec),
                           title=marker, subtitle=marker)
    assert "X49Y" not in page and "YIF" not in page
    assert "{{" not in page.replace(leaflet_js(), "")
    doc = _parse(page)
    assert doc.title == marker and doc.h1 == marker
    assert html.unescape(_overlay_labels(page)[-1]) == marker


def test_script_end_tag_in_data_cannot_close_the_data_script():
    evil = "</script><script>window.__xss=9</script></SCRIPT ><!--<script>"
    feats, spec = _uploaded(evil, evil, source=evil)
    features = _with(feats)
    page = standalone_html(features, select_all(features), "en", (*CAT.layers, spec),
                           title=evil)
    _assert_inert(page, evil)
    assert "</SCRIPT" not in page and "<!--" not in page
    doc = _parse(page)
    data_script = next(s for s in doc.scripts if "L.geoJSON(" in s)
    assert len(_collections("<script>" + data_script + "</script>")) == len(_collections(page))
    names = {f["properties"]["feature_id"]: f["properties"]["tip"]
             for fc in _collections(page) for f in fc["features"]}
    assert evil in html.unescape(names["up-x/a"])


def test_uploaded_layer_sources_and_duplicate_titles():
    feats, spec = _uploaded("a", "同名")
    spec2 = LayerSpec("up-y", title_zh="同名", stored=True)
    gdf = gpd.GeoDataFrame({"name": ["b"], "source_id": ["c"]}, geometry=[Point(119.9, 31.7)],
                           crs=4326)
    feats2 = canonical_features(gdf, spec2, kind="other", status="planned", source="<b>来源</b>")
    features = _with(pd.concat([feats, feats2]))
    page = standalone_html(features, select_all(features), "zh-Hans",
                           (*CAT.layers, spec, spec2), title="t")
    labels = [html.unescape(s) for s in _overlay_labels(page)]
    assert labels[-2:] == ["同名", "同名 (2)"]  # both layers keep a toggle
    assert "“同名”：测绘院" in page and "&lt;b&gt;来源&lt;/b&gt;" in page
    assert "data/geo/SOURCES.md" in page


def test_empty_selection_still_a_page():
    page = standalone_html(CAT.features, MapSelection((), ()), "zh-Hant", CAT.layers,
                           title="空")
    assert "<title>空</title>" in page and "L.control.layers(" not in page
    assert _collections(page) == [] and "fitBounds" not in page.replace(leaflet_js(), "")
    assert "來源：" not in page  # no source to name
