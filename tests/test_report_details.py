"""Issue 17: a saved report's details (title, date, meeting body/kind, source link) edited as a
new version — the pure functions (checks as when adding, what changed, the document's own meta),
then on both stores (``[gpkg]``, ``[postgis]``): a new version with an audit entry, a concurrent
edit refused with nothing written, viewers refused, an older version made current again, and
the built-in 2023 report edited with its curated clauses and translation kept."""

from __future__ import annotations

import pytest
from report_fixtures import SECOND_DATE, SECOND_TITLE, second_report, store_second_report
from store_helpers import snapshot

from lianghu_map.auth import VIEWER, Access, Role
from lianghu_map.catalog import load_catalog
from lianghu_map.errors import (
    ReportConflict,
    ReportDeleted,
    ReportDetailsConflict,
    ReportInvalid,
    WriteDenied,
)
from lianghu_map.meeting.report import Report
from lianghu_map.reports_store import (
    BUILTIN_ID,
    BUILTIN_TITLE,
    Details,
    builtin_document,
    check_details,
    details_changes,
    edit_details,
    ensure_builtin_report,
    merge_details,
    revert_report,
    with_details,
)
from lianghu_map.store import LayerStore
from lianghu_map.ui_reports import report_history_html

ANALYST = Access(Role.ANALYST, "password")
NEW = Details("“两湖”创新区建设推进会（第二次）", "2024-06", "指挥部会议",
              "https://www.wj.gov.cn/html/2024/y.html")


# -- pure: the checks, what changed, the document's meta


@pytest.mark.parametrize("date", ["2024", "2024-06", "2024-06-30", " 2024-06-30 "])
def test_a_day_a_month_or_a_year_is_a_date(date):
    assert check_details("标题", date).date == date.strip()


@pytest.mark.parametrize(("kw", "problem"), [
    ({"date": "2024-13"}, "date"), ({"date": "2024/06/01"}, "date"),
    ({"date": "2024-02-30"}, "date"), ({"date": "6月"}, "date"), ({"title": "  "}, "title"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"source_url": "ftp://x.cn/a"}, "source_url"), ({"title": "a\nb"}, "title")])
def test_bad_details_are_refused_naming_the_field(kw, problem):
    args = {"title": "标题", "date": "2024-06-01", **kw}
    with pytest.raises(ReportInvalid) as err:
        check_details(**args)
    assert err.value.problem == problem


def test_details_changes_names_each_changed_field_in_order():
    old = Details("甲", "2024", "指挥部", "")
    assert details_changes(old, old) == ()
    assert details_changes(old, Details("乙", "2024", "指挥部", "https://a.cn")) == (
        ("title", "甲", "乙"), ("source_url", "", "https://a.cn"))


def test_after_a_conflict_each_side_keeps_its_own_changes():
    base = Details("甲", "2024", "指挥部", "")
    typed = Details("乙", "2024", "指挥部", "https://a.cn")  # title and link changed
    current = Details("甲", "2024-05-21", "推进大会", "https://b.cn")  # saved meanwhile
    assert merge_details(base, typed, current) == Details("乙", "2024-05-21", "推进大会",
                                                          "https://a.cn")
    assert merge_details(base, base, current) == current
    assert merge_details(base, typed, base) == typed


def test_with_details_writes_the_meta_and_keeps_the_rest():
    doc = second_report().to_dict()
    old = Details(SECOND_TITLE, SECOND_DATE, "两湖创新区指挥部", "")
    new = with_details(doc, old, NEW)
    assert new["meta"]["title"] == NEW.title and new["meta"]["date"] == NEW.date
    assert new["meta"]["body"] == NEW.body and new["meta"]["kind"] == ""
    assert new["meta"]["source_url"] == NEW.source_url
    assert new["meta"]["id"] == Report.from_dict(doc).id  # pinned: not derived from the title
    assert {k: v for k, v in new.items() if k != "meta"} == {
        k: v for k, v in doc.items() if k != "meta"}
    assert doc["meta"]["title"] == SECOND_TITLE  # the given document is not changed
    # only what changed is written: the built-in report's body and kind stay apart
    builtin = builtin_document()
    kept = with_details(builtin, Details(BUILTIN_TITLE, "2023", "武進區委 · 思路研討會"),
                        Details(BUILTIN_TITLE, "2023-03-05", "武進區委 · 思路研討會"))
    assert kept["meta"] == {**builtin["meta"], "date": "2023-03-05"}
    assert with_details({"schema": 0}, NEW, Details("x", "2024")) == {"schema": 0}


def test_the_history_shows_each_change_escaped():
    from lianghu_map.store.reports import ReportHistory, ReportRecord, ReportVersion

    def version(n, title, date):
        return ReportVersion(n, f"f{n}", "0" * 64, 1, title, date, "", "", "alice",
                             "2024-06-01T00:00:00Z", "")
    versions = (version(1, "旧标题", "2024"), version(2, "<b>新</b>标题", "2024-06-01"))
    rec = ReportRecord("rep-x-1", 2, False, versions, ())
    html = report_history_html(ReportHistory(rec, versions, ()), "zh-Hans")
    assert "&lt;b&gt;新&lt;/b&gt;标题" in html and "<b>新" not in html
    assert "data-field='title'" in html and "data-field='date'" in html
    assert "2024 → 2024-06-01" in html
    assert html.index("data-revision='2'") < html.index("data-revision='1'")  # newest first


# -- on both stores


def test_details_are_saved_as_a_new_version_with_an_audit_entry(store: LayerStore):
    rec = store_second_report(store)
    before = store.get_report(rec.report_id)
    new = edit_details(store, rec.report_id, NEW, user="bob", access=ANALYST,
                       expected_revision=1)
    assert new.revision == 2
    assert (new.title, new.date, new.body, new.source_url) == (
        NEW.title, NEW.date, NEW.body, NEW.source_url)
    assert new.current.note == "details: title, date, body, source_url"
    doc = store.get_report(rec.report_id)
    assert doc["meta"]["title"] == NEW.title
    assert doc["clauses"] == before["clauses"] and doc["decisions"] == before["decisions"]
    assert store.get_report(rec.report_id, 1) == before  # the old version is kept
    (entry,) = [a for a in store.report_audit() if a.revision == 2]
    assert (entry.action, entry.user, entry.title) == ("update", "bob", NEW.title)
    history = store.report_history(rec.report_id)
    html = report_history_html(history, "en")
    assert f"{SECOND_DATE} → {NEW.date}" in html
    # unchanged details write nothing
    same = edit_details(store, rec.report_id, NEW, user="bob", access=ANALYST,
                        expected_revision=2)
    assert same.revision == 2


def test_a_concurrent_edit_is_refused_and_nothing_is_written(store: LayerStore):
    rec = store_second_report(store)
    edit_details(store, rec.report_id, NEW, user="bob", access=ANALYST, expected_revision=1)
    before = snapshot(store)
    with pytest.raises(ReportDetailsConflict) as err:  # carol opened the form at revision 1
        edit_details(store, rec.report_id, Details("carol 的标题", "2024"), user="carol",
                     access=ANALYST, expected_revision=1)
    assert isinstance(err.value, ReportConflict)
    assert "第 2 版" in err.value.message("zh-Hans") and NEW.title in err.value.message("zh-Hans")
    assert "still in the form" in err.value.message("en")
    assert snapshot(store) == before
    assert store.report(rec.report_id).title == NEW.title


def test_a_viewer_is_refused_and_nothing_is_written(store: LayerStore):
    rec = store_second_report(store)
    before = snapshot(store)
    for access in (VIEWER, Access(Role.VIEWER, "password")):
        with pytest.raises(WriteDenied):
            edit_details(store, rec.report_id, NEW, user="eve", access=access,
                         expected_revision=1)
        with pytest.raises(WriteDenied):
            revert_report(store, rec.report_id, 1, user="eve", access=access,
                          expected_revision=1)
    assert snapshot(store) == before


def test_a_deleted_report_must_be_restored_first(store: LayerStore):
    rec = store_second_report(store)
    store.delete_report(rec.report_id, user="alice")
    with pytest.raises(ReportDeleted):
        edit_details(store, rec.report_id, NEW, user="bob", access=ANALYST,
                     expected_revision=1)


def test_an_older_version_is_made_current_again(store: LayerStore):
    rec = store_second_report(store)
    first = store.get_report(rec.report_id)
    edit_details(store, rec.report_id, NEW, user="bob", access=ANALYST, expected_revision=1)
    back = revert_report(store, rec.report_id, 1, user="bob", access=ANALYST,
                         expected_revision=2)
    assert back.revision == 3 and (back.title, back.date) == (SECOND_TITLE, SECOND_DATE)
    assert store.get_report(rec.report_id) == first
    assert back.current.note == "restored revision 1"
    with pytest.raises(ReportConflict):  # from a stale revision
        revert_report(store, rec.report_id, 2, user="bob", access=ANALYST, expected_revision=2)


def test_the_builtin_report_keeps_its_clauses_and_translation(store: LayerStore):
    ensure_builtin_report(store)
    before = load_catalog(store).report(BUILTIN_ID)
    assert before.title_en  # the curated English title, while the title is the published one
    doc = store.get_report(BUILTIN_ID)
    edit_details(store, BUILTIN_ID, Details("两湖创新区思路研讨会（更正）", "2023-03-05",
                                            "武進區委 · 思路研討會"),
                 user="bob", access=ANALYST, expected_revision=1)
    after = load_catalog(store).report(BUILTIN_ID)
    assert (after.title, after.date) == ("两湖创新区思路研讨会（更正）", "2023-03-05")
    assert after.title_en == ""  # the curated English title was of the old title
    assert [d.id for d in after.meeting.directives] == [d.id for d in before.meeting.directives]
    assert len(after.meeting.directives) == 32
    assert [d.en for d in after.meeting.directives] == [d.en for d in before.meeting.directives]
    assert all(d.en for d in after.meeting.directives)
    new = store.get_report(BUILTIN_ID)
    assert new["decisions"] == doc["decisions"] and new["meta"]["id"] == "2023-lianghu-seminar"
