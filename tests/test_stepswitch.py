"""stepswitch: Present's whole agenda drawn once, each step's states carried for the browser.

The truth each step is checked against is the one-step drawing the page made before (and still
makes when the agenda cannot be switched): ``mapview.feature_groups`` of that step's selection.
"""

from __future__ import annotations

import json

import pytest
from apptest_helpers import map_layers, step_tables
from streamlit_folium import _get_feature_group_string

from lianghu_map.agenda import build_agenda, step_selection
from lianghu_map.catalog import load_catalog
from lianghu_map.compact import BIG_LAYER
from lianghu_map.labels import LabelLayer
from lianghu_map.mapview import base_map, feature_groups
from lianghu_map.selection import MapSelection
from lianghu_map.stepswitch import StepPage, agenda_groups

CAT = load_catalog()
AGENDA = build_agenda(CAT.meeting)
SELECTIONS = [step_selection(s, CAT.features, CAT.links, CAT.meeting) for s in AGENDA]
PAGES = [StepPage(f"caption {i}", f"count {i}", f"legend {i}") for i in range(len(AGENDA))]


def _script(groups) -> str:
    m = base_map("none")
    return "".join(_get_feature_group_string(g, m, i) for i, g in enumerate(groups))


def _one_step(sel: MapSelection) -> list:
    """The groups the page drew for one step before (the truth for that step)."""
    return feature_groups(CAT.features, sel, "zh-Hans", None, CAT.layers, basemap="none")


def _styles_by_part(script: str, zs: dict | None = None, order: list[str] | None = None
                    ) -> dict:
    """(feature id, part id) → the Leaflet style it is drawn with: as written (one-step
    drawing), or for a step's ``zs`` (the switch's tables)."""
    out = {}
    for n, (styles, data) in enumerate(map_layers(script)):
        for k, f in enumerate(data["features"]):
            z = f["properties"]["z"] if zs is None else zs[order[n]][k]
            if not styles[z].get("hidden"):  # a hidden feature is off the map: not drawn
                out[(f["properties"]["feature_id"], f["id"])] = styles[z]
    return out


def _step_labels(tables: dict, i: int) -> list[list[int]]:
    """[rank, dimmed] of every label step ``i`` places (a hidden feature's, dimmed 2, never)."""
    return [x for lid in tables["order"] for x in tables["steps"][i]["lab"].get(lid, [])
            if x[1] != 2]


def _labels(groups) -> list[list[int]]:
    """[rank, dimmed] of every label, layer by layer, as the one-step drawing writes them."""
    out = []
    for g in groups:
        for child in g._children.values():
            if isinstance(child, LabelLayer):
                out.extend([it[3], it[13]] for it in json.loads(child.items))
    return out


@pytest.fixture(scope="module")
def switched():
    groups = agenda_groups(CAT.features, SELECTIONS, PAGES, "zh-Hans", CAT.layers, basemap="none")
    assert groups is not None
    script = _script(groups)
    return script, step_tables(script)


def test_every_step_draws_what_the_one_step_drawing_draws(switched):
    script, tables = switched
    assert len(tables["steps"]) == len(AGENDA) == 33
    for i, sel in enumerate(SELECTIONS):
        want = _styles_by_part(_script(_one_step(sel)))
        got = _styles_by_part(script, zs=tables["steps"][i]["z"], order=tables["order"])
        assert got == want, AGENDA[i].key


def test_every_steps_labels_rank_and_dim_as_the_one_step_drawing(switched):
    tables = switched[1]
    for i, sel in enumerate(SELECTIONS):
        assert _step_labels(tables, i) == _labels(_one_step(sel)), AGENDA[i].key


def test_every_step_fits_what_the_one_step_drawing_fits(switched):
    tables = switched[1]
    for i, sel in enumerate(SELECTIONS):
        one = _script(_one_step(sel))
        at = one.find("window.__lh_fit_bounds = ")
        want = None if at < 0 else json.JSONDecoder().raw_decode(one[at + 25:])[0]
        assert tables["steps"][i]["fit"] == want, AGENDA[i].key


def test_the_map_script_is_the_same_at_every_step(switched):
    """What makes the server's rerun after a step cost the browser nothing: streamlit-folium
    compares the script and evaluates it only when it changed."""
    script, _tables = switched
    again = agenda_groups(CAT.features, SELECTIONS, PAGES, "zh-Hans", CAT.layers, basemap="none")
    assert _script(again) == script
    assert "fitBounds([[" not in script  # no step's fit in the groups: the switch fits


def test_a_feature_one_step_does_not_draw_is_hidden_in_it():
    shown = tuple(CAT.features.index)
    fewer = [MapSelection(shown[:-1], ()), MapSelection(shown, ())]
    script = _script(agenda_groups(CAT.features, fewer, PAGES[:2], "en", CAT.layers,
                                   basemap="none"))
    tables = step_tables(script)
    last = shown[-1]
    for i, sel in enumerate(fewer):
        want = _styles_by_part(_script(_one_step(sel)))
        assert _styles_by_part(script, zs=tables["steps"][i]["z"], order=tables["order"]) == want
    # drawn in the data (the first step's states), hidden there: the browser takes it off
    states = {f["properties"]["feature_id"]:
              (styles[f["properties"]["z"]], f["properties"]["state"])
              for styles, data in map_layers(script) for f in data["features"]}
    assert states[last][1] == "hidden" and states[last][0]["hidden"] is True
    assert _step_labels(tables, 0) != _step_labels(tables, 1)


def test_no_switch_when_a_layer_is_big():
    big = CAT.layers[0]
    many = CAT.features.loc[[CAT.features.index[0]] * (BIG_LAYER + 1)].copy()
    many.index = [f"big.{i}" for i in range(len(many))]
    many["feature_id"] = many.index
    many["layer_id"] = big.id
    sel = [MapSelection(tuple(many.index), ())] * 2
    assert agenda_groups(many, sel, PAGES[:2], "en", (big,), basemap="none") is None


def test_the_page_texts_cannot_close_the_script():
    hostile = '</script><img src=x onerror="alert(1)">&'
    pages = [StepPage(hostile, hostile, hostile)] * len(AGENDA)
    groups = agenda_groups(CAT.features, SELECTIONS, pages, "en", CAT.layers, basemap="none")
    script = _script(groups)
    assert "</script>" not in script and "<img" not in script
    assert step_tables(script)["steps"][0]["caption"] == hostile  # the text itself, intact


# -- the Map page: each clause, and each theme set one theme away --------------------------

THEME_KEYS = list(dict.fromkeys(d.theme for d in CAT.meeting.directives))


def _map_groups(themes: tuple[str, ...], directive: str | None = None):
    """choice_groups as the Map page makes them for ``themes`` (and ``directive``)."""
    from dataclasses import replace

    from lianghu_map.selection import MapFilter, select
    from lianghu_map.stepswitch import ThemeChoices, choice_groups

    flt = MapFilter(themes=themes, directive=directive)
    choices = ["", *(d.id for d in CAT.meeting.directives if not themes or d.theme in themes)]
    sels = [select(CAT.features, CAT.links, CAT.meeting, replace(flt, directive=c or None))
            for c in choices]
    sets, tsels = [], []
    for theme in THEME_KEYS:
        other = tuple(k for k in THEME_KEYS if (k in themes) != (k == theme))
        sets.append(other)
        tsels.append(select(CAT.features, CAT.links, CAT.meeting, replace(flt, themes=other)))
    themed = ThemeChoices("f_themes", "theme", THEME_KEYS, [f"L{k}" for k in THEME_KEYS],
                          themes, sets, tsels)
    groups = choice_groups(CAT.features, sels, choices, choices, "directive", "f_directive",
                           "zh-Hans", CAT.layers, basemap="none", themes=themed)
    return groups, sets, tsels


@pytest.mark.parametrize("themes", [(), (THEME_KEYS[0],), tuple(THEME_KEYS[:2])])
def test_every_theme_set_one_away_draws_what_its_own_drawing_draws(themes):
    groups, sets, sels = _map_groups(themes)
    script = _script(groups)
    tables = step_tables(script)
    th = tables["themes"]
    assert len(sets) == len(THEME_KEYS) and th["first"] + len(sets) == len(tables["steps"])
    assert th["current"] == ",".join(str(THEME_KEYS.index(k)) for k in themes)
    assert th["labels"] == {f"L{k}": k for k in THEME_KEYS}
    for j, (other, sel) in enumerate(zip(sets, sels, strict=True)):
        assert abs(len(other) - len(themes)) == 1
        i = th["first"] + j
        assert th["sets"][j] == ",".join(str(THEME_KEYS.index(k)) for k in other)
        want = _styles_by_part(_script(_one_step(sel)))
        assert _styles_by_part(script, zs=tables["steps"][i]["z"], order=tables["order"]) == want
        assert _step_labels(tables, i) == _labels(_one_step(sel)), other
        one = _script(_one_step(sel))
        at = one.find("window.__lh_fit_bounds = ")
        fit = None if at < 0 else json.JSONDecoder().raw_decode(one[at + 25:])[0]
        assert tables["steps"][i]["fit"] == fit, other
    # a theme narrows the map: some feature is hidden in some step, none in the unfiltered one
    hidden = [i for i, step in enumerate(tables["steps"])
              if any(tables["kinds"][lid][z] == "hidden" for lid, zs in step["z"].items()
                     for z in zs)]
    assert hidden
    if len(themes) == 1:
        assert th["first"] + sets.index(()) not in hidden


def test_the_theme_tables_name_the_url_slugs():
    from lianghu_map.meeting.directives import THEMES

    th = step_tables(_script(_map_groups(())[0]))["themes"]
    assert th["url"] == "theme" and th["widget"] == "f_themes"
    assert {th["slugs"][t.slug] for t in THEMES if t.key in THEME_KEYS} <= set(THEME_KEYS)
