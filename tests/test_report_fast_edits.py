"""The review's fast edits (a theme changed, a link removed without cleaning, splitting and
linking again) give exactly the report — and what is saved — that preparing it again gives."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.meeting import report_text
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import ReportMeta, prepare_report
from lianghu_map.meeting.themes import CONTEXT


@pytest.fixture(scope="module")
def prepared():
    finder = load_place_finder()
    report = prepare_report(report_text(6_000), ReportMeta("", "2024-03-06", "bench"), finder)
    # analysts' links (to a place, to a feature) on a gazetteer link's evidence
    lk = next(lk for lk in report.links if report.clause(lk.clause_id).text.count(lk.text) == 1)
    report = report.add_link(finder, lk.clause_id, lk.text, place_id=lk.place_id)
    report = report.add_link(finder, lk.clause_id, lk.text, feature_ids=("park.xitaihu",))
    return finder, report


def test_theme_changes_equal_a_full_prepare(prepared):
    finder, report = prepared
    keys = [th.key for th in report.themes] + [CONTEXT]
    fast = slow = report
    for i, c in enumerate(report.clauses[::7]):
        key = keys[i % len(keys)]
        fast = fast.set_theme(finder, c.id, key, relink=False)
        slow = slow.set_theme(finder, c.id, key)
        assert fast.to_dict() == slow.to_dict()
        assert fast.theme_of(c.id) == key
    assert fast == slow
    # the same clause twice, back to a theme it had
    c = report.clauses[0].id
    again = fast.set_theme(finder, c, keys[1], relink=False).set_theme(finder, c, keys[0],
                                                                        relink=False)
    assert again.to_dict() == slow.set_theme(finder, c, keys[1]).set_theme(
        finder, c, keys[0]).to_dict()
    with pytest.raises(KeyError):
        report.set_theme(finder, c, "no such theme", relink=False)


def test_link_removals_equal_a_full_prepare(prepared):
    finder, report = prepared
    analyst = [lk.id for lk in report.links if lk.origin == "analyst"]
    ids = [lk.id for lk in report.links[::11]] + analyst
    assert analyst
    fast = slow = report
    for link_id in ids:
        fast = fast.remove_link(finder, link_id, relink=False)
        slow = slow.remove_link(finder, link_id)
        assert fast.to_dict() == slow.to_dict()
    assert fast == slow
    assert len(fast.links) < len(report.links)
