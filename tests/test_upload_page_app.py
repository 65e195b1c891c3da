"""AppTest: the Upload page's own behaviour (issue 16 item 9, issue 14 labels) — Save twice makes
one layer, titles pre-filled in their own language, the datum chosen per file, findings naming
their feature, the label column chosen at upload and used by the live map.

Each test gets its own empty layer store (``LIANGHU_VAR``).
"""

from __future__ import annotations

import json

import pytest
from apptest_helpers import map_args
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.layers import LABEL_COLUMN
from lianghu_map.store import open_store

POINT = [119.80, 31.62]
PARKS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "p1",
     "properties": {"name": "Gehu Pocket Park", "alias": "Alias One"},
     "geometry": {"type": "Point", "coordinates": POINT}},
    {"type": "Feature", "id": "p2", "properties": {"name": "Lake Walk", "alias": "Alias Two"},
     "geometry": {"type": "Point", "coordinates": [119.85, 31.65]}},
]}


def _bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    return tmp_path / "var"


def _page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value(
        [(name, data, "application/geo+json") for name, data in files]).run()
    assert not at.exception
    return at


def _fill(at: AppTest, key: str = "f0", **fields: str) -> AppTest:
    at.text_input(key="upload_user").input("tester").run()
    for name, value in {"source": "test data", **fields}.items():
        at.text_input(key=f"{key}_{name}").input(value).run()
    return at


def _click_save(at: AppTest, key: str = "f0") -> AppTest:
    at.button(key=f"{key}_save").click().run()
    assert not at.exception
    return at


def _plain(text: str) -> str:
    """Shown markdown without its escapes (ui.md)."""
    return text.replace("\\", "")


def _report(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "lh-report" in h.proto.body)


def test_save_twice_makes_one_layer_and_a_copy_only_when_confirmed():
    at = _click_save(_fill(_upload(_page(), ("parks.geojson", _bytes(PARKS)))))
    [record] = open_store().list_layers()
    # after the save the page says the file is saved, and Save is disabled …
    assert any(record.layer_id in _plain(w.value) for w in at.warning)
    assert at.button(key="f0_save").disabled
    # … (AppTest, like a browser, cannot press a disabled button) and reruns save nothing
    at.run()
    at.run()
    assert [r.layer_id for r in open_store().list_layers()] == [record.layer_id]
    # the analyst can still ask for a copy, explicitly; the question comes back after it
    [again] = [c for c in at.checkbox if c.key.startswith("f0_again_")]
    again.check().run()
    assert not at.button(key="f0_save").disabled
    _click_save(at)
    assert len(open_store().list_layers()) == 2
    assert at.button(key="f0_save").disabled
    assert not any(c.value for c in at.checkbox if c.key.startswith("f0_again_"))


def test_same_bytes_in_a_new_session_under_another_title_ask_first():
    _click_save(_fill(_upload(_page(), ("parks.geojson", _bytes(PARKS)))))
    [record] = open_store().list_layers()
    at = _fill(_upload(_page(), ("parks-copy.geojson", _bytes(PARKS))), ten="Other title")
    assert any(record.layer_id in _plain(w.value) and "identical" in w.value
               for w in at.warning)
    assert at.button(key="f0_save").disabled
    # the same bytes read another way (another datum) are not a copy
    at.radio(key="f0_datum").set_value("gcj02").run()
    assert not any(record.layer_id in _plain(w.value) for w in at.warning)
    assert not at.button(key="f0_save").disabled


@pytest.mark.parametrize(("name", "zh", "en"), [
    ("parks.geojson", "", "parks"),
    ("滆湖口袋公园.geojson", "滆湖口袋公园", ""),
])
def test_titles_are_prefilled_in_their_own_language_only(name, zh, en):
    at = _upload(_page("zh-Hans"), (name, _bytes(PARKS)))
    assert at.text_input(key="f0_tzh").value == zh
    assert at.text_input(key="f0_ten").value == en


def test_datum_is_chosen_per_file():
    at = _upload(_page(), ("a.geojson", _bytes(PARKS)), ("b.geojson", _bytes(PARKS)))
    assert at.radio(key="f0_datum").value == "wgs84" == at.radio(key="f1_datum").value
    at.radio(key="f1_datum").set_value("gcj02").run()
    assert at.radio(key="f0_datum").value == "wgs84"
    report = _report(at)
    assert report.count("coordinates converted to WGS84") == 1  # b's report only
    assert "GCJ-02" in report.split("b.geojson", 1)[1]
    _click_save(_fill(at))
    _click_save(_fill(at, "f1"), "f1")
    layers = {r.current.original_name: r for r in open_store().list_layers()}
    a = open_store().read(layers["a.geojson"].layer_id).geometry.iloc[0]
    b = open_store().read(layers["b.geojson"].layer_id).geometry.iloc[0]
    assert (a.x, a.y) == pytest.approx(POINT, abs=1e-9)  # taken as WGS84, unchanged
    # GCJ-02 → WGS84 moves a point near Changzhou by some 500 m (about 0.005° west, 0.002° north)
    assert 0.003 < a.x - b.x < 0.006 and 0.001 < b.y - a.y < 0.004


def test_findings_name_the_feature_escaped():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "滆湖<img src=x onerror=alert(1)>公园"},
         "geometry": None},
        {"type": "Feature", "properties": {"名称": "长荡湖"},
         "geometry": {"type": "Point", "coordinates": POINT}}]}
    at = _upload(_page("zh-Hans"), ("named.geojson", _bytes(doc)))
    report = _report(at)
    assert "要素 #0 “滆湖&lt;img src=x onerror=alert(1)&gt;公园”" in report
    assert "<img" not in report


def test_label_column_is_chosen_stored_and_labels_the_map():
    at = _upload(_page(), ("parks.geojson", _bytes(PARKS)))
    label = at.selectbox(key="f0_label")
    assert label.value == "name" and "alias" in label.options  # default: the detected column
    label.set_value("alias").run()
    assert "Alias One" in map_args(at)["feature_group"]  # the preview's labels follow the choice
    _click_save(_fill(at, ten="Parks"))
    [record] = open_store().list_layers()
    stored = open_store().read(record.layer_id)
    assert list(stored[LABEL_COLUMN]) == ["Alias One", "Alias Two"]
    assert list(stored["name"]) == ["Gehu Pocket Park", "Lake Walk"]  # the data as uploaded
    at.switch_page("pages/map.py").run()
    drawn = map_args(at)["feature_group"]
    assert "Alias One" in drawn and "Gehu Pocket Park" not in drawn


def test_default_label_column_stores_the_data_as_uploaded():
    _click_save(_fill(_upload(_page(), ("parks.geojson", _bytes(PARKS))), ten="Parks"))
    [record] = open_store().list_layers()
    assert LABEL_COLUMN not in open_store().read(record.layer_id).columns
