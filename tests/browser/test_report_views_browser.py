"""Real browser (issue 17, acceptance 4 — the reading side): with a second meeting report stored,
a click on 常州南站 lists the clauses of both reports in the side panel, newest first under each
report's date and title; Present steps through the new report's agenda."""

from __future__ import annotations

from browser_helpers import map_frame, wait_for_app
from report_fixtures import (
    SECOND_DATE,
    SECOND_TITLE,
    SOUTH_STATION,
    second_report,
    store_second_report,
)
from test_map_browser import _free_spot, _move_to

from lianghu_map.agenda import build_agenda
from lianghu_map.meeting.view import clause_ids, meeting_view
from lianghu_map.store import open_store


def _server(serve, tmp_path_factory) -> tuple[str, str]:
    var = tmp_path_factory.mktemp("var")
    rid = store_second_report(open_store(var)).report_id
    return serve(LIANGHU_VAR=str(var), LIANGHU_LOCAL_MODE=""), rid


def test_clicked_station_lists_both_meetings_newest_first(page, serve, tmp_path_factory):
    url, _ = _server(serve, tmp_path_factory)
    page.goto(f"{url}/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    lat, lng = _free_spot(SOUTH_STATION)
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 14)")
    page.wait_for_timeout(400)
    x, y = _move_to(page, frame, lat, lng)
    page.mouse.click(x, y)
    page.locator(".lh-report").nth(1).wait_for()
    headings = page.locator(".lh-report").all_inner_texts()
    assert headings[0].startswith(f"{SECOND_DATE} · {SECOND_TITLE}")
    assert headings[1].startswith("2023 · ")
    body = page.locator("[data-testid='stMain']").inner_text()
    new, old = body.index(headings[0].split("\n")[0]), body.index(headings[1].split("\n")[0])
    assert new < body.index("要加快常州南站综合客运枢纽建设") < old  # its clause under it
    assert body.index("常州南站", old) > old  # and the 2023 clause under the 2023 heading
    assert page.offline.external == []


def test_present_steps_through_the_new_agenda(page, serve, tmp_path_factory):
    url, rid = _server(serve, tmp_path_factory)
    report = second_report()
    meeting = meeting_view(report, clause_ids(report, rid))
    agenda = build_agenda(meeting)
    page.goto(f"{url}/present?basemap=none&report={rid}")
    wait_for_app(page)
    map_frame(page)
    for n, step in enumerate(agenda, 1):
        page.get_by_text(f"第 {n} / {len(agenda)} 步").wait_for()
        wait_for_app(page)
        if step.kind == "clause":
            text = meeting.get(step.directive).text("zh-Hans")[:12]
            page.wait_for_function("t => document.querySelector('.lh-present-caption')"
                                   ".innerText.includes(t)", arg=text)
        if n < len(agenda):
            page.keyboard.press("PageDown")
    assert len(agenda) == 8
    assert page.offline.external == []
