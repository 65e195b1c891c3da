"""The Upload page's tables in the UI language: times in Asia/Shanghai with the zone shown,
headers and values translated, the stored codes kept for reading the table back."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from apptest_helpers import LANGS

from lianghu_map.i18n import t
from lianghu_map.ui_tables import ORIGINS, audit_view, local_time, suggestion_columns, version_view


@pytest.mark.parametrize(("stored", "shown"), [
    ("2026-12-01T15:05:00+00:00", "2026-12-01 23:05 (UTC+08:00)"),
    ("2026-12-01T16:30:59Z", "2026-12-02 00:30 (UTC+08:00)"),  # the next day in Changzhou
    ("2026-06-30T23:59:00", "2026-07-01 07:59 (UTC+08:00)"),  # no zone: stored UTC
    ("2026-12-01T23:05:00+08:00", "2026-12-01 23:05 (UTC+08:00)"),
    ("not a time", "not a time"),
])
def test_local_time(stored, shown):
    assert local_time(stored) == shown


def _version(n, note=""):
    return SimpleNamespace(version=n, original_name=f"v{n}.geojson", feature_count=3,
                           created_by="测试员", created_at="2026-12-01T15:05:00+00:00", note=note)


@pytest.mark.parametrize("lang", LANGS)
def test_version_view_in_the_ui_language(lang):
    table = version_view([_version(2, "reverted to v1"), _version(1)], lang)
    assert list(table.columns) == [t(f"stored.col.{c}", lang) for c in
                                   ("version", "file", "features", "who", "when", "note")]
    assert set(table[t("stored.col.when", lang)]) == {"2026-12-01 23:05 (UTC+08:00)"}
    assert table[t("stored.col.note", lang)].iloc[0] == t("stored.note.reverted", lang, v=1)
    if lang != "en":
        assert "reverted" not in table.to_string()


def test_audit_view_translates_headers_actions_and_times():
    raw = pd.DataFrame([{"at": "2026-12-01T15:05:00+00:00", "user": "u", "action": "update",
                         "layer_id": "x", "title": "湖", "version": 2, "sha256": "ab",
                         "original_name": "a.geojson", "feature_count": 1, "links": 0}])
    shown = audit_view(raw, "zh-Hant")
    assert list(shown.columns) == [t(f"audit.col.{c}", "zh-Hant") for c in raw.columns]
    assert shown.iloc[0][t("audit.col.action", "zh-Hant")] == "修改關聯"
    assert shown.iloc[0][t("audit.col.at", "zh-Hant")] == "2026-12-01 23:05 (UTC+08:00)"
    assert list(raw["action"]) == ["update"]  # the export's table is left alone


@pytest.mark.parametrize("lang", LANGS)
def test_suggestion_columns_name_every_shown_column(lang):
    cols = suggestion_columns({"ecology.1": "生态 · 第一条"}, lang)
    shown = {k: v for k, v in cols.items() if v is not None}
    assert set(shown) == {"accept", "feature", "name", "directive", "origin", "evidence"}
    for key, cfg in shown.items():
        assert cfg["label"] == t(f"upload.col.{key}", lang)
    assert cols["mention"] is None and cols["label"] is None
    origin = cols["origin"]["type_config"]["options"]
    labels = {o["value"]: o["label"] for o in origin}
    assert labels == {o: t(f"upload.origin.{o}", lang) for o in ORIGINS}
    directive = {o["value"]: o["label"] for o in cols["directive"]["type_config"]["options"]}
    assert directive == {"ecology.1": "生态 · 第一条"}


def test_conversions_in_the_ui_language():
    """What ingest really records (not our notes of it), shown in each language."""
    import ingest_fixtures as fx

    from lianghu_map.ingest import IngestOptions, ingest_file
    from lianghu_map.ui_tables import conversions_text

    done = []
    for upload, options in ((fx.geojson_datum("gcj02"), IngestOptions(datum="gcj02")),
                            (fx.geojson_bowtie(), IngestOptions()),
                            (fx.geojson_legacy_crs(4549), IngestOptions()),
                            (fx.shapefile_gbk_no_cpg(), IngestOptions()),
                            (fx.geojson_swapped(), IngestOptions())):
        done += ingest_file(*upload, options).conversions
    assert len(done) >= 4, done
    for lang in ("zh-Hans", "zh-Hant"):
        shown = conversions_text(done, lang)
        assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", shown), shown  # no English phrase
        assert "GCJ-02（高德" in shown and ("；" in shown)
    assert "GCJ-02 (Amap/Gaode, Tencent) → WGS84" in conversions_text(done, "en")
    assert conversions_text(["something new"], "zh-Hans") == "something new"


def test_attribute_view_names_geometry_types_in_words():
    import geopandas as gpd
    import shapely

    from lianghu_map.publish import attribute_table
    from lianghu_map.ui_tables import attribute_view

    gdf = gpd.GeoDataFrame(
        {"source_index": [0, 1, 2], "name": ["a", "b", "c"]},
        geometry=[shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)]),
                  shapely.MultiPolygon([shapely.box(0, 0, 1, 1)])], crs=4326)
    for lang, words in (("zh-Hans", ["点", "线", "面"]), ("zh-Hant", ["點", "線", "面"]),
                        ("en", ["point", "line", "polygon"])):
        shown = attribute_view(attribute_table(gdf), lang)
        assert list(shown[t("upload.col.geometry", lang)]) == words
        assert shown.index.name == t("upload.col.row", lang) and "name" in shown.columns
