"""AppTest (issue 17): an analyst edits a saved report's title and date on the Reports page; the
Directives timeline and the Map's side panel show the new title and date; the history shows the
change and makes the older version current again; a concurrent edit is named and what was typed
stays; a viewer has no edit control.  The main flow on both stores (``[gpkg]``, ``[postgis]``)."""

from __future__ import annotations

import html

import pytest
from apptest_helpers import map_args, no_errors
from conftest import ROOT
from report_fixtures import SECOND_DATE, SECOND_TITLE, SOUTH_STATION, store_second_report
from streamlit.testing.v1 import AppTest

from lianghu_map.store import open_store

NEW_TITLE = "“两湖”创新区建设推进会<更正>"
NEW_DATE = "2024-06"


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def _reports() -> AppTest:
    at = _app()
    at.run()
    at.switch_page("pages/reports.py").run()
    assert not at.exception
    return at


def _input(at: AppTest, prefix: str):
    (box,) = [w for w in at.text_input if (w.key or "").startswith(prefix)]
    return box


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.proto.body for e in at.get("html")]
    return html.unescape("\n".join(str(p) for p in parts))


def _side_panel(feature_id: str) -> AppTest:
    at = _app().run()
    at.session_state[map_args(at)["key"]] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": feature_id}},
        "last_object_clicked": {"lat": 31.7, "lng": 119.9},
    }
    return at.run()


def _open_details(at: AppTest, report_id: str) -> AppTest:
    at.text_input(key="rep_user").input("测试员")
    no_errors(at.button(key=f"rep_details_{report_id}").click().run())
    assert _input(at, "rep_dt_").value == SECOND_TITLE  # the form holds the saved details
    assert _input(at, "rep_dd_").value == SECOND_DATE
    return at


def test_an_analyst_edits_title_and_date_and_every_page_shows_them(analyst_store):
    store = analyst_store
    rid = store_second_report(store).report_id
    at = _open_details(_reports(), rid)
    _input(at, "rep_dt_").input(NEW_TITLE)
    _input(at, "rep_dd_").input(NEW_DATE)
    no_errors(at.button(key="rep_detail_save").click().run())
    rec = store.report(rid)
    assert (rec.revision, rec.title, rec.date) == (2, NEW_TITLE, NEW_DATE)
    assert any("第 2 版" in s.value for s in at.success)
    assert "_rep_details" not in at.session_state  # the form closed
    assert NEW_TITLE in _texts(at)  # the list

    # the history shows the change; the older version is made current again, and back
    no_errors(at.button(key=f"rep_history_{rid}").click().run())
    assert f"{SECOND_DATE} → {NEW_DATE}" in _texts(at)
    assert f"{SECOND_TITLE} → {NEW_TITLE}" in _texts(at)
    no_errors(at.button(key=f"rep_revert_{rid}_1").click().run())
    assert (store.report(rid).revision, store.report(rid).title) == (3, SECOND_TITLE)
    no_errors(at.button(key=f"rep_revert_{rid}_2").click().run())
    assert (store.report(rid).revision, store.report(rid).title) == (4, NEW_TITLE)

    # the Directives timeline
    d = _app()
    d.run()
    d.switch_page("pages/directives.py").run()
    assert not d.exception
    meetings = d.dataframe[0].value
    assert list(meetings.iloc[:, 0]) == [NEW_DATE, "2023"]
    assert meetings.iloc[0, 1] == NEW_TITLE
    # the Map's side panel of a feature the report names
    m = _side_panel(SOUTH_STATION)
    assert not m.exception
    text = _texts(m)
    assert f"{NEW_DATE} · {NEW_TITLE}" in text and SECOND_TITLE + " " not in text
    assert f"{NEW_DATE} · {html.escape(NEW_TITLE)}" in "\n".join(
        e.proto.body for e in m.get("html"))  # escaped in the panel's HTML


def test_bad_details_are_named_and_nothing_is_saved(analyst_gpkg):
    rid = store_second_report(analyst_gpkg).report_id
    at = _open_details(_reports(), rid)
    _input(at, "rep_dd_").input("2024年6月")
    at.button(key="rep_detail_save").click().run()
    assert not at.exception
    assert any("日期" in e.value for e in at.error), [e.value for e in at.error]
    _input(at, "rep_du_").input("javascript:alert(1)")
    _input(at, "rep_dd_").input("2024")
    at.button(key="rep_detail_save").click().run()
    assert any("来源链接" in e.value for e in at.error), [e.value for e in at.error]
    assert analyst_gpkg.report(rid).revision == 1


def test_a_concurrent_edit_is_named_and_what_was_typed_stays(analyst_gpkg):
    store = analyst_gpkg
    rid = store_second_report(store).report_id
    at = _open_details(_reports(), rid)
    _input(at, "rep_dt_").input(NEW_TITLE)
    # meanwhile another analyst saves a new version
    store.save_report(store.get_report(rid), title="他人的标题", date="2024-05-21",
                      user="other", report_id=rid, expected_revision=1)
    at.button(key="rep_detail_save").click().run()
    assert not at.exception
    assert any("第 2 版" in e.value and "表单" in e.value for e in at.error)
    assert store.report(rid).title == "他人的标题"  # not overwritten
    assert _input(at, "rep_dt_").value == NEW_TITLE  # nothing lost
    assert any("他人的标题" in c.value for c in at.caption)  # the current version, shown
    no_errors(at.button(key="rep_detail_rebase").click().run())
    # what the analyst typed stays, what they left alone follows the other's version
    assert _input(at, "rep_dt_").value == NEW_TITLE
    assert _input(at, "rep_dd_").value == "2024-05-21"
    no_errors(at.button(key="rep_detail_save").click().run())
    rec = store.report(rid)
    assert (rec.revision, rec.title, rec.date) == (3, NEW_TITLE, "2024-05-21")


def test_an_open_unchanged_review_follows_the_new_details(analyst_gpkg):
    rid = store_second_report(analyst_gpkg).report_id
    at = _reports()
    at.text_input(key="rep_user").input("测试员")
    no_errors(at.button(key=f"rep_edit_{rid}").click().run())
    no_errors(at.button(key=f"rep_details_{rid}").click().run())
    _input(at, "rep_dt_").input(NEW_TITLE)
    no_errors(at.button(key="rep_detail_save").click().run())
    draft = at.session_state["_rep_draft"]
    assert draft["expected"] == 2 and draft["report"].meta.title == NEW_TITLE
    assert at.button(key="rep_save").disabled  # nothing to save: it is the stored version


@pytest.mark.parametrize("password", ["", "s3cret"])
def test_a_viewer_has_no_edit_control(tmp_path, monkeypatch, password):
    monkeypatch.delenv("LIANGHU_LOCAL_MODE", raising=False)
    monkeypatch.setenv("LIANGHU_UPLOAD_PASSWORD", password)
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    rid = store_second_report(open_store()).report_id
    at = _reports()
    assert SECOND_TITLE in _texts(at)
    keys = [b.key or "" for b in at.button]
    assert not [k for k in keys if k.startswith(("rep_detail", "rep_hist", "rep_revert"))]
    assert f"rep_details_{rid}" not in keys
    assert not [w for w in at.text_input if (w.key or "").startswith("rep_d")]


def test_the_builtin_reports_details_are_edited_the_same_way(analyst_gpkg):
    from lianghu_map.catalog import load_catalog
    from lianghu_map.reports_store import BUILTIN_ID

    at = _reports()  # the built-in report is seeded on the store's first use
    at.text_input(key="rep_user").input("测试员")
    no_errors(at.button(key=f"rep_details_{BUILTIN_ID}").click().run())
    assert _input(at, "rep_dd_").value == "2023"
    _input(at, "rep_dd_").input("2023-03-05")
    no_errors(at.button(key="rep_detail_save").click().run())
    rec = analyst_gpkg.report(BUILTIN_ID)
    assert (rec.revision, rec.date) == (2, "2023-03-05")
    view = load_catalog(analyst_gpkg).report(BUILTIN_ID)
    assert view.date == "2023-03-05" and view.clause_count == 32 and view.translated
    d = _app()
    d.run()
    d.switch_page("pages/directives.py").run()
    assert list(d.dataframe[0].value.iloc[:, 0]) == ["2023-03-05"]
