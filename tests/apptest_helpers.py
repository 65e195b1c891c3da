"""Helpers for AppTest: read what a page handed to the st_folium component."""

from __future__ import annotations

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
    """Feature ids handed to the map (the dynamic feature groups' GeoJSON)."""
    return set(re.findall(r'"feature_id": ?"([^"]+)"', map_args(at)["feature_group"] or ""))


def map_feature_states(at: AppTest) -> dict[str, str]:
    """feature id → drawing state (normal, context, focus, selected)."""
    fg = map_args(at)["feature_group"] or ""
    return dict(re.findall(r'"feature_id": ?"([^"]+)", ?"state": ?"([a-z]+)"', fg))


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
