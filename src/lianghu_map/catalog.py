"""Everything the pages show, loaded once per process: the meeting, gazetteer, features, links."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd

from .directives import Meeting, load_meeting
from .gazetteer import Gazetteer, load_gazetteer
from .layers import load_builtin_features
from .links import LinkTable, build_links

__all__ = ["Catalog", "load_catalog"]


@dataclass(frozen=True)
class Catalog:
    meeting: Meeting
    gazetteer: Gazetteer
    features: gpd.GeoDataFrame  # read-only: copy before changing
    links: LinkTable


@cache
def load_catalog() -> Catalog:
    meeting, gazetteer, features = load_meeting(), load_gazetteer(), load_builtin_features()
    kinds = dict(zip(features.index, features["kind"], strict=True))
    links = build_links(meeting, gazetteer, kinds)
    return Catalog(meeting, gazetteer, features, links)
