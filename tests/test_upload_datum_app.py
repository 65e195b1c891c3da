"""AppTest (issue 16): the source datum is chosen per file, a likely GCJ-02 file is asked about
(pre-selected, reason shown) — by its DataV attributes or by fitting the district boundaries only
after the shift — and a declared CRS that the numbers contradict can be overridden."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

CORPUS = Path(__file__).parent / "corpus" / "upload"
DATAV = CORPUS / "datum" / "datav_wujin_full.json"
FITS_AFTER_SHIFT = CORPUS / "datum" / "amap_boundary_no_attributes.geojson"
PLAIN = CORPUS / "datum" / "wgs84_boundary.geojson"
CONTRADICTED = CORPUS / "crs" / "declared_4549_degrees.geojson"


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)


def _page_with(*paths: Path, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").set_value(
        [(p.name, p.read_bytes(), "application/geo+json") for p in paths]).run()
    assert not at.exception
    return at


def _report(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "lh-report" in h.proto.body)


@pytest.mark.parametrize("path", [DATAV, FITS_AFTER_SHIFT], ids=["datav", "fits-after-shift"])
def test_likely_gcj02_file_is_asked_about_with_gcj02_preselected(path):
    at = _page_with(path)
    [hint] = [i.value for i in at.info if "likely in GCJ-02" in i.value]
    assert ("adcode" in hint) if path == DATAV else ("district boundaries" in hint)
    assert at.radio(key="f0_datum").value == "gcj02"
    assert "converted to WGS84" in _report(at)  # read as GCJ-02: the datum_converted note
    assert any("Ready to save" in s.value for s in at.success)


@pytest.mark.parametrize("path", [DATAV, FITS_AFTER_SHIFT], ids=["datav", "fits-after-shift"])
def test_a_hinted_file_is_read_once(path, monkeypatch):
    """The report in the hinted datum comes from the first read (``follow_hint``), not from a
    second read of the file; choosing WGS84 afterwards reads nothing either (the first read was
    WGS84), and another datum is a read of its own."""
    import lianghu_map.prefetch as prefetch
    from lianghu_map.ingest import ingest_file

    reads = []

    def counted(name, data, options, progress=None):
        reads.append(options.datum)
        return ingest_file(name, data, options, progress)

    monkeypatch.setattr(prefetch, "_SHARED", prefetch.Prefetcher(counted))
    at = _page_with(path)
    assert at.radio(key="f0_datum").value == "gcj02" and "converted to WGS84" in _report(at)
    assert reads == ["wgs84"]
    at.radio(key="f0_datum").set_value("wgs84").run()
    assert "likely in GCJ-02" in _report(at) and reads == ["wgs84"]
    at.radio(key="f0_datum").set_value("bd09").run()
    assert "BD-09 (Baidu) coordinates converted" in _report(at) and reads == ["wgs84", "bd09"]


def test_datum_is_chosen_per_file():
    at = _page_with(DATAV, PLAIN)
    assert at.radio(key="f0_datum").value == "gcj02"
    assert at.radio(key="f1_datum").value == "wgs84"  # no hint: the default
    at.radio(key="f1_datum").set_value("bd09").run()
    assert at.radio(key="f0_datum").value == "gcj02" and at.radio(key="f1_datum").value == "bd09"
    report = _report(at)
    assert "BD-09 (Baidu) coordinates converted" in report
    assert "GCJ-02 (Amap/Gaode, Tencent) coordinates converted" in report
    # the analyst may refuse the hint: WGS84 for the DataV file stays WGS84
    at.radio(key="f0_datum").set_value("wgs84").run()
    assert at.radio(key="f0_datum").value == "wgs84"
    assert "likely in GCJ-02" in _report(at)


def test_contradicted_declared_crs_can_be_overridden():
    at = _page_with(CONTRADICTED)
    assert "contradiction" in _report(at)
    assert not any(b.key == "f0_save" for b in at.button)
    at.checkbox(key="f0_ignore_crs").check().run()
    assert any("Ready to save" in s.value for s in at.success)
    assert "was ignored, as you chose" in _report(at)


def test_hint_in_chinese():
    at = _page_with(DATAV, lang="zh-Hans")
    assert any("很可能是 GCJ-02" in i.value and "adcode" in i.value for i in at.info)
