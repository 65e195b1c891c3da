"""AppTest: the review of a long report on the Reports page — the clause table shows one page
at a time (the page of the clause chosen for editing), and a theme change and a link removal
(made without preparing the text again) leave exactly the report a full prepare gives, which
is what is saved."""

from __future__ import annotations

import re
import sys

from apptest_helpers import no_errors
from conftest import ROOT
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(ROOT))

from bench.meeting import report_text
from lianghu_map import places_store
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.ui_reports import TABLE_ROWS

TEXT = report_text(9_000)


def _rows(at: AppTest) -> list[tuple[str, str]]:
    """(number, clause id) of each row of the clause table shown."""
    table = next(h.proto.body for h in at.get("html") if "lh-clauses" in h.proto.body)
    return re.findall(r"<tr class='lh-clause' data-clause='([^']+)'><td>(\d+)</td>", table)


def test_a_long_report_reviewed_page_by_page_and_saved_as_prepared(analyst_gpkg):
    store = analyst_gpkg
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "zh-Hans"
    at.run()
    no_errors(at.switch_page("pages/reports.py").run())
    at.text_input(key="rep_user").input("测试员")
    at.text_input(key="rep_title").input("长报告")
    at.text_input(key="rep_date").input("2024-03-06")
    at.text_area(key="rep_text").input(TEXT)
    no_errors(at.button(key="rep_prepare").click().run())
    report = at.session_state["_rep_draft"]["report"]
    n = len(report.clauses)
    assert n > 2 * TABLE_ROWS

    # the first page of the table: clauses 1–50, numbered as in the report
    rows = _rows(at)
    assert [int(k) for _, k in rows] == list(range(1, TABLE_ROWS + 1))
    assert [c for c, _ in rows] == [c.id for c in report.clauses[:TABLE_ROWS]]
    assert len(at.selectbox(key="rep_table_page").options) == -(-n // TABLE_ROWS)

    # a clause with links on a later page chosen: its page is shown
    at_i, clause = next((i, c) for i, c in enumerate(report.clauses)
                        if i >= 2 * TABLE_ROWS and report.links_of(c.id))
    no_errors(at.selectbox(key="rep_clause").set_value(clause.id).run())
    rows = _rows(at)
    assert (clause.id, str(at_i + 1)) in rows
    assert int(rows[0][1]) == 2 * TABLE_ROWS + 1

    # its theme changed and its first link removed
    theme = next(th.key for th in report.themes if th.key != report.theme_of(clause.id))
    box = next(s for s in at.selectbox if (s.key or "").startswith("rep_theme_"))
    no_errors(box.set_value(theme).run())
    gone = report.links_of(clause.id)[0].id
    no_errors(at.button(key=f"rep_unlink_{gone}").click().run())
    draft = at.session_state["_rep_draft"]["report"]
    assert draft.theme_of(clause.id) == theme
    assert gone not in {lk.id for lk in draft.links}
    finder = places_store.place_finder(store)
    expected = report.set_theme(finder, clause.id, theme).remove_link(finder, gone)
    assert draft.to_dict() == expected.to_dict()
    assert (clause.id, str(at_i + 1)) in _rows(at)  # still on its page

    no_errors(at.button(key="rep_save").click().run())
    (rec,) = [r for r in store.list_reports() if r.report_id != BUILTIN_ID]
    assert store.get_report(rec.report_id) == expected.to_dict()
