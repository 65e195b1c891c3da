"""AppTest: the Present page steps through the whole agenda in every language, and each step hands
the map exactly its clause's features (highlighted), the rest dimmed."""

import html
import re

import pytest
from apptest_helpers import (
    LANGS,
    map_args,
    map_feature_states,
    present_count,
    present_step,
    step_tables,
)

from lianghu_map.agenda import build_agenda, step_features
from lianghu_map.assets import assert_local_assets
from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import kind_label, status_label
from lianghu_map.meeting.directives import THEMES
from lianghu_map.meeting.text import to_simplified

CAT = load_catalog()
AGENDA = build_agenda(CAT.meeting)
ALL_IDS = set(CAT.features.index)


def _present(app, lang="zh-Hans", query=None):
    app.session_state["lang"] = lang
    for k, v in (query or {}).items():
        app.query_params[k] = v
    app.run()
    return app.switch_page("pages/present.py").run()


def _caption(at) -> str:
    """The caption block's text (tags stripped, entities decoded)."""
    bodies = [h.proto.body for h in at.get("html")
              if h.proto.body.startswith('<div class="lh-present-caption">')]
    assert len(bodies) == 1, f"expected one caption, found {len(bodies)}"
    return html.unescape(re.sub(r"<[^>]+>", "", bodies[0]))


def _step_label(at) -> str:
    return present_count(at)


INTERNAL_ID = re.compile(r"[a-z]+\.\d+")  # a directive's id (modern.3): never for an audience
CLAUSE_NO = {"zh-Hans": "{theme} · 第{n}条", "zh-Hant": "{theme} · 第{n}條",
             "en": "{theme} · clause {n}"}
THEME_WORD = {th.key: {"zh-Hans": to_simplified(th.key), "zh-Hant": th.key, "en": th.en}
              for th in THEMES}


def _legend_rows(at) -> list[str]:
    """The rows of the step's legend over the map (tags stripped)."""
    bodies = [h.proto.body for h in at.get("html")
              if h.proto.body.startswith('<div class="lh-present-legend"')]
    assert len(bodies) <= 1
    rows = re.findall(r'<div class="lh-legend-row"[^>]*>(.*?)</div>', bodies[0]) if bodies else []
    return [html.unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]


def _expected_legend(step, lang) -> set[tuple]:
    """(kind, status) labels of what the step is about: its features, the zone of a clause
    (or theme) with none, everything at the title and the overview."""
    ids = step_features(step, CAT.links, CAT.meeting)
    if step.kind in ("clause", "theme") and not ids:
        ids = ["zone.lianghu"]
    from lianghu_map.style import geometry_family, is_schematic

    rows = CAT.features.loc[ids] if ids else CAT.features
    # one legend row per kind, status, geometry family and schematic or not (style.py)
    return {(kind_label(k, lang), status_label(s, lang), geometry_family(gt),
             is_schematic(b, gt))
            for k, s, b, gt in zip(rows["kind"], rows["status"], rows["basis"], rows.geom_type,
                                   strict=True)}


def test_agenda_shape():
    kinds = [s.kind for s in AGENDA]
    assert kinds[0] == "title" and kinds[-1] == "overview"
    themes = [s.theme for s in AGENDA if s.kind == "theme"]
    assert themes == [th.key for th in THEMES if th.key != "context"]  # the six, in order
    clauses = [s.directive for s in AGENDA if s.kind == "clause"]
    assert clauses == [d.id for th in themes for d in CAT.meeting.by_theme(th)]
    assert len(AGENDA) == 1 + 6 + 25 + 1


@pytest.mark.parametrize("lang", LANGS)
def test_every_step_in_every_language(app, lang):
    at = _present(app, lang)
    seen_captions = set()
    for i, step in enumerate(AGENDA):
        assert not at.exception, (step.key, at.exception)
        states = map_feature_states(at)
        assert set(states) == ALL_IDS, step.key  # every feature drawn: the step's lit, rest dim
        focus = {f for f, s in states.items() if s == "focus"}
        assert focus == set(step_features(step, CAT.links, CAT.meeting)), step.key
        if step.kind == "clause":
            assert focus == set(CAT.links.features_of(step.directive)), step.key
            assert {s for f, s in states.items() if f not in focus} == {"context"}
            d = CAT.meeting.get(step.directive)
            assert d.text(lang) in _caption(at), step.key
            # the clause named in words: its theme and its number (the id's, modern.3 → 3)
            clause_no = CLAUSE_NO[lang].format(theme=THEME_WORD[d.theme][lang],
                                               n=d.id.split(".")[1])
            assert clause_no in _caption(at), (step.key, _caption(at)[:80])
        elif step.kind in ("title", "overview"):
            assert set(states.values()) == {"normal"}
        number = {"en": f"Step {i + 1} of {len(AGENDA)}"}.get(lang, f"{i + 1} / {len(AGENDA)}")
        assert number in _step_label(at)
        # no internal id in what the audience reads (caption, step label)
        assert not INTERNAL_ID.search(_caption(at)), (step.key, _caption(at))
        assert not INTERNAL_ID.search(_step_label(at)), (step.key, _step_label(at))
        # the legend lists exactly the kinds (and statuses) the step shows
        legend = _legend_rows(at)
        expected = _expected_legend(step, lang)
        assert len(legend) == len(expected), (step.key, legend, expected)
        for kind, status, *_ in expected:
            assert any(kind in r and status in r for r in legend), (step.key, kind, status)
        seen_captions.add(_caption(at))
        if i < len(AGENDA) - 1:
            at = at.button(key="present_next").click().run()
    assert len(seen_captions) == len(AGENDA)  # every step has its own caption
    assert at.button(key="present_next").disabled
    assert at.query_params["step"] == str(len(AGENDA))


def test_clause_with_no_feature_shows_the_zone(app):
    i = next(i for i, s in enumerate(AGENDA) if s.kind == "clause"
             and not CAT.links.features_of(s.directive))
    at = _present(app, "en", {"step": str(i + 1)})
    assert not at.exception
    assert "whole zone" in _caption(at)
    minx, miny, maxx, maxy = (round(float(v), 5)
                              for v in CAT.features.loc[["zone.lianghu"]].total_bounds)
    fit = step_tables(map_args(at)["feature_group"])["steps"][present_step(at)]["fit"]
    assert fit == [[miny, minx], [maxy, maxx]]


def test_the_title_and_overview_fit_the_zone_and_every_planning_feature():
    """Not the zone alone (on a phone, portrait, that left the metro stations east of it out
    of view), nor the districts and lakes around it (all of Changzhou)."""
    from lianghu_map.agenda import step_selection
    from lianghu_map.layers import LAYERS

    base = {spec.id for spec in LAYERS if spec.base}
    for kind in ("title", "overview"):
        step = next(s for s in AGENDA if s.kind == kind)
        fit = set(step_selection(step, CAT.features, CAT.links, CAT.meeting).fit)
        planned = set(CAT.features.index[~CAT.features["layer_id"].isin(base)])
        assert fit == planned | {"zone.lianghu"}, kind
        assert "station.nanxiashu" in fit and "district.liyang" not in fit


def test_prev_first_last_and_deep_link(app):
    at = _present(app, "zh-Hans", {"step": "5"})
    assert "5 / 33" in _step_label(at)
    at = at.button(key="present_prev").click().run()
    assert "4 / 33" in _step_label(at)
    at = at.button(key="present_last").click().run()
    assert f"{len(AGENDA)} / {len(AGENDA)}" in _step_label(at)
    at = at.button(key="present_first").click().run()
    assert "1 / 33" in _step_label(at)
    assert at.button(key="present_prev").disabled and at.button(key="present_first").disabled


@pytest.mark.parametrize("bad", ["0", "999", "x", "-3"])
def test_bad_step_parameter_is_clamped(app, bad):
    at = _present(app, "en", {"step": bad})
    assert not at.exception
    assert re.search(r"Step \d+ of 33", _step_label(at))


def test_language_switch_on_the_page(app):
    at = _present(app, "zh-Hans", {"step": "3"})
    at.get("button_group")[0].set_value("en").run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert "Step 3 of 33" in _step_label(at)
    d = CAT.meeting.get(AGENDA[2].directive)
    assert d.en in _caption(at)


def test_present_map_is_offline_ready_and_ignores_arrow_keys(app):
    at = _present(app, "zh-Hans", {"basemap": "none"})
    args = map_args(at)
    assert_local_assets(args["js_links"] + args["css_links"])
    assert "tile.openstreetmap.org" not in args["script"]
    assert '"keyboard": false' in args["script"]
    labels = [b.label for b in at.get("download_button")]
    # HTML, PNG, PDF A4, PDF A3, GeoJSON, CSV: in the bar's popover, and in the phone's menu
    assert len(labels) == 12 and len(set(labels)) == 6


def test_the_step_box_moves_the_page_to_the_step_the_browser_shows(app):
    """The map's own switch (lianghu_map.stepswitch) shows a step and writes it in the hidden
    step box: the page draws that step (absolute: quick presses add up)."""
    at = _present(app, "zh-Hans", {"step": "4"})
    at = at.text_input(key="present_goto").input("9").run()
    assert "9 / 33" in _step_label(at) and present_step(at) == 8
    assert at.query_params["step"] == "9"
    assert map_feature_states(at) == _one_step_states(8)
    at = at.text_input(key="present_goto").input("3").run()  # back: absolute as well
    assert "3 / 33" in _step_label(at)
    for bad in ("x", "0", "999", "²", "-1"):
        at = at.text_input(key="present_goto").input(bad).run()
        assert not at.exception and re.search(r"\d+ / 33", _step_label(at))


def _one_step_states(i: int) -> dict[str, str]:
    from lianghu_map.agenda import step_selection
    from lianghu_map.mapview import state_map

    return state_map(step_selection(AGENDA[i], CAT.features, CAT.links, CAT.meeting))
