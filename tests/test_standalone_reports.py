"""The offline HTML export carries the chosen report's clauses (issue 17 build 6): with a second
stored report chosen, its clauses are in the file and the 2023 report's are not; with no report
chosen (the Map's "all meetings"), every report's; a clause holding ``<script>`` stays inert."""

from __future__ import annotations

import json
import re

import pytest
from report_fixtures import SECOND_DATE, SECOND_TITLE, SOUTH_STATION, store_second_report
from store_helpers import configured_store

from lianghu_map.catalog import load_catalog
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import ReportMeta, prepare_report
from lianghu_map.report_history import offline_reports
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.selection import MapFilter, select
from lianghu_map.standalone import standalone_html

SECOND_CLAUSE = "要加快常州南站综合客运枢纽建设"
HOSTILE = '要加快常州南站建设<script>alert("x")</script></script><img src=x onerror=alert(1)>。'
HOSTILE_TITLE = "第四次会议<b>"


@pytest.fixture(params=["gpkg"])
def configured(request, tmp_path, monkeypatch):
    yield from configured_store(request, tmp_path, monkeypatch)


@pytest.fixture
def stored(configured):
    second = store_second_report(configured).report_id
    finder = load_place_finder()
    meta = ReportMeta("", "2025-02", HOSTILE_TITLE)
    report = prepare_report(f"两湖创新区会议\n{HOSTILE}\n", meta, finder)
    for flag in report.flags:  # the analyst keeps the line (flagged as navigation junk)
        report = report.decide(finder, flag.id, False)
    hostile = configured.save_report(report.to_dict(), title=HOSTILE_TITLE, date="2025-02",
                                     body="", user="alice").report_id
    return load_catalog(configured), second, hostile


def _export(cat, report_id, lang="zh-Hans"):
    sel = select(cat.features, cat.links, cat.meeting, MapFilter())
    reports = offline_reports(cat, report_id, sel.drawn, lang)
    return standalone_html(cat.features, sel, lang, cat.layers, title="t", reports=reports)


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="lh-clause-data">(.*?)</script>', page,
                  re.S)
    assert m, "no clause data in the file"
    return json.loads(m.group(1))


def _builtin_clause(cat) -> str:
    d = cat.report(BUILTIN_ID).meeting.get("modern.3")
    return d.text("zh-Hans")[:20]


def test_the_chosen_reports_clauses_and_not_the_2023_ones(stored):
    cat, second, _ = stored
    page = _export(cat, second)
    data = _data(page)
    assert [(r["id"], r["date"], r["title"]) for r in data["reports"]] == [
        (second, SECOND_DATE, SECOND_TITLE)]
    texts = [c["text"] for c in data["reports"][0]["clauses"]]
    assert any(x.startswith(SECOND_CLAUSE) for x in texts)
    assert any(SOUTH_STATION in c["features"] for c in data["reports"][0]["clauses"])
    assert SECOND_CLAUSE in page
    assert _builtin_clause(cat) not in page
    assert f"{SECOND_DATE} · {SECOND_TITLE}" in page  # the side panel says which meeting


def test_the_2023_report_chosen(stored):
    cat, _, _ = stored
    page = _export(cat, BUILTIN_ID, "en")
    data = _data(page)
    assert [r["id"] for r in data["reports"]] == [BUILTIN_ID]
    en = cat.report(BUILTIN_ID).meeting.get("modern.3").en
    assert en[:30] in page and SECOND_CLAUSE not in page


def test_no_report_chosen_carries_every_report_newest_first(stored):
    cat, second, hostile = stored
    data = _data(_export(cat, None))
    assert [r["id"] for r in data["reports"]] == [hostile, second, BUILTIN_ID]


def test_a_clause_with_script_stays_inert(stored):
    cat, _, hostile = stored
    page = _export(cat, hostile)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert HOSTILE_TITLE not in page  # the title's markup escaped too
    assert page.count("</script>") == page.count("<script")  # no element ended early
    clauses = _data(page)["reports"][0]["clauses"]
    assert any(HOSTILE.rstrip("。") in c["text"] for c in clauses)  # intact, as text
    assert _data(page)["reports"][0]["title"] == HOSTILE_TITLE
    assert "textContent" in page and "innerHTML" not in page.split("lh-clause-data")[-1]


def test_without_reports_the_file_has_no_clause_panel(stored):
    cat, _, _ = stored
    sel = select(cat.features, cat.links, cat.meeting, MapFilter())
    page = standalone_html(cat.features, sel, "en", cat.layers, title="t")
    assert "lh-clause-data" not in page
