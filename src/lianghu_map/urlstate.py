"""The Map page's widgets ↔ the URL (Streamlit glue around :mod:`viewstate`).

:func:`restore_view` runs before the widgets: when the URL holds a view this session has not
applied yet (a shared link, a reload, a link from the Directives page), it seeds the widgets'
session state from it; coming back to the page with a bare URL restores the session's last
view.  :func:`publish_view` runs after the map: it writes the view the page shows into the URL
(only when it changed, so no extra rerun).  ``?lang=`` belongs to the app shell and is kept.
"""

from __future__ import annotations

import streamlit as st

from .viewstate import VIEW_KEYS, ViewProblem, ViewState, parse_view, view_query

__all__ = ["DATE_KEYS", "FILTER_KEYS", "forget_echoes", "layer_key", "publish_view",
           "restore_view", "url_view"]

# session-state keys of the Map page's widgets
FILTER_KEYS = {"themes": "f_themes", "directive": "f_directive", "statuses": "f_statuses",
               "name": "f_name", "report": "f_report"}
DATE_KEYS = {"since": "f_from", "until": "f_to"}  # date widgets: a day or None
_WRITTEN = "_view_query"  # the view query this session last applied or wrote
_URL_VIEW = "_url_view"  # (centre, zoom) to hand to the map, from the last applied URL
_LAST_VIEW = "_last_view"  # (centre, zoom) the map last reported (as written to the URL)
_MAP_BASEMAP = "_map_basemap"  # the basemap the map was last drawn over
_ECHOES = "_view_echoes"  # view queries this session wrote or applied before the last one
_ECHO_MEMORY = 6


def layer_key(layer_id: str) -> str:
    return f"layer_{layer_id}"


def _current_query() -> dict[str, str]:
    return {k: v for k, v in st.query_params.to_dict().items() if k in VIEW_KEYS}


def restore_view(**vocabulary) -> list[ViewProblem]:
    """Apply the URL's view to the widgets if it is new to this session; returns what of it
    was ignored.  ``vocabulary``: the keyword arguments of :func:`viewstate.parse_view` but
    ``params`` (``layers`` must list every layer: each gets its checkbox state)."""
    layers = tuple(vocabulary["layers"])
    query = _current_query()
    written = st.session_state.get(_WRITTEN)
    problems: list[ViewProblem] = []
    if query and written is not None and query in st.session_state.get(_ECHOES, ()):
        # A URL this session wrote before the last one: a rerun asked for before the browser
        # had the newest URL (the map reports its view as it is made).  Not a new view: applied,
        # it would undo what the user did since (a basemap chosen again went back to none).
        # (A bare URL is not one: it restores the session's view, below.)
        query = written
    if written is None or query != written:
        if not query and written:  # back on the page with a bare URL: the session's view
            query = written
        state, problems = parse_view(query, **vocabulary)
        st.session_state["basemap"] = state.basemap
        for field, key in FILTER_KEYS.items():
            value = getattr(state, field)
            st.session_state[key] = list(value) if isinstance(value, tuple) else value or ""
        for field, key in DATE_KEYS.items():
            st.session_state[key] = getattr(state, field)
        for layer_id in layers:
            st.session_state[layer_key(layer_id)] = layer_id not in state.hidden
        st.session_state["selected_feature"] = state.selected
        st.session_state["ring_centre"] = state.ring or ""  # "": no rings (see pages/map.py)
        st.session_state[_URL_VIEW] = (state.centre, state.zoom)
        _remember(query)
    for layer_id in layers:  # a layer saved since (by anyone) starts switched on
        st.session_state.setdefault(layer_key(layer_id), True)
    return problems


def _remember(query: dict[str, str]) -> None:
    """``query`` is the session's view now; the one before it joins the echoes."""
    before = st.session_state.get(_WRITTEN)
    if before is not None and before != query:
        echoes = [q for q in st.session_state.get(_ECHOES, []) if q not in (before, query)]
        st.session_state[_ECHOES] = [*echoes, before][-_ECHO_MEMORY:]
    st.session_state[_WRITTEN] = query


def forget_echoes(url_path: str) -> None:
    """The app shell, on every run: on another page than the Map page, the queries the Map page
    wrote are forgotten — a link back to it (from a directive, say) is a new view, not an echo."""
    if url_path != "":  # the Map page is the default page: its url_path is ""
        st.session_state.pop(_ECHOES, None)


def url_view(basemap: str) -> tuple[tuple[float, float] | None, int | None]:
    """(centre (lat, lon) WGS84, zoom) to open the map at: the last applied URL's, or, when
    the basemap changed (the map is made anew), the view the old map last reported.  It stays
    the same between those events: the map is told to move only then."""
    if st.session_state.get(_MAP_BASEMAP) not in (None, basemap):
        st.session_state[_URL_VIEW] = st.session_state.get(_LAST_VIEW, (None, None))
    st.session_state[_MAP_BASEMAP] = basemap
    return st.session_state.get(_URL_VIEW, (None, None))


def publish_view(state: ViewState, default_basemap: str) -> None:
    """Write ``state`` into the URL if it differs from what is there (``lang`` kept)."""
    query = view_query(state, default_basemap)
    _remember(query)
    st.session_state[_LAST_VIEW] = (state.centre, state.zoom)
    if query == _current_query():
        return
    keep = {k: v for k, v in st.query_params.to_dict().items() if k not in VIEW_KEYS}
    st.query_params.from_dict({**keep, **query})
