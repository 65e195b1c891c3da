"""Real browser (issue 18, Build 1): a clause chosen in the Map's sidebar shows on the map at the
click, before the page's rerun (lianghu_map.stepswitch), and the rerun then draws the same.

The truth for each choice: ``select`` with that clause and the other filters as they are
(``mapview.state_map`` of it), what the one-choice drawing draws.
"""

from __future__ import annotations

import pytest
from browser_helpers import map_frame, pick_option, server_paused, wait_for_app

from lianghu_map.catalog import load_catalog
from lianghu_map.mapview import state_map
from lianghu_map.panels import directive_title
from lianghu_map.selection import MapFilter, select

CAT = load_catalog()
LAYERS = tuple(spec.id for spec in CAT.layers)


def _truth(directive: str | None, themes: tuple[str, ...] = ()) -> dict[str, str]:
    flt = MapFilter(layers=LAYERS, themes=themes, directive=directive)
    return state_map(select(CAT.features, CAT.links, CAT.meeting, flt))


def _title(directive_id: str) -> str:
    return directive_title(CAT.meeting.get(directive_id), "zh-Hans", CAT.meeting.themes)


# click an option of the open select box and read the map's states in the same task (no
# message from the server can come in between)
_CLICK_AND_READ = """(title) => {
  const opt = [...document.querySelectorAll('[role="option"]')]
    .find((o) => o.innerText.trim() === title);
  if (!opt) return null;
  opt.click();
  const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]').contentWindow;
  const states = {};
  for (const l of Object.values(f.map._layers))
    if (l.feature) states[l.feature.properties.feature_id] = l.feature.properties.state;
  return states;
}"""
_READ = "() => { " + _CLICK_AND_READ.split("opt.click();")[1].rsplit("}", 1)[0] + "}"


def _choose_and_read(page, title: str) -> dict[str, str] | None:
    box = page.locator(".st-key-f_directive input[role=combobox]")
    box.scroll_into_view_if_needed()
    wait_for_app(page)
    box.click()
    box.fill(title.split(" · ")[-1][:8])  # the list is virtual: only what is typed for shows
    page.locator("[role='option']").filter(has_text=title).first.wait_for()
    return page.evaluate(_CLICK_AND_READ, title)


@pytest.mark.parametrize("directive", ["innovate.2", "modern.3", "vitality.4"])
def test_a_clause_shows_at_the_click_as_the_rerun_then_draws_it(page, server, directive):
    page.goto(f"{server}/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    page.wait_for_timeout(800)
    frame.evaluate("Object.values(window.map.__lhVec)[0].main.__lhMarker = 'same layers'")
    now = _choose_and_read(page, _title(directive))
    assert now == _truth(directive)  # at the click, before any answer from the server
    page.wait_for_function(f"location.search.includes('directive={directive}')")
    wait_for_app(page)
    assert page.evaluate(_READ) == _truth(directive)  # the rerun drew the same
    # the map's script was not evaluated again: the same layers
    assert frame.evaluate("Object.values(window.map.__lhVec)[0].main.__lhMarker") == \
        "same layers"
    # back to every clause: all drawn normally, at the click again
    assert _choose_and_read(page, "（全部）") == _truth(None)
    page.wait_for_function("!location.search.includes('directive=')")
    wait_for_app(page)
    assert page.evaluate(_READ) == _truth(None)
    assert page.offline.external == []


def test_with_a_theme_filter_the_clauses_switch_too(page, server):
    page.goto(f"{server}/?basemap=none")
    wait_for_app(page)
    map_frame(page)
    pick_option(page, "f_themes", "生态", exact=False)
    page.keyboard.press("Escape")
    wait_for_app(page)
    page.wait_for_function("location.search.includes('theme=')")
    ecology = next(d for d in CAT.meeting.directives if d.theme == "生態"
                   and CAT.links.features_of(d.id))
    now = _choose_and_read(page, _title(ecology.id))
    assert now == _truth(ecology.id, ("生態",))
    wait_for_app(page)
    page.wait_for_function(f"location.search.includes('directive={ecology.id}')")
    wait_for_app(page)
    assert page.evaluate(_READ) == _truth(ecology.id, ("生態",))


# -- themes: one added or taken away in the theme box shows before the server answers --------

def _theme_box(page):
    box = page.locator(".st-key-f_themes input[role=combobox]")
    box.scroll_into_view_if_needed()
    wait_for_app(page)
    return box


def _add_theme(page, server, label: str) -> dict[str, str]:
    """Type ``label`` in the theme box and commit it (Enter) while the server is stopped: the
    map's states then are the browser's own doing."""
    box = _theme_box(page)
    box.click()
    box.fill(label)
    page.locator("[role='option']").filter(has_text=label).first.wait_for()
    with server_paused(server):
        box.press("Enter")
        now = page.evaluate(_READ)
        page.keyboard.press("Escape")
    return now


def _remove_last_theme(page, server) -> dict[str, str]:
    box = _theme_box(page)
    box.click()
    with server_paused(server):
        box.press("Backspace")
        now = page.evaluate(_READ)
        page.keyboard.press("Escape")
    return now


def _settled(page, test: str) -> dict[str, str]:
    page.wait_for_function(test)
    wait_for_app(page)
    page.wait_for_timeout(300)
    return page.evaluate(_READ)


def test_a_theme_shows_at_the_key_press_and_the_rerun_draws_the_same(page, server):
    page.goto(f"{server}/?basemap=none")
    wait_for_app(page)
    map_frame(page)
    page.wait_for_timeout(800)
    every = _truth(None)
    assert page.evaluate(_READ) == every
    ecology = _truth(None, ("生態",))
    assert set(ecology) < set(every)  # the theme takes features off the map
    assert _add_theme(page, server, "生态") == ecology  # before the server heard of it
    assert _settled(page, "location.search.includes('theme=')") == ecology
    # a second theme, from a map the server drew for the first
    both = _truth(None, ("生態", "宜居"))
    assert _add_theme(page, server, "宜居") == both
    assert _settled(page, "location.search.includes('%2C') || location.search.includes(',')") \
        == both
    # taken away again, one by one
    assert _remove_last_theme(page, server) == ecology
    assert _settled(page, "!location.search.includes(',') && !location.search.includes('%2C')"
                    ) == ecology
    assert _remove_last_theme(page, server) == every
    assert _settled(page, "!location.search.includes('theme=')") == every
    # a hidden feature is off the map: nothing of it to hover or click
    hidden = sorted(set(every) - set(ecology))
    assert hidden
    assert page.offline.external == []


def test_with_a_clause_chosen_a_theme_waits_for_the_server(page, server):
    """The theme steps are drawn with no clause chosen (a clause chosen leaves the map's script
    as it is): with one, the map keeps its states until the server draws the new themes."""
    ecology = next(d for d in CAT.meeting.directives if d.theme == "生態"
                   and CAT.links.features_of(d.id))
    page.goto(f"{server}/?basemap=none&directive={ecology.id}")
    wait_for_app(page)
    map_frame(page)
    page.wait_for_timeout(800)
    assert page.evaluate(_READ) == _truth(ecology.id)
    assert _add_theme(page, server, "生态") == _truth(ecology.id)  # as it was
    assert _settled(page, "location.search.includes('theme=')") == \
        _truth(ecology.id, ("生態",))
    assert f"directive={ecology.id}" in page.url
