"""No injection: every payload of the corpus stays text in every HTML and markdown sink the app
builds (tooltips, side panel, legend, report, labels) and comes out literally in exports."""

from __future__ import annotations

import html
import io
import json
import warnings

import geopandas as gpd
import pyogrio
import pytest
import shapely
from injection_corpus import PAYLOADS

from lianghu_map.export import export_layer
from lianghu_map.ingest import IngestOptions, ingest_file
from lianghu_map.layers import LayerSpec, canonical_features, sanitise_style
from lianghu_map.mapview import base_map, feature_groups, legend_html, tooltip_html
from lianghu_map.panels import feature_facts, feature_title_html
from lianghu_map.selection import MapSelection
from lianghu_map.ui import md

LANGS = ("zh-Hans", "zh-Hant", "en")


def _text_only(payload: str, fragment: str) -> None:
    """The payload is in the fragment as text: never raw (if it has markup characters), and all
    there once HTML entities are decoded."""
    if any(c in payload for c in "<>&\"'"):
        assert payload not in fragment
    assert payload in html.unescape(fragment)


def _render(groups) -> str:
    m = base_map("none")
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def _layer(payload: str) -> gpd.GeoDataFrame:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": payload[:100],
         "properties": {"name": payload, "name_en": payload, payload[:60]: payload,
                        "directive_ids": payload[:200]},
         "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}
    res = ingest_file(payload[:80] + ".geojson", json.dumps(doc).encode(), IngestOptions())
    assert res.ok, res.findings
    return res.gdf


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("lang", LANGS)
def test_payload_stays_text_in_html_sinks(payload, lang):
    gdf = _layer(payload)
    spec = LayerSpec("up-x", title_zh=payload, title_en=payload, stored=True)
    feats = canonical_features(gdf, spec, kind="other", status="existing", source=payload)
    row = feats.iloc[0]
    for fragment in (tooltip_html(row, lang), feature_title_html(row, lang),
                     legend_html(feats, tuple(feats.index), lang, (spec,))):
        _text_only(payload, fragment)
    assert payload in dict(feature_facts(row, lang, spec)).values()  # escaped by facts_table
    groups = feature_groups(feats, MapSelection(tuple(feats.index), (), (), ()), lang, None,
                            (spec,))
    page = _render(groups)
    if any(c in payload for c in "<>"):  # (` and ${} in a JSON string literal are inert)
        assert payload not in page  # embedded as escaped JSON and pre-escaped tooltip HTML
    for tag in ("<img", "<svg", "<iframe", "<script>window", "<details", "<input", "<marquee"):
        assert tag not in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_sinks_escape_everything(payload):
    escaped = md(payload)
    for ch in "[]()!*`<>$:":
        assert ch not in escaped.replace("\\" + ch, "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_exports_keep_the_text_literally(payload):
    gdf = _layer(payload)
    doc = json.loads(export_layer(gdf, "geojson"))
    props = doc["features"][0]["properties"]
    assert props["name"] == payload and props[payload[:60]] == payload
    csv_text = export_layer(gdf, "csv").decode("utf-8-sig")
    assert payload.replace('"', '""') in csv_text or payload in csv_text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        back = pyogrio.read_dataframe(io.BytesIO(export_layer(gdf, "gpkg")))
    assert back["name"].iat[0] == payload


def test_style_properties_are_whitelisted():
    kept, dropped = sanitise_style({
        "color": "#0a0", "fillColor": "red", "weight": 3, "opacity": 2, "dashArray": "4 2",
        "className": "x", "onclick": "alert(1)", "fillOpacity": "0.5", "radius": 8,
        "color2": "#fff"})
    assert kept == {"color": "#0a0", "weight": 3, "dashArray": "4 2", "radius": 8}
    assert set(dropped) == {"fillColor", "opacity", "className", "onclick", "fillOpacity",
                            "color2"}
    assert sanitise_style("color: red; background: url(javascript:x)") == (
        {}, ["(not a JSON object)"])
    assert sanitise_style('{"color": "#123456", "weight": "3"}') == ({"color": "#123456"},
                                                                    ["weight"])
    # the map draws the whitelisted part, and only while the feature is drawn normally
    geom = [shapely.Point(119.8, 31.6)]
    gdf = gpd.GeoDataFrame({"name": ["x"], "source_id": ["a"], "style": [
        json.dumps({"color": "#00ff00", "weight": 9})]}, geometry=geom, crs=4326)
    spec = LayerSpec("up-s", stored=True)
    feats = canonical_features(gdf, spec, kind="other", status="existing", source="t")
    out = _render(feature_groups(feats, MapSelection(tuple(feats.index), (), (), ()), "en",
                                 None, (spec,)))
    assert "#00ff00" in out
