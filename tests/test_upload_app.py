"""AppTest: Upload page — access, report, save, seen after a restart, replace, delete/restore.

Each test gets its own empty layer store (``LIANGHU_VAR``) so tests do not see each other's
layers.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest_helpers import LANGS, map_feature_ids, map_feature_states
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.store import open_store

PARK = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "p1",
     "properties": {"name": "滆湖口袋公园", "directive_ids": "ecology.1"},
     "geometry": {"type": "Point", "coordinates": [119.80, 31.62]}},
    {"type": "Feature", "id": "p2", "properties": {"name": "<img src=x onerror=alert(1)>"},
     "geometry": {"type": "Polygon", "coordinates": [[[119.90, 31.70], [119.91, 31.70],
                                                      [119.91, 31.71], [119.90, 31.70]]]}},
]}


def _bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    return tmp_path / "var"


def _fresh(lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    return at.run()


def _upload_page(lang: str = "zh-Hans") -> AppTest:
    at = _fresh(lang)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, "application/geo+json")]).run()
    assert not at.exception
    return at


def _save(at: AppTest, **fields: str) -> AppTest:
    at.text_input(key="upload_user").input("测试员").run()
    for key, value in {"f0_source": "测试数据", **fields}.items():
        at.text_input(key=key).input(value).run()
    at.button(key="f0_save").click().run()
    assert not at.exception
    return at


def _report(at: AppTest) -> str:
    """The validation report's text (an escaped HTML table)."""
    return "\n".join(h.proto.body for h in at.get("html") if "lh-report" in h.proto.body)


def test_writes_are_closed_unless_configured(monkeypatch):
    monkeypatch.delenv("LIANGHU_LOCAL_MODE")
    at = _upload_page()
    assert any("LIANGHU_UPLOAD_PASSWORD" in w.value for w in at.warning)
    assert len(at.file_uploader) == 0


def test_password_opens_writes(monkeypatch):
    monkeypatch.delenv("LIANGHU_LOCAL_MODE")
    monkeypatch.setenv("LIANGHU_UPLOAD_PASSWORD", "s3cret")
    at = _upload_page("en")
    assert len(at.file_uploader) == 0
    at.text_input(key="upload_password").input("wrong").run()
    assert any("Wrong password" in e.value for e in at.error)
    assert len(at.file_uploader) == 0
    at.text_input(key="upload_password").input("s3cret").run()
    assert len(at.file_uploader) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_bad_file_report_in_every_language(lang):
    at = _upload(_upload_page(lang), "broken.geojson", b'{"type": "FeatureCollection",\n "x": ]')
    assert at.error, "a refused file says so"
    report = _report(at)
    assert "broken.geojson" in report
    expected = {"zh-Hans": "第 2 行", "zh-Hant": "第 2 行", "en": "line 2"}[lang]
    assert expected in report
    assert not any(b.key == "f0_save" for b in at.button), "a refused file cannot be saved"


def test_upload_save_map_restart_replace_delete_restore():
    at = _upload(_upload_page(), "parks.geojson", _bytes(PARK))
    assert any("2 个要素" in s.value for s in at.success)
    at = _save(at, f0_tzh="口袋公园试点")
    assert any("已保存" in s.value for s in at.success)

    [record] = open_store().list_layers()
    assert record.title_zh == "口袋公园试点" and record.current.feature_count == 2
    assert record.current.created_by == "测试员"
    assert ("p1", "ecology.1", "file") in {(lk.feature_id, lk.directive_id, lk.origin)
                                           for lk in record.current.links}
    new_ids = {f"{record.layer_id}/p1", f"{record.layer_id}/p2"}

    at.switch_page("pages/map.py").run()
    assert new_ids <= map_feature_ids(at)
    script = json.dumps(at.get("component_instance")[0].proto.json_args)
    assert "<img src=x" not in script, "uploaded names are escaped before they reach HTML"

    # a restart: a new app instance reads the store again
    at2 = _fresh()
    assert new_ids <= map_feature_ids(at2)
    # clicking it (faked) shows its facts, its own attributes and the clause its file linked
    at2.session_state["selected_feature"] = f"{record.layer_id}/p1"
    at2.run()
    panel = "\n".join(h.proto.body for h in at2.get("html"))
    assert "测试数据" in panel and "口袋公园试点" in panel  # source and layer title
    assert "directive_ids" in panel and "ecology.1" in panel  # attributes as uploaded
    # the directive filter includes the uploaded feature its file linked
    at2.selectbox(key="f_directive").set_value("ecology.1").run()
    states = map_feature_states(at2)
    assert states.get(f"{record.layer_id}/p1") == "selected"  # the clicked one, drawn on top
    del at2.session_state["selected_feature"]
    at2.run()
    assert map_feature_states(at2).get(f"{record.layer_id}/p1") == "focus"
    # … and the Directives page lists it under its clause
    at2.switch_page("pages/directives.py").run()
    assert any("滆湖口袋公园" in h.proto.body for h in at2.get("html"))

    # replace: a new version; the old one is listed in the history
    smaller = {"type": "FeatureCollection", "features": PARK["features"][:1]}
    at3 = _upload(_upload_page(), "parks-v2.geojson", _bytes(smaller))
    at3.selectbox(key="f0_target").set_value(record.layer_id).run()
    at3 = _save(at3)
    rec = open_store().get(record.layer_id)
    assert [v.version for v in rec.versions] == [1, 2] and rec.current.feature_count == 1
    history = "\n".join(df.value.to_string() for df in at3.dataframe)
    assert "parks.geojson" in history and "parks-v2.geojson" in history
    assert history.count("(UTC+08:00)") >= 2  # version times in Asia/Shanghai, zone shown
    at3.switch_page("pages/map.py").run()
    ids = map_feature_ids(at3)
    assert f"{record.layer_id}/p1" in ids and f"{record.layer_id}/p2" not in ids

    # delete (soft) → gone from the map; restore → back
    at4 = _upload_page()
    assert at4.button(key=f"delete_{record.layer_id}").disabled  # who deletes is recorded
    at4.text_input(key="upload_user").input("测试员").run()
    at4.button(key=f"delete_{record.layer_id}").click().run()
    assert open_store().list_layers() == []
    at4.switch_page("pages/map.py").run()
    assert not any(i.startswith(record.layer_id) for i in map_feature_ids(at4))
    at5 = _upload_page()
    at5.text_input(key="upload_user").input("测试员").run()
    at5.button(key=f"restore_{record.layer_id}").click().run()
    # the audit log lists every write, newest first, with who and the upload's sha256
    # (shown in the UI language: headers, actions, times in Asia/Shanghai with the zone)
    [audit] = [df.value for df in at5.dataframe if "SHA-256 校验值" in df.value.columns]
    assert list(audit["操作"]) == ["恢复", "删除", "替换", "上传"]
    assert set(audit["操作人"]) == {"测试员"}
    assert audit["SHA-256 校验值"].iloc[-1] == record.current.sha256
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+08:00\)", v)
               for v in audit["时间"])
    at5.switch_page("pages/map.py").run()
    assert f"{record.layer_id}/p1" in map_feature_ids(at5)


def test_projected_file_offers_crs_choice():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "站"},
         "geometry": {"type": "Point", "coordinates": [488_600.0, 3_508_900.0]}}]}
    at = _upload(_upload_page("en"), "gk.geojson", _bytes(doc))
    assert "projected" in _report(at)
    assert not any(b.key == "f0_save" for b in at.button)
    at.selectbox(key="f0_crs").set_value("EPSG:4549").run()
    assert any("Ready to save" in s.value for s in at.success)


def test_user_text_stays_text_in_labels_and_captions():
    """Widget labels, expander titles and captions render markdown: an uploaded title or file name
    must not become an image (a request off the machine) or formatting."""
    hostile = "![x](http://evil.example/x.png) **bold**"
    at = _upload(_upload_page(), "[x](javascript:alert(1)).geojson", _bytes(PARK))
    at = _save(at, f0_tzh=hostile)
    [record] = open_store().list_layers()
    assert record.title_zh == hostile  # stored as given
    at.switch_page("pages/map.py").run()
    label = at.checkbox(key=f"layer_{record.layer_id}").label
    assert label.startswith(r"\!\[x\]\(http\://evil") and r"\*\*bold\*\*" in label
    at.switch_page("pages/upload.py").run()
    shown = [e.proto.label for e in at.expander] + [c.value for c in at.caption]
    assert any(r"\!\[x\]" in s for s in shown)
    assert not any("](javascript" in s for s in shown)


def test_several_files_at_once_each_with_its_report_and_fixes():
    """A GBK shapefile without .cpg, a two-layer GeoPackage and broken JSON, in one go: each gets
    its own report; the GeoPackage asks for a layer and is ready once one is chosen."""
    from ingest_fixtures import gpkg_two, shapefile_gbk_no_cpg

    files = [shapefile_gbk_no_cpg(), gpkg_two(), ("broken.json", b"{")]
    at = _upload_page("en")
    at.file_uploader(key="upload_files").set_value(
        [(name, data, "application/octet-stream") for name, data in files]).run()
    assert not at.exception
    report = _report(at)
    for name, _ in files:
        assert name in report
    assert "GB18030" in report  # the encoding judged from the DBF, said so
    tables = "\n".join(df.value.to_string() for df in at.dataframe)
    assert "西太湖科技产业园" in tables  # GBK attributes come out as readable Chinese
    assert "several layers" in report and "Not valid JSON" in report
    ready = [s.value for s in at.success]
    assert len(ready) == 1 and "Ready to save" in ready[0]  # the shapefile only
    at.selectbox(key="f1_layer").set_value("b").run()
    assert len([s for s in at.success if "Ready to save" in s.value]) == 2
    assert len(at.error) == 1  # the broken JSON is still refused


def test_saving_a_big_layer_shows_its_preparation(monkeypatch):
    """A big layer's map payloads are made after the save (lianghu_map.prepared): the page says
    so, with how far it is, while they are being made."""
    import threading

    from lianghu_map import compact, prepared

    release = threading.Event()

    def slow(*_args, report=None):
        report(0.4)
        release.wait(30)
        return 0

    monkeypatch.setattr(compact, "BIG_LAYER", 1)  # two features count as a big layer
    monkeypatch.setattr(prepared, "prepare_version", slow)
    try:
        at = _save(_upload(_upload_page("en"), "parks.geojson", _bytes(PARK)),
                   f0_tzh="口袋公园试点")
        assert any("Saved" in s.value for s in at.success)
        bars = at.get("progress")
        assert bars and "Preparing the layer for the map (40%)" in bars[0].proto.text
    finally:
        release.set()
    [record] = open_store().list_layers()
    prepared.wait(open_store(), record.layer_id, record.current_version, timeout=30)
    assert prepared.progress(open_store(), record.layer_id, record.current_version) is None
