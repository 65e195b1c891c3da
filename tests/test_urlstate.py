"""The Map page's URL ↔ widgets glue (lianghu_map.urlstate) with a stand-in for Streamlit's
session state and query parameters: a URL the session wrote before its newest one (a rerun
asked for before the browser had the newest URL) is an echo, not a new view."""

from __future__ import annotations

import pytest

from lianghu_map import urlstate
from lianghu_map.viewstate import ViewState

VOCABULARY = {"basemaps": ("osm", "tianditu", "gaode", "none"), "themes": (), "directives": (),
              "statuses": (), "layers": ("water",), "features": (), "points": ()}


class _Query(dict):
    def to_dict(self) -> dict[str, str]:
        return dict(self)

    def from_dict(self, values) -> None:
        self.clear()
        self.update(values)


class _St:
    def __init__(self):
        self.session_state: dict = {}
        self.query_params = _Query()


@pytest.fixture
def st(monkeypatch):
    fake = _St()
    monkeypatch.setattr(urlstate, "st", fake)
    return fake


def _run(st, url: dict[str, str] | None, chosen: str | None = None) -> str:
    """One run of the Map page: the URL the browser sent, then (optionally) the basemap the
    user chose in this run; returns the basemap the page drew and writes the URL."""
    if url is not None:
        st.query_params.from_dict(url)
    urlstate.restore_view(**VOCABULARY)
    if chosen:
        st.session_state["basemap"] = chosen
    basemap = st.session_state["basemap"]
    centre = (31.7, 119.8) if basemap != "none" else None  # the new map: the default view
    urlstate.publish_view(ViewState(basemap=basemap, centre=centre, zoom=12 if centre else None),
                          default_basemap="osm")
    return basemap


def test_an_older_url_of_the_session_does_not_undo_a_choice(st):
    full = {"lat": "31.70000", "lon": "119.80000", "z": "12"}
    assert _run(st, {}) == "osm"
    assert st.query_params == full
    assert _run(st, None, chosen="none") == "none"  # the fallback to no basemap
    assert st.query_params == {"basemap": "none"}
    # the user chooses OpenStreetMap again; the rerun was asked for with an older URL
    assert _run(st, full, chosen="osm") == "osm"
    assert _run(st, {"basemap": "none"}) == "osm"  # an echo of the URL before: ignored
    assert _run(st, full) == "osm"
    assert st.query_params == full


def test_a_url_new_to_the_session_is_applied(st):
    assert _run(st, {"basemap": "gaode", "lat": "31.7", "lon": "119.8", "z": "12"}) == "gaode"
    assert _run(st, None, chosen="none") == "none"
    # on another page, then back through a link: the earlier URL is a view asked for again
    urlstate.forget_echoes("directives")
    assert _run(st, {"basemap": "gaode", "lat": "31.7", "lon": "119.8", "z": "12"}) == "gaode"
    urlstate.forget_echoes("")  # the Map page itself keeps them
    assert _run(st, {"basemap": "tianditu"}) == "tianditu"  # never written: applied
