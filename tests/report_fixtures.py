"""A second meeting report, written here in the shape real ones take (a title line, enumerated
headings, a byline), prepared with ``prepare_report`` and stored as an analyst would store it."""

from __future__ import annotations

from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import Report, ReportMeta, prepare_report
from lianghu_map.store import LayerStore, ReportRecord

SECOND_TEXT = """“两湖”创新区建设推进会召开
一、加快枢纽建设。要加快常州南站综合客运枢纽建设，年内完成站前广场主体工程。
二、做强创新载体。西太湖科技产业园要聚焦医疗器械和新材料产业，引进一批研发机构。
三、守护生态底色。推进滆湖生态修复，让群众看得见山水。
（责编：王明）"""
SECOND_TITLE = "“两湖”创新区建设推进会"
SECOND_DATE = "2024-05-20"
SECOND_BODY = "两湖创新区指挥部"
SECOND_META = ReportMeta("", SECOND_DATE, SECOND_TITLE, SECOND_BODY, "推进会")
# the analyst's theme for each of the report's clauses that opens with these words
SECOND_THEMES = {"要加快常州南站": "現代化", "西太湖科技产业园要": "創新", "推进滆湖": "生態"}
SOUTH_STATION = "hub.changzhou_south"
XITAIHU_PARK = "park.xitaihu"


def second_report() -> Report:
    finder = load_place_finder()
    report = prepare_report(SECOND_TEXT, SECOND_META, finder)
    byline = [f for f in report.flags if f.kind == "byline"]
    for flag in byline:
        report = report.decide(finder, flag.id, True)
    themes = {c.id: theme for c in report.clauses for start, theme in SECOND_THEMES.items()
              if c.text.startswith(start)}
    assert len(themes) == len(SECOND_THEMES), [c.text for c in report.clauses]
    return report.revise(finder, themes=themes)


def store_second_report(store: LayerStore) -> ReportRecord:
    return store.save_report(second_report().to_dict(), title=SECOND_TITLE, date=SECOND_DATE,
                             body=SECOND_BODY, user="alice")


def clause_of(report: Report, start: str) -> str:
    return next(c.id for c in report.clauses if c.text.startswith(start))


# A report whose analyst made the document's own headings its themes (one holds markup: labels
# are data); the second heading's English given by the analyst, the first's not.
HEADINGS_TEXT = """两湖创新区指挥部第三次会议纪要
一、枢纽<b>提速</b>行动
要加快常州南站综合客运枢纽建设，年内完成站前广场主体工程。
二、湖区共治
推进滆湖生态修复，西太湖科技产业园要引进一批研发机构。
"""
HEADINGS_TITLE = "指挥部第三次会议"
HEADINGS_DATE = "2025"  # a year only, as the 2023 report's
HEADINGS_META = ReportMeta("", HEADINGS_DATE, HEADINGS_TITLE, SECOND_BODY, "指挥部会议")
HEADING_THEMES_HANS = ("枢纽<b>提速</b>行动", "湖区共治")
HEADING_THEMES_HANT = ("樞紐<b>提速</b>行動", "湖區共治")
HEADING_THEME_EN = "Lake co-governance"


def headings_report() -> Report:
    finder = load_place_finder()
    report = prepare_report(HEADINGS_TEXT, HEADINGS_META, finder).use_headings_as_themes(finder)
    second = next(c.id for c in report.clauses if c.text == "二、湖区共治")
    return report.revise(finder, annotations={second: {"label_en": HEADING_THEME_EN}})


def store_headings_report(store: LayerStore) -> ReportRecord:
    return store.save_report(headings_report().to_dict(), title=HEADINGS_TITLE,
                             date=HEADINGS_DATE, body=SECOND_BODY, user="alice")
