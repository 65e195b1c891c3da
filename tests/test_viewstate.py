"""The Map page's view in the URL: round trip, defaults, and every ignored value reported."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianghu_map.analysis import ring_centres
from lianghu_map.basemaps import BASEMAPS
from lianghu_map.catalog import builtin_catalog
from lianghu_map.layers import LAYERS, STATUSES
from lianghu_map.meeting.directives import THEMES
from lianghu_map.viewstate import VIEW_KEYS, ViewProblem, ViewState, parse_view, view_query

CAT = builtin_catalog()
VOCABULARY = {
    "basemaps": BASEMAPS,
    "themes": tuple(theme.key for theme in THEMES),
    "directives": tuple(d.id for d in CAT.meeting.directives),
    "statuses": STATUSES,
    "layers": tuple(spec.id for spec in LAYERS),
    "features": tuple(CAT.features.index),
    "points": tuple(ring_centres(CAT.features)),
    "reports": ("meeting-2023", "rep-2024-05-20-abc123"),
}
RICH = ViewState(
    basemap="gaode",
    themes=("生態", "創新"),
    directive="ecology.2",
    statuses=("planned", "existing"),
    name="西太湖 站",
    hidden=("transit", "places"),
    selected="park.xitaihu",
    ring="hub.changzhou_south",
    centre=(31.66123, 119.74567),
    zoom=12,
    report="rep-2024-05-20-abc123",
    since=date(2023, 6, 1),
    until=date(2024, 12, 31),
)


def parse(params: dict[str, str]) -> tuple[ViewState, list[ViewProblem]]:
    return parse_view(params, **VOCABULARY)


def test_vocabulary_is_what_the_tests_assume():
    assert "hub.changzhou_south" in VOCABULARY["points"]
    assert "park.xitaihu" not in VOCABULARY["points"]  # a polygon: no rings around it
    assert "ecology.2" in VOCABULARY["directives"]


def test_rich_state_round_trip():
    query = view_query(RICH)
    assert query["theme"] == "ecology,innovate"  # slugs in the URL, not the keys
    assert query["basemap"] == "gaode"
    assert query["hide"] == "transit,places"
    assert query["status"] == "planned,existing"
    assert query["lat"] == "31.66123" and query["lon"] == "119.74567" and query["z"] == "12"
    assert query["report"] == "rep-2024-05-20-abc123"
    assert query["from"] == "2023-06-01" and query["to"] == "2024-12-31"
    assert set(query) == set(VIEW_KEYS)
    assert parse(query) == (RICH, [])


@pytest.mark.parametrize(("param", "value"), [
    ("report", "no-such-report"), ("report", "meeting-2023/x"), ("from", "2024-02-30"),
    ("from", "2024-5-1"), ("from", "1800-01-01"), ("to", "9999-12-31"), ("to", "yesterday"),
    ("to", "２０２４-01-01")])
def test_a_bad_report_or_day_is_reported_and_ignored(param, value):
    state, problems = parse({param: value})
    assert problems == [ViewProblem(param, value)]
    assert (state.report, state.since, state.until) == (None, None, None)


def test_defaults_are_plain():
    assert view_query(ViewState()) == {}
    assert view_query(ViewState(name="   ")) == {}
    assert parse({}) == (ViewState(), [])
    blank = dict.fromkeys(VIEW_KEYS, "  ")
    assert parse(blank) == (ViewState(), [])


def test_default_basemap_is_left_out():
    assert view_query(ViewState(basemap="gaode"), default_basemap="gaode") == {}
    assert view_query(ViewState(basemap="osm"), default_basemap="gaode") == {"basemap": "osm"}
    state, problems = parse_view({}, **{**VOCABULARY, "basemaps": ("none", "osm")})
    assert state.basemap == "none" and problems == []


def test_themes_by_key_or_slug():
    state, problems = parse({"theme": "生態"})
    assert state.themes == ("生態",) and problems == []
    state, problems = parse({"theme": " ecology , 生態,innovate,ecology "})
    assert state.themes == ("生態", "創新") and problems == []


def test_centre_is_formatted_with_five_decimals():
    query = view_query(ViewState(centre=(31.123456789, 119.987654321), zoom=7))
    assert query == {"lat": "31.12346", "lon": "119.98765", "z": "7"}
    assert parse(query)[0].centre == (31.12346, 119.98765)


@pytest.mark.parametrize(("param", "value"), [
    ("theme", "nonsense"),
    ("directive", "modern.99"),
    ("status", "demolished"),
    ("hide", "railways"),
    ("sel", "park.nowhere"),
    ("ring", "park.xitaihu"),  # a feature, but not a point that can centre rings
    ("ring", "nowhere"),
    ("basemap", "google"),
    ("basemap", "OSM"),
])
def test_unknown_values_are_reported_and_dropped(param, value):
    state, problems = parse({param: value})
    assert problems == [ViewProblem(param, value)]
    assert state == ViewState()


def test_good_values_kept_next_to_bad_ones():
    state, problems = parse({"theme": "ecology,bogus,創新", "status": "planned,gone",
                             "hide": "transit,nope,places", "directive": "ecology.2"})
    assert state.themes == ("生態", "創新")
    assert state.statuses == ("planned",)
    assert state.hidden == ("transit", "places")
    assert state.directive == "ecology.2"
    assert sorted(problems, key=lambda p: p.param) == [
        ViewProblem("hide", "nope"), ViewProblem("status", "gone"),
        ViewProblem("theme", "bogus")]


@pytest.mark.parametrize(("lat", "lon", "bad"), [
    ("28.9", "119.7", ["lat"]),
    ("34.1", "119.7", ["lat"]),
    ("31.6", "116.9", ["lon"]),
    ("31.6", "122.6", ["lon"]),
    ("-31.6", "119.7", ["lat"]),
    ("nan", "119.7", ["lat"]),
    ("31.6", "NaN", ["lon"]),
    ("inf", "119.7", ["lat"]),
    ("abc", "119.7", ["lat"]),
    ("31.6", "119,7", ["lon"]),
    ("119.7", "31.6", ["lat", "lon"]),  # swapped
    ("abc", "xyz", ["lat", "lon"]),
])
def test_bad_coordinates_are_reported(lat, lon, bad):
    state, problems = parse({"lat": lat, "lon": lon})
    assert state.centre is None
    reported = {p.param: p.value for p in problems}
    # the bad one is reported; a good one left alone means nothing and is reported too
    assert reported == {"lat": lat, "lon": lon}
    assert set(bad) <= set(reported)


@pytest.mark.parametrize("params", [{"lat": "31.66"}, {"lon": "119.74"}])
def test_one_coordinate_alone_is_reported(params):
    state, problems = parse(params)
    assert state.centre is None
    assert problems == [ViewProblem(k, v) for k, v in params.items()]


def test_centre_box_edges_are_inside():
    for lat, lon in (("29", "117"), ("34", "122.5"), (" 31.66 ", "119.74")):
        state, problems = parse({"lat": lat, "lon": lon})
        assert problems == []
        assert state.centre == (float(lat), float(lon))


@pytest.mark.parametrize("z", ["6", "19", "0", "-3", "12.5", "12.0", "abc", "1e1", "nan"])
def test_bad_zoom_is_reported(z):
    state, problems = parse({"z": z})
    assert state.zoom is None
    assert problems == [ViewProblem("z", z)]


@pytest.mark.parametrize("z", ["7", "12", "18", " 14 "])
def test_zoom_in_range(z):
    state, problems = parse({"z": z})
    assert state.zoom == int(z) and problems == []


def test_long_name_query_is_truncated_and_reported():
    long = "湖" * 150
    state, problems = parse({"q": long})
    assert state.name == "湖" * 100
    assert len(problems) == 1 and problems[0].param == "q"
    assert problems[0].value.startswith("湖" * 20) and len(problems[0].value) <= 21
    state, problems = parse({"q": "湖" * 100})
    assert state.name == "湖" * 100 and problems == []
    state, problems = parse({"q": "  西太湖  "})
    assert state.name == "西太湖" and problems == []


def test_unknown_parameters_are_ignored():
    assert parse({"lang": "en", "foo": "bar", "z": "10"}) == (ViewState(zoom=10), [])


# -- properties

_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "nan", "inf", "-0", "1e308", "31.66", "119.74", "12", "ecology",
                     "生態", "hub.changzhou_south", "park.xitaihu", ",", ",,", "\x00", "١٢"]),
    st.lists(st.sampled_from(["ecology", "生態", "bogus", "transit", "planned", ""]),
             max_size=6).map(",".join),
)
_params = st.dictionaries(st.one_of(st.sampled_from(VIEW_KEYS), st.text(max_size=8)), _values,
                          max_size=14)


@settings(max_examples=300, deadline=None, database=None)
@given(_params)
def test_parse_view_never_raises_and_keeps_only_known_values(params):
    state, problems = parse(params)
    assert isinstance(state, ViewState)
    assert state.basemap in BASEMAPS
    assert set(state.themes) <= set(VOCABULARY["themes"])
    assert state.directive in (None, *VOCABULARY["directives"])
    assert set(state.statuses) <= set(STATUSES)
    assert set(state.hidden) <= set(VOCABULARY["layers"])
    assert state.selected in (None, *VOCABULARY["features"])
    assert state.ring in (None, *VOCABULARY["points"])
    assert len(state.name) <= 100
    if state.centre is not None:
        lat, lon = state.centre
        assert 29 <= lat <= 34 and 117 <= lon <= 122.5
        assert math.isfinite(lat) and math.isfinite(lon)
    assert state.zoom is None or 7 <= state.zoom <= 18
    assert all(isinstance(p, ViewProblem) and p.param in VIEW_KEYS for p in problems)


def _subset(values):
    return st.lists(st.sampled_from(values), unique=True, max_size=4).map(tuple)


_states = st.builds(
    ViewState,
    basemap=st.sampled_from(BASEMAPS),
    themes=_subset(VOCABULARY["themes"]),
    directive=st.none() | st.sampled_from(VOCABULARY["directives"]),
    statuses=_subset(STATUSES),
    name=st.text(max_size=100).map(str.strip),
    hidden=_subset(VOCABULARY["layers"]),
    selected=st.none() | st.sampled_from(VOCABULARY["features"]),
    ring=st.none() | st.sampled_from(VOCABULARY["points"]),
    centre=st.none() | st.tuples(
        st.floats(29, 34).map(lambda v: round(v, 5)),
        st.floats(117, 122.5).map(lambda v: round(v, 5))),
    zoom=st.none() | st.integers(7, 18),
)


@settings(max_examples=200, deadline=None, database=None)
@given(_states)
def test_round_trip_property(state):
    query = view_query(state)
    assert all(isinstance(v, str) and v for v in query.values())
    assert parse(query) == (state, [])


@pytest.mark.parametrize(("param", "value"), [("z", "1_2"), ("z", "١٢"), ("lat", "3_1.5"),
                                              ("lat", "1e1"), ("lon", " 119.8 x")])
def test_only_plain_decimals_are_read(param, value):
    params = {"lat": "31.7", "lon": "119.8", "z": "12", param: value}
    _, problems = parse_view(params, **VOCABULARY)
    assert ViewProblem(param, value.strip()) in problems
