"""What the Reports page shows: 繁/简 by OpenCC, English only where supplied, flagged spans
marked, every piece of text escaped."""

from __future__ import annotations

from types import SimpleNamespace

from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import ReportMeta, prepare_report
from lianghu_map.ui_reports import (
    clause_label,
    clause_labels,
    clause_pages,
    clause_table_html,
    display,
    marked_text_html,
    report_list_html,
    split_aliases,
)

TEXT = "首页 > 新闻 > 要闻\n推进常州南站枢纽建设<b>。完善??交通配套。"
FINDER = load_place_finder()


def _report():
    return prepare_report(TEXT, ReportMeta("", "2024-05-01", "大会"), FINDER)


def test_chinese_is_shown_in_the_page_script_and_as_given_in_english():
    assert display("兩湖創新區", "zh-Hans") == "两湖创新区"
    assert display("两湖创新区", "zh-Hant") == "兩湖創新區"
    assert display("两湖创新区", "en") == "两湖创新区"


def test_flags_are_marked_and_the_text_escaped():
    out = marked_text_html(_report(), "zh-Hans")
    assert "<mark class='lh-flag lh-flag-navigation lh-pending'" in out
    assert "lh-flag-garbled lh-pending" in out and ">??</mark>" in out
    assert "<b>" not in out and "&lt;b&gt;" in out


def test_english_only_where_the_analyst_supplied_it():
    report = _report()
    cid = report.clauses[-1].id
    plain = clause_table_html(report, {}, {}, "en")
    assert "lh-en" not in plain
    noted = report.revise(FINDER, annotations={cid: {"en": "Improve <transport>."}})
    out = clause_table_html(noted, {}, {}, "en")
    assert "<i class='lh-en'>Improve &lt;transport&gt;.</i>" in out
    assert "lh-en" not in clause_table_html(noted, {}, {}, "zh-Hans")


def test_the_report_list_escapes_and_marks_deleted_ones():
    rec = SimpleNamespace(date="2024-05-01", title="<img src=x onerror=alert(1)>", body="會議",
                          revision=2, updated_by="a", updated_at="2024-05-02T10:00:00+00:00",
                          deleted=True)
    out = report_list_html([rec], "zh-Hans")
    assert "<img" not in out and "&lt;img" in out and "会议" in out and "lh-deleted" in out
    assert "lh-no-reports" in report_list_html([], "en")


def test_aliases_split_on_chinese_and_ascii_separators():
    assert split_aliases("騰龍大道、腾龙路, 腾龙；\n 甲 ") == ["騰龍大道", "腾龙路", "腾龙", "甲"]


def test_the_clause_table_in_pages_numbered_as_in_the_report():
    assert clause_pages(0) == [range(0)]
    assert clause_pages(5, 2) == [range(0, 2), range(2, 4), range(4, 5)]
    assert [i for p in clause_pages(123) for i in p] == list(range(123))
    report = prepare_report("\n".join(f"{i}、推进常州南站枢纽建设第{i}项工作。"
                                       for i in range(1, 8)),
                            ReportMeta("", "2024-05-01", "大会"), FINDER)
    whole = clause_table_html(report, {"changzhou_south": "常州南站"}, {}, "zh-Hans")
    page = clause_table_html(report, {"changzhou_south": "常州南站"}, {}, "zh-Hans", range(2, 4))
    rows = lambda html: html.split("<tr class='lh-clause'")[1:]  # noqa: E731
    assert len(rows(whole)) == len(report.clauses) and len(rows(page)) == 2
    assert rows(page)[0].split("</table>")[0] == rows(whole)[2]
    assert rows(page)[1].split("</table>")[0] == rows(whole)[3].split("</table>")[0]
    assert "<td>3</td>" in rows(page)[0] and "常州南站" in rows(page)[0]


def test_all_clause_labels_at_once_are_each_clause_label():
    report = prepare_report("\n".join(f"{i}、推進常州南站樞紐建設第{i}項工作，完善交通配套設施。"
                                       for i in range(1, 5)),
                            ReportMeta("", "2024-05-01", "大会"), FINDER)
    for lang in ("zh-Hans", "zh-Hant", "en"):
        labels = clause_labels(report, lang)
        assert list(labels) == [c.id for c in report.clauses]
        assert all(labels[c.id] == clause_label(report, c.id, lang) for c in report.clauses)
    assert clause_labels(report, "zh-Hans")[report.clauses[1].id].startswith("2. ")
