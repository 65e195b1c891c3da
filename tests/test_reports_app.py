"""AppTest: the Reports page — an analyst adds a report (paste, .docx), reviews it (a junk line
removed, a garbled span shown and left alone, a theme changed, a link removed and one added),
adds a gazetteer place, saves; the store then holds it with the changes; saving twice makes no
second report; an edit saves a new version; delete and restore; a viewer can do none of it.
The main flow runs on both backends (``[gpkg]``, ``[postgis]``)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from apptest_helpers import no_errors
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map import places_store
from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog
from lianghu_map.ingest import IngestOptions
from lianghu_map.meeting.report import Report
from lianghu_map.publish import LayerMeta, prepare, save_draft
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.store import open_store

TEXT = """首页 > 新闻中心 > 武进要闻
两湖创新区建设推进大会召开
一、交通互联
要加快建设腾龙大道，推进常州南站枢纽建设。完善??交通配套。
二、生态优先
守护好滆湖，建设滆湖生态廊道。
来源：武进日报
"""
TITLE = "两湖创新区建设推进大会"
ROAD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "a", "properties": {"name": "腾龙大道（规划）"},
     "geometry": {"type": "LineString", "coordinates": [[119.90, 31.70], [119.95, 31.72]]}}]}


def _added(store):
    """The reports analysts added (the built-in 2023 report is seeded on a store's first use)."""
    return [r for r in store.list_reports() if r.report_id != BUILTIN_ID]


def _road(store) -> str:
    """An uploaded road layer; the id of its feature."""
    draft = prepare("road.geojson", json.dumps(ROAD, ensure_ascii=False).encode(),
                    IngestOptions(), builtin_catalog())
    rec = save_draft(store, draft, LayerMeta("腾龙大道", "Tenglong Avenue", "road", "planned",
                                             "test"), (), "tester", Access(Role.ANALYST, "local"))
    return f"{rec.layer_id}/a"


def _page(lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/reports.py").run()
    assert not at.exception
    return at


def _key(at: AppTest, kind: str, prefix: str):
    found = [w for w in getattr(at, kind) if (w.key or "").startswith(prefix)]
    assert len(found) == 1, (prefix, [w.key for w in getattr(at, kind)])
    return found[0]


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _meta(at: AppTest, title: str = TITLE) -> None:
    at.text_input(key="rep_user").input("测试员")
    at.text_input(key="rep_title").input(title)
    at.text_input(key="rep_date").input("2024-05-01")
    at.text_input(key="rep_body").input("指挥部会议")
    at.text_input(key="rep_url").input("https://www.wj.gov.cn/html/2024/x.html")


def _clause(at: AppTest, text: str) -> str:
    """Choose the clause holding ``text`` in the clause editor; its id."""
    cid = next(c.id for c in _draft(at).clauses if text in c.text)
    no_errors(at.selectbox(key="rep_clause").set_value(cid).run())
    return cid


def _draft(at: AppTest) -> Report:
    return at.session_state["_rep_draft"]["report"]


def test_an_analyst_adds_reviews_and_saves_a_report(analyst_store):
    store = analyst_store
    road = _road(store)
    at = _page()
    _meta(at)
    at.text_area(key="rep_text").input(TEXT)
    no_errors(at.button(key="rep_prepare").click().run())

    # flagged spans: the navigation line is marked and removed on request; the garbled span
    # is shown, marked, and stays as it is (nobody decided on it)
    html = _html(at)
    assert "lh-flag-navigation" in html and "lh-flag-garbled" in html and "??" in html
    no_errors(_key(at, "button", "rep_accept_navigation").click().run())
    assert not _draft(at).kept.startswith("首页")
    assert "??" in _draft(at).kept
    assert any("腾龙大道" in c.value for c in at.caption)  # an unmatched candidate, listed

    # a theme changed
    cid = _clause(at, "要加快建设腾龙大道")
    no_errors(_key(at, "selectbox", "rep_theme_").set_value("協同").run())
    assert _draft(at).clause_themes[cid] == ("協同", "analyst")

    # English only where the analyst supplies it: shown on English pages
    at.text_area(key=_key(at, "text_area", "rep_en_").key).input("Build Tenglong Avenue.").run()
    assert _draft(at).decisions.annotations[cid]["en"] == "Build Tenglong Avenue."

    # a link removed (the second 滆湖) and one added (交通配套 → the uploaded road)
    eco = _clause(at, "守护好滆湖")
    gone = [lk.id for lk in _draft(at).links_of(eco) if lk.text == "滆湖"][1]
    no_errors(at.button(key=f"rep_unlink_{gone}").click().run())
    assert gone not in {lk.id for lk in _draft(at).links}
    traffic = _clause(at, "完善")
    at.text_input(key="rep_ev").input("交通配套")
    at.multiselect(key="rep_ev_f").set_value([road])
    no_errors(at.button(key="rep_add_link").click().run())
    assert [lk.feature_ids for lk in _draft(at).links_of(traffic)] == [(road,)]

    # the gazetteer grows: 腾龙大道 is not on the map — link it to the uploaded road
    at.text_input(key="rep_place_name").input("腾龙大道")
    at.text_input(key="rep_place_aliases").input("騰龍大道")
    at.text_input(key="rep_place_en").input("Tenglong Avenue")
    at.multiselect(key="rep_place_f").set_value([road])
    no_errors(at.button(key="rep_add_place").click().run())
    assert any("腾龙大道" in s.value for s in at.success)
    (place,), _rev = places_store.stored_places(store)
    assert place.features == (road,) and "Tenglong Avenue" in place.en
    assert any(lk.place_id == place.id and lk.text == "腾龙大道" for lk in _draft(at).links)

    no_errors(at.button(key="rep_save").click().run())
    (rec,) = _added(store)
    assert (rec.title, rec.date, rec.body, rec.revision) == (TITLE, "2024-05-01", "指挥部会议", 1)
    saved = Report.from_dict(store.get_report(rec.report_id))
    assert saved.clause_themes[cid] == ("協同", "analyst")
    assert gone not in {lk.id for lk in saved.links}
    assert [lk.feature_ids for lk in saved.links_of(traffic)] == [(road,)]
    assert any(lk.place_id == place.id for lk in saved.links)
    assert saved.decisions.annotations[cid]["en"] == "Build Tenglong Avenue."
    assert not saved.kept.startswith("首页") and "??" in saved.kept
    assert TITLE in _html(at)  # listed

    # saving twice makes no second report: the button is off until the report changes
    assert at.button(key="rep_save").disabled
    # an edit saves a new version of the same report
    _clause(at, "守护好滆湖")
    no_errors(_key(at, "selectbox", "rep_theme_").set_value("生態").run())
    no_errors(at.button(key="rep_save").click().run())
    (rec,) = _added(store)
    assert rec.revision == 2
    assert Report.from_dict(store.get_report(rec.report_id)).theme_of(eco) == "生態"

    # soft delete and restore from the list
    no_errors(at.button(key=f"rep_delete_{rec.report_id}").click().run())
    assert _added(store) == [] and store.report(rec.report_id).deleted
    no_errors(at.button(key=f"rep_restore_{rec.report_id}").click().run())
    assert [r.report_id for r in _added(store)] == [rec.report_id]

    # reopened from the list: unchanged it cannot be saved again; changed, it is revision 3
    no_errors(at.button(key="rep_discard").click().run())
    assert "_rep_draft" not in at.session_state
    no_errors(at.button(key=f"rep_edit_{rec.report_id}").click().run())
    assert _draft(at).theme_of(eco) == "生態" and at.button(key="rep_save").disabled
    _clause(at, "守护好滆湖")
    no_errors(_key(at, "selectbox", "rep_theme_").set_value("宜居").run())
    no_errors(at.button(key="rep_save").click().run())
    (rec,) = _added(store)
    assert rec.revision == 3
    assert Report.from_dict(store.get_report(rec.report_id)).theme_of(eco) == "宜居"


def _docx(paragraphs: list[str]) -> bytes:
    """A .docx shaped like Word writes it: a zip with content types, relationships and
    word/document.xml whose paragraphs hold runs (one split in two, with a tab)."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = []
    for p in paragraphs:
        half = len(p) // 2
        body.append(f'<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rFonts '
                    f'w:hint="eastAsia"/></w:rPr><w:t>{p[:half]}</w:t></w:r><w:r>'
                    f'<w:t xml:space="preserve">{p[half:]}</w:t></w:r></w:p>')
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {w}>'
           f'<w:body>{"".join(body)}<w:sectPr/></w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        z.writestr("word/_rels/document.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"/>'))
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def test_an_analyst_adds_a_report_from_a_docx(analyst_gpkg):
    at = _page("zh-Hant")
    _meta(at, "兩湖創新區現場推進會")
    at.radio(key="rep_mode").set_value("file").run()
    data = _docx(["一、交通互聯", "推進常州南站樞紐建設。", "二、生態優先", "守護好滆湖。"])
    at.file_uploader(key="rep_file").set_value(
        [("会议.docx", data, "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document")]).run()
    no_errors(at.button(key="rep_prepare").click().run())
    no_errors(at.button(key="rep_headings").click().run())  # the document's headings as themes
    cid = _clause(at, "推進常州南站")
    assert _draft(at).theme_of(cid) == "交通互聯"
    no_errors(_key(at, "selectbox", "rep_theme_").set_value("生態優先").run())
    no_errors(at.button(key="rep_save").click().run())
    (rec,) = _added(analyst_gpkg)
    saved = Report.from_dict(analyst_gpkg.get_report(rec.report_id))
    assert saved.decisions.theme_mode == "headings"
    assert saved.clause_themes[cid] == ("生態優先", "analyst")
    assert [lk.place_id for lk in saved.links_of(cid)] == ["changzhou_south"]


@pytest.mark.parametrize(("field", "value", "named"), [
    ("rep_date", "2024-13-01", "日期"), ("rep_url", "javascript:alert(1)", "来源链接"),
    ("rep_title", "", "标题")])
@pytest.mark.usefixtures("analyst_gpkg")
def test_bad_metadata_is_named_and_nothing_is_prepared(field, value, named):
    at = _page()
    _meta(at)
    at.text_area(key="rep_text").input(TEXT)
    at.text_input(key=field).input(value)
    at.button(key="rep_prepare").click().run()
    assert not at.exception
    assert any(named in e.value for e in at.error), [e.value for e in at.error]
    assert "_rep_draft" not in at.session_state


@pytest.mark.usefixtures("analyst_gpkg")
def test_a_bad_file_is_named_in_the_ui_language():
    at = _page("en")
    _meta(at)
    at.radio(key="rep_mode").set_value("file").run()
    at.file_uploader(key="rep_file").set_value([("scan.docx", b"not a zip", "x/y")]).run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]  # markdown escapes
    assert any("scan.docx" in e and "damaged" in e for e in errors), errors


@pytest.mark.parametrize("password", ["", "s3cret"])
def test_a_viewer_cannot_add_edit_or_delete(tmp_path, monkeypatch, password):
    monkeypatch.delenv("LIANGHU_LOCAL_MODE", raising=False)
    monkeypatch.setenv("LIANGHU_UPLOAD_PASSWORD", password)
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    store = open_store()
    store.save_report({"schema": 0}, title="已有报告", date="2024-01-02", user="a")
    at = _page()
    assert "已有报告" in _html(at)  # the list is read-only for viewers
    assert any("分析人员" in i.value for i in at.info)
    assert not [b for b in at.button if (b.key or "").startswith("rep_")]
    assert not [w for w in (*at.text_input, *at.text_area) if (w.key or "").startswith("rep_")]
    assert len(at.file_uploader) == 0
