"""Upload messages read right (issue 16 item 9): singular and plural in English, no Python type
name shown to a user, a finding names its feature; the Upload page's helpers in publish.py."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import Point

from lianghu_map.errors import MESSAGES, Finding, Severity, message
from lianghu_map.i18n import LANGS, fill, t
from lianghu_map.ingest import ingest_file
from lianghu_map.layers import LABEL_COLUMN, LayerSpec, canonical_features
from lianghu_map.publish import (
    Draft,
    identical_layer,
    label_choices,
    title_defaults,
    with_label,
)


def test_plural_fields():
    assert fill("{n} {n:feature|features}", n=1) == "1 feature"
    assert fill("{n} {n:feature|features}", n=0) == "0 features"
    assert fill("{n} {n:feature|features}, {x:.1f}", n=2, x=1.25) == "2 features, 1.2"


@pytest.mark.parametrize(("code", "params", "one", "two"), [
    ("datum_converted", {"datum": "GCJ-02"}, "(1 feature)", "(2 features)"),
    ("csv_extra_cells", {"row": 3}, "1 more cell than the header; the extra cell was",
     "2 more cells than the header; the extra cells were"),
    ("more_findings", {"code": "x"}, "1 more finding of", "2 more findings of"),
    ("remote_reference_ignored", {"ref": "http://x"}, "1 remote resource ",
     "2 remote resources "),
])
def test_english_counts_agree(code, params, one, two):
    assert one in message(code, "en", {**params, "count": 1})
    assert two in message(code, "en", {**params, "count": 2})
    for lang in ("zh-Hans", "zh-Hant"):  # Chinese needs no plural; the number is there
        assert "1" in message(code, lang, {**params, "count": 1})


@pytest.mark.parametrize(("key", "values", "one"), [
    ("upload.ok", {"error": 0, "warning": 0, "info": 0}, "Ready to save: 1 feature ("),
    ("stored.meta", {"id": "a", "file": "f", "who": "w", "when": "t"}, "· 1 feature"),
    ("conv.swapped", {}, "swapped on 1 feature"),
    ("conv.make_valid", {}, "repaired on 1 feature ("),
])
def test_ui_counts_agree(key, values, one):
    assert one in t(key, "en", n=1, **values)
    assert one.replace("1 feature", "3 features") in t(key, "en", n=3, **values)


@pytest.mark.parametrize(("data", "en"), [
    (b"null", "a single JSON null value"),
    (b'"text"', "a single JSON text value"),
    (b"12", "a single JSON number"),
    (b"true", "a single JSON true/false value"),
    (b"[1]", "a JSON array of 1 item."),
    (b"[1, 2]", "a JSON array of 2 items."),
])
def test_json_that_is_not_geojson_is_described_in_words(data, en):
    res = ingest_file("x.geojson", data)
    [finding] = res.findings
    assert en in finding.message("en")
    for lang in LANGS:
        text = finding.message(lang)
        for python_word in ("NoneType", "str", "int", "float", "bool", "list", "dict"):
            assert python_word not in text.replace("GeoJSON", ""), (lang, text)


def test_no_python_type_words_in_message_templates():
    for zh, en in MESSAGES.values():
        for word in ("NoneType", "__name__", " dict ", " str "):
            assert word not in zh and word not in en


def test_a_finding_names_its_feature_from_the_name_column():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"名称": "滆湖\n公园"}, "geometry": None},
        {"type": "Feature", "properties": {"名称": "长荡湖"},
         "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}
    res = ingest_file("n.geojson", json.dumps(doc, ensure_ascii=False).encode())
    [drop] = [f for f in res.findings if f.code == "null_geometry"]
    assert drop.name == "滆湖 公园"  # control characters never shown
    assert drop.where("en") == "n.geojson · feature #0 “滆湖 公园” · id a"
    assert drop.where("zh-Hans") == "n.geojson · 要素 #0 “滆湖 公园” · 编号 a"
    # without a name the place is given as before
    assert Finding("null_geometry", Severity.WARNING, "f", 3).where("en") == "f · feature #3"


@pytest.mark.parametrize(("name", "expected"), [
    ("parks.geojson", ("", "parks")),
    ("滆湖公园.geojson", ("滆湖公园", "")),
    ("2024 滆湖 parks.zip", ("2024 滆湖 parks", "")),
    ("2024.csv", ("", "")),
])
def test_title_defaults_in_their_own_language(name, expected):
    assert title_defaults(name) == expected


def _gdf(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame({"source_id": [f"s{i}" for i in range(n)],
                             "source_index": list(range(n)), **columns},
                            geometry=[Point(119.8, 31.6)] * n, crs=4326)


def test_label_choice_kept_in_the_data_and_used_for_names():
    gdf = _gdf(name=["甲", "乙"], code=["A1", None], area=[1.5, 2.0])
    columns, detected = label_choices(gdf)
    assert detected == "name" and columns == ["name", "code"]  # text columns, not area
    assert with_label(gdf, "name") is gdf and with_label(gdf, None) is gdf
    labelled = with_label(gdf, "code")
    assert labelled[LABEL_COLUMN].iat[0] == "A1" and labelled[LABEL_COLUMN].isna().iat[1]
    assert list(labelled["name"]) == ["甲", "乙"]
    feats = canonical_features(labelled, LayerSpec("x", stored=True), kind="other",
                               status="existing", source="")
    assert list(feats["name_zh"]) == ["A1", "#s1"] and list(feats["name_en"]) == ["A1", ""]
    own = _gdf(name=["甲"], **{LABEL_COLUMN: ["own"]})
    assert with_label(own, "name") is own  # a file's own label column is never overwritten


def test_identical_layer_same_bytes_read_the_same_way():
    class Version:
        def __init__(self, sha, conversions):
            self.sha256, self.conversions = sha, conversions

    class Record:
        def __init__(self, sha, conversions=(), deleted=False):
            self.current, self.deleted = Version(sha, conversions), deleted

    res = ingest_file("p.geojson", b'{"type": "Point", "coordinates": [119.8, 31.6]}')
    draft = Draft(res)
    assert identical_layer(draft, {"a": Record("other")}) is None
    assert identical_layer(draft, {"a": Record(res.sha256, ("GCJ-02 → WGS84",))}) is None
    assert identical_layer(draft, {"a": Record(res.sha256, deleted=True)}) is None
    assert identical_layer(draft, {"a": Record("x"), "b": Record(res.sha256)}) == "b"


def test_a_value_may_be_called_text_key_or_lang():
    """Message values are named by the message (a clause's ``text``, a place's ``key``): they
    never clash with the parameters of ``t`` and ``fill``."""
    from lianghu_map.i18n import fill, t

    assert fill("{text}/{key}", text="a", key="b") == "a/b"
    assert t("reports.flag.shown", "en", kind="KIND", text="TEXT").count("TEXT") <= 1
