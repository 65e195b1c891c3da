"""The per-place timeline (issue 17 build 6): marks per place and report on a time axis, a year-
only date spanning its year (never a day), and the chart on the Directives page, one row per
place, for two stored reports."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import ROOT
from report_fixtures import SECOND_DATE, SECOND_TITLE, SOUTH_STATION, store_second_report
from store_helpers import configured_store
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from lianghu_map.catalog import ReportView, builtin_catalog
from lianghu_map.i18n import t
from lianghu_map.layers import display_names
from lianghu_map.report_history import Timeline, timeline_marks
from lianghu_map.timeline_chart import timeline_chart, timeline_rows

MEETING = builtin_catalog().meeting


def _view(rid: str, when: str, title: str) -> ReportView:
    return ReportView(rid, when, title, "", MEETING)


TIMELINE = Timeline(
    (_view("a", "2023", "甲"), _view("b", "2024-05", "乙"), _view("c", "2024-05-20", "丙")),
    (("f1", (2, 0, 1)), ("f2", (0, 3, 0)), ("f3", (1, 1, 1)), ("f4", (1, 0, 0))))
NAMES = {"f1": "常州南站", "f2": "滆湖", "f3": "常州南站"}  # f4: no name, left out


def test_marks_per_place_and_report_on_the_days_the_date_stands_for():
    marks = timeline_marks(TIMELINE, NAMES, {"b": "乙 title"})
    assert [(m.place, m.report_id, m.count) for m in marks] == [
        ("常州南站", "a", 2), ("常州南站", "c", 1), ("滆湖", "b", 3),
        ("常州南站 (2)", "a", 1), ("常州南站 (2)", "b", 1), ("常州南站 (2)", "c", 1)]
    year, month, day = marks[3], marks[4], marks[5]
    assert (year.date, year.precision, year.start, year.end) == (
        "2023", "year", date(2023, 1, 1), date(2023, 12, 31))
    assert year.middle == date(2023, 7, 2)  # in its year, not on 1 January
    assert (month.precision, month.start, month.end, month.title) == (
        "month", date(2024, 5, 1), date(2024, 5, 31), "乙 title")
    assert (day.precision, day.start, day.end, day.middle) == (
        "day", date(2024, 5, 20), date(2024, 5, 20), date(2024, 5, 20))


def test_an_unreadable_date_is_left_off_the_axis():
    timeline = Timeline((_view("x", "someday", "?"),), (("f1", (1,)),))
    assert timeline_marks(timeline, NAMES, {}) == []


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_chart_rows_say_no_more_than_the_date_given(lang):
    marks = timeline_marks(TIMELINE, NAMES, {})
    rows = timeline_rows(marks, lang)
    year = rows[0]
    assert year["date"] == "2023" and year["span"] is True
    assert year["precision"] == t("dir.timeline.precision.year", lang)
    assert not any("2023-" in str(v) for k, v in year.items() if k in ("date", "meeting", "title"))
    assert rows[1]["span"] is False and rows[1]["date"] == "2024-05-20"
    spec = timeline_chart(marks, lang).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert t("dir.timeline.report", lang) in text and t("dir.timeline.date", lang) in text
    formats = [layer["encoding"]["x"].get("axis", {}).get("format") for layer in spec["layer"]]
    assert "%Y" in formats and not any(f and "%d" in f for f in formats)  # never a day tick


@pytest.fixture(params=["gpkg"])
def configured(request, tmp_path, monkeypatch):
    yield from configured_store(request, tmp_path, monkeypatch)


def _chart_rows(at) -> list[dict]:
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    if proto.data.data:  # Streamlit moves the chart's data into Arrow
        return convert_arrow_bytes_to_pandas_df(proto.data.data).to_dict("records")
    spec = json.loads(proto.spec)
    return [v for ds in spec.get("datasets", {}).values() for v in ds]


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_directives_page_draws_the_timeline_one_row_per_place(configured, lang):
    store_second_report(configured)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = lang
    at = app.run().switch_page("pages/directives.py").run()
    assert not at.exception
    rows = _chart_rows(at)
    table = at.dataframe[1].value  # the table below the chart, one row per place
    places = list(dict.fromkeys(r["place"] for r in rows))
    assert places == list(table.iloc[:, 0])
    name = display_names(builtin_catalog().features.loc[SOUTH_STATION], lang)[0]
    south = [r for r in rows if r["place"] == name]
    assert {r["date"] for r in south} == {"2023", SECOND_DATE}
    assert any(r["title"] == SECOND_TITLE for r in south)
    # each place's marks: one per report that names it, counted as the table counts
    for _, row in table.iterrows():
        counts = [int(n) for n in row.iloc[1:] if n]
        assert sorted(r["count"] for r in rows if r["place"] == row.iloc[0]) == sorted(counts)
