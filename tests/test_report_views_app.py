"""AppTest (issue 17, build 6): with a second meeting report stored, the Map's report and date
filters, the ``report=`` URL state, a feature's side panel (every report's clauses under their
date and title, newest first), the Directives timeline and per-place timeline, and Present
stepping through the new report's agenda — on the GeoPackage and the PostGIS store."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from apptest_helpers import map_args, map_feature_states, present_count
from conftest import ROOT
from report_fixtures import (
    SECOND_DATE,
    SECOND_TITLE,
    SOUTH_STATION,
    XITAIHU_PARK,
    store_second_report,
)
from store_helpers import configured_store
from streamlit.testing.v1 import AppTest

from lianghu_map.agenda import build_agenda
from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t
from lianghu_map.reports_store import BUILTIN_ID


@pytest.fixture(params=["gpkg", "postgis"])
def configured(request, tmp_path, monkeypatch):
    yield from configured_store(request, tmp_path, monkeypatch)


@pytest.fixture
def second(configured):
    """The store's id of the second report (stored before the app first runs)."""
    return store_second_report(configured).report_id


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def _texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.proto.body for e in at.get("html")]
    return html.unescape("\n".join(str(p) for p in parts))


def _click(at, feature_id):
    at.session_state[map_args(at)["key"]] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": feature_id}},
        "last_object_clicked": {"lat": 31.7, "lng": 119.9},
    }
    return at.run()


def test_the_map_filters_by_meeting_and_date(second):
    at = _app().run()
    assert not at.exception
    box = at.selectbox(key="f_report")
    assert box.options[1:] == [f"{SECOND_DATE} · {SECOND_TITLE}", box.options[2]]
    at = box.select_index(1).run()  # the newest report
    assert at.query_params["report"] == second
    states = map_feature_states(at)
    shown = {f for f, s in states.items() if s == "normal"}
    assert {SOUTH_STATION, XITAIHU_PARK, "water.gehu"} <= shown
    assert "park.sino_israel" not in shown  # named in 2023 only
    # its clauses, and only its, in the clause filter
    assert len(at.selectbox(key="f_directive").options) == 1 + 7
    # every meeting again, then a date range before the second: the 2023 report's features
    at.selectbox(key="f_report").select_index(0).run()
    at = at.date_input(key="f_to").set_value(date(2023, 12, 31)).run()
    assert at.query_params["to"] == "2023-12-31" and "report" not in at.query_params
    shown = {f for f, s in map_feature_states(at).items() if s == "normal"}
    assert "park.sino_israel" in shown
    assert len(at.selectbox(key="f_directive").options) == 1 + 32


def test_report_in_the_url_round_trips(second):
    app = _app()
    app.query_params["report"] = second
    app.query_params["from"] = "2024-01-01"
    at = app.run()
    assert not at.exception and not at.warning
    assert at.session_state["f_report"] == second
    assert at.session_state["f_from"] == date(2024, 1, 1)
    assert at.query_params["report"] == second and at.query_params["from"] == "2024-01-01"
    app = _app()
    app.query_params["report"] = "no-such-report"
    app.query_params["to"] = "1800-01-01"  # a day the date box cannot hold: named, not shown
    at = app.run()
    assert not at.exception
    warned = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "report=no-such-report" in warned and "to=1800-01-01" in warned
    assert at.session_state["f_report"] == "" and at.session_state["f_to"] is None


def test_the_side_panel_lists_every_meeting_newest_first(second):
    at = _click(_app().run(), SOUTH_STATION)
    assert not at.exception
    text = _texts(at)
    new = text.index(f"{SECOND_DATE} · {SECOND_TITLE}")
    old = text.index("2023 · ")
    assert new < old  # newest first
    assert text.index("常州南站</mark>综合客运枢纽") > new  # the new clause, under its report
    assert text.index("常州南站") < old
    buttons = [b.key for b in at.button if b.key and b.key.startswith("show_")]
    assert buttons == [f"show_{d}" for d in load_catalog().links.directives_of(SOUTH_STATION)
                       if d.startswith(second)] + ["show_modern.3"]


def test_the_directives_page_has_a_timeline_of_meetings(second):
    at = _app().run()
    at.switch_page("pages/directives.py").run()
    assert not at.exception
    meetings = at.dataframe[0].value
    assert list(meetings.iloc[:, 0]) == [SECOND_DATE, "2023"]  # newest first
    assert list(meetings.iloc[:, 3]) == [7, 32]
    assert meetings.iloc[0, 1] == SECOND_TITLE
    # the newest report opens by default, its clauses by theme (the context tab too)
    assert at.query_params["report"] == second
    shown = [b.key for b in at.button if b.key and b.key.startswith("show_")]
    assert len(shown) == 7 and all(k.startswith(f"show_{second}/") for k in shown)
    # what is said of the 2023 report's text (reading aids, garbled spans) is said of it alone
    note_2023 = t("dir.intro.2023", "zh-Hans")
    assert note_2023 not in [c.value for c in at.caption]
    at = at.selectbox(key="dir_report").set_value(BUILTIN_ID).run()
    assert at.query_params["report"] == BUILTIN_ID
    assert note_2023 in [c.value for c in at.caption]
    assert len([b for b in at.button if b.key and b.key.startswith("show_")]) == 32
    timeline = at.dataframe[1].value
    row = timeline[timeline.iloc[:, 0] == "常州南站"]
    assert list(row.iloc[0, 1:]) == [1, 1]  # 2023, then 2024-05-20


def test_present_steps_through_the_new_reports_agenda(second):
    app = _app()
    app.query_params["report"] = second
    app.run()
    at = app.switch_page("pages/present.py").run()
    assert not at.exception
    agenda = build_agenda(load_catalog().report(second).meeting)
    assert [s.kind for s in agenda] == ["title", "theme", "clause", "theme", "clause", "theme",
                                       "clause", "overview"]
    captions = []
    for i, step in enumerate(agenda):
        assert f"{i + 1} / {len(agenda)}" in _step(at)
        captions.append(_caption(at))
        if step.kind == "clause":
            focus = {f for f, s in map_feature_states(at).items() if s == "focus"}
            assert focus == set(load_catalog().links.features_of(step.directive))
        if i < len(agenda) - 1:
            at = at.button(key="present_next").click().run()
    assert "要加快常州南站" in captions[2] and "西太湖科技产业园" in captions[4]
    assert f"{SECOND_DATE} · {SECOND_TITLE}" in captions[0]
    # the chooser: the 2023 report's agenda from its first step
    at = at.selectbox(key="present_report_sel").set_value(BUILTIN_ID).run()
    assert f"1 / {len(build_agenda(load_catalog().report(BUILTIN_ID).meeting))}" in _step(at)
    assert at.query_params["report"] == BUILTIN_ID


def _step(at) -> str:
    return present_count(at)


def _caption(at) -> str:
    bodies = [h.proto.body for h in at.get("html")
              if h.proto.body.startswith('<div class="lh-present-caption">')]
    return html.unescape(re.sub(r"<[^>]+>", "", bodies[0]))
