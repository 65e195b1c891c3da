"""Shared fixtures: the app's root, AppTest factory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("zh-Hans", "zh-Hant", "en")


@pytest.fixture
def app() -> AppTest:
    """A fresh app (main script), not yet run."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


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
    return dict(re.findall(r'"feature_id": ?"([^"]+)", ?"tip": ?"(?:[^"\\]|\\.)*", ?'
                           r'"state": ?"([a-z]+)"', fg))
