"""Helpers for AppTest: read what a page handed to the st_folium component."""

from __future__ import annotations

import html
import json
import re

from streamlit.testing.v1 import AppTest

LANGS = ("zh-Hans", "zh-Hant", "en")


def map_args(at: AppTest) -> dict:
    """The st_folium component's arguments in the last run."""
    comps = [c for c in at.get("component_instance")
             if c.proto.component_name == "streamlit_folium.st_folium"]
    assert len(comps) == 1, f"expected one map, found {len(comps)}"
    return json.loads(comps[0].proto.json_args)


def map_feature_ids(at: AppTest) -> set[str]:
    """Feature ids on the map (the dynamic feature groups' GeoJSON; of a switching map, those
    of the step the page drew: not its hidden ones)."""
    return set(map_feature_states(at))


def map_feature_states(at: AppTest) -> dict[str, str]:
    """feature id → drawing state (normal, context, focus, selected) of the features on the
    map.  A switching map (lianghu_map.stepswitch: Present's steps, the Map page's choices)
    carries every step: the states of the step the page drew, its hidden features left out."""
    fg = map_args(at)["feature_group"] or ""
    tables = step_tables(fg)
    if tables is None:
        return dict(re.findall(r'"feature_id": ?"([^"]+)", ?"state": ?"([a-z]+)"', fg))
    step = tables["steps"][drawn_choice(at, tables)]
    out = {}
    for lid, (_styles, data) in zip(tables["order"], map_layers(fg), strict=True):
        kinds = tables["kinds"][lid]
        for feature, z in zip(data["features"], step["z"][lid], strict=True):
            if kinds[z] != "hidden":  # off the map in this step
                out[feature["properties"]["feature_id"]] = kinds[z]
    return out


def step_tables(script: str) -> dict | None:
    """The per-step tables of a Present map (``stepswitch.StepSwitch``), if it has them."""
    at = script.find("const T = ")
    return None if at < 0 else json.JSONDecoder().raw_decode(script[at + 10:])[0]


def drawn_choice(at: AppTest, tables: dict) -> int:
    """Which of a switching map's tables the page drew: a filter's choice (its widget's value),
    else the Present page's step."""
    choice = tables.get("choice")
    if choice is None:
        return present_step(at)
    return choice["options"].index(at.session_state[choice["widget"]] or "")


def map_fit(at: AppTest) -> list | None:
    """The bounds the map is fitted to in the last run (None: the view stays)."""
    fg = map_args(at)["feature_group"] or ""
    tables = step_tables(fg)
    if tables is not None:
        return tables["steps"][drawn_choice(at, tables)]["fit"]
    at_ = fg.find("window.__lh_fit_bounds = ")
    return None if at_ < 0 else json.JSONDecoder().raw_decode(fg[at_ + 25:])[0]


def present_step(at: AppTest) -> int:
    """The step (0-based) the Present page drew: its counter's ``data-step``."""
    steps = [int(m.group(1)) for h in at.get("html")
             if (m := re.search(r'class="lh-present-count" data-step="(\d+)"', h.proto.body))]
    assert len(steps) == 1, f"expected one step counter, found {len(steps)}"
    return steps[0]


def present_count(at: AppTest) -> str:
    """The Present page's step counter as read ("第 3 / 33 步 · 生态"): tags stripped."""
    bodies = [h.proto.body for h in at.get("html") if 'class="lh-present-count"' in h.proto.body]
    assert len(bodies) == 1, f"expected one step counter, found {len(bodies)}"
    return html.unescape(re.sub(r"<[^>]+>", "", bodies[0]))


def map_layers(script: str) -> list[tuple[list[dict], dict]]:
    """(styles, FeatureCollection) of every ``mapview.VectorLayer`` in a rendered map script."""
    decoder = json.JSONDecoder()
    out = []
    for chunk in script.split("const styles = ")[1:]:
        styles, _ = decoder.raw_decode(chunk)
        marker = "const data = " if "const data = " in chunk else "L.geoJSON("
        start = chunk.index(marker) + len(marker)
        out.append((styles, decoder.raw_decode(chunk[start:])[0]))
    return out


def no_errors(at: AppTest) -> AppTest:
    """``at``, after checking its run raised nothing and showed no error message."""
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at
