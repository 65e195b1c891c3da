"""The Map page's view as URL query parameters, so a view can be shared and restored.

``?basemap=gaode&theme=ecology,innovate&directive=…&status=planned&q=站&hide=transit,places
&sel=park.xitaihu&ring=hub.changzhou_south&lat=31.66&lon=119.74&z=12&report=meeting-2023
&from=2023-01-01&to=2024-12-31`` (``report``: a stored meeting report's id; ``from``/``to``: the
date range of the meetings, ISO days; the language is
``?lang=``, kept by the app shell).  :func:`view_query` writes only what differs from the
default view, so the plain URL stays plain; :func:`parse_view` reads a URL back and reports,
instead of failing, every value it had to ignore (an unknown theme, a zoom out of range …):
a shared link that went stale still opens, and says what it dropped.

The centre is WGS84, whatever the basemap: the page converts what the map reports (GCJ-02 over
Gaode) before it lands here, and back before it reaches the map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .meeting.directives import THEMES

__all__ = ["DAYS", "MAX_QUERY_TOTAL", "MAX_QUERY_VALUE", "VIEW_KEYS", "ViewProblem", "ViewState",
           "parse_view", "safe_query", "view_query"]

VIEW_KEYS = ("basemap", "theme", "directive", "status", "q", "hide", "sel", "ring", "lat", "lon",
             "z", "report", "from", "to")
_ZOOM = (7, 18)  # the map's min and max zoom
_BOX = (29.0, 34.0, 117.0, 122.5)  # lat min/max, lon min/max: around Changzhou, generously
_MAX_QUERY = 100  # characters of a name search
MAX_QUERY_VALUE = 4_096  # characters of one query value the app reads at all
MAX_QUERY_TOTAL = 16_384  # characters of all query keys and values together
_QUERY_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,8})?")  # plain ASCII decimals only


@dataclass(frozen=True)
class ViewState:
    basemap: str = "osm"
    themes: tuple[str, ...] = ()  # theme keys (現代化 …); slugs (modern …) in the URL
    directive: str | None = None
    statuses: tuple[str, ...] = ()
    name: str = ""
    hidden: tuple[str, ...] = ()  # layer ids switched off
    selected: str | None = None  # feature id
    ring: str | None = None  # feature id of the catchment centre (None: no rings)
    centre: tuple[float, float] | None = None  # (lat, lon) WGS84
    zoom: int | None = None
    report: str | None = None  # a stored report's id (None: every report)
    since: date | None = None  # the meetings' date range (None: open)
    until: date | None = None


@dataclass(frozen=True)
class ViewProblem:
    """A query value that was ignored: which parameter, which value."""

    param: str
    value: str


@dataclass(frozen=True)
class _Vocabulary:
    basemaps: tuple[str, ...]
    themes: frozenset[str]
    directives: frozenset[str]
    statuses: frozenset[str]
    layers: frozenset[str]
    features: frozenset[str]
    points: frozenset[str] = field(default_factory=frozenset)
    reports: frozenset[str] = field(default_factory=frozenset)


_SLUG_KEY = {theme.slug: theme.key for theme in THEMES}
_KEY_SLUG = {theme.key: theme.slug for theme in THEMES}


def _slugs(keys: frozenset[str]) -> frozenset[str]:
    return frozenset(_KEY_SLUG[k] for k in keys if k in _KEY_SLUG)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_view(
    params: Mapping[str, str],
    *,
    basemaps: Iterable[str],
    themes: Iterable[str],
    directives: Iterable[str],
    statuses: Iterable[str],
    layers: Iterable[str],
    features: Iterable[str],
    points: Iterable[str] = (),
    reports: Iterable[str] = (),
) -> tuple[ViewState, list[ViewProblem]]:
    """The view a URL's query asks for, and what of it was ignored (unknown or malformed
    values).  ``themes``: theme keys (a URL may name them by key or slug); ``points``: the
    features that can centre catchment rings; ``reports``: the stored reports' ids."""
    voc = _Vocabulary(tuple(basemaps), frozenset(themes), frozenset(directives),
                      frozenset(statuses), frozenset(layers), frozenset(features),
                      frozenset(points), frozenset(reports))
    problems: list[ViewProblem] = []

    def keep(param: str, values: list[str], allowed: frozenset[str]) -> tuple[str, ...]:
        bad = [v for v in values if v not in allowed]
        problems.extend(ViewProblem(param, v) for v in bad)
        return tuple(dict.fromkeys(v for v in values if v in allowed))

    def one(param: str, allowed: frozenset[str] | tuple[str, ...]) -> str | None:
        value = (params.get(param) or "").strip()
        if not value:
            return None
        if value not in allowed:
            problems.append(ViewProblem(param, value))
            return None
        return value

    basemap = one("basemap", voc.basemaps) or (voc.basemaps[0] if voc.basemaps else "osm")
    name = (params.get("q") or "").strip()
    if len(name) > _MAX_QUERY:
        problems.append(ViewProblem("q", name[:20] + "…"))
        name = name[:_MAX_QUERY]
    state = ViewState(
        basemap=basemap,
        themes=tuple(dict.fromkeys(_SLUG_KEY.get(v, v) for v in keep(
            "theme", _split(params.get("theme") or ""), voc.themes | _slugs(voc.themes)))),
        directive=one("directive", voc.directives),
        statuses=keep("status", _split(params.get("status") or ""), voc.statuses),
        name=name,
        hidden=keep("hide", _split(params.get("hide") or ""), voc.layers),
        selected=one("sel", voc.features),
        ring=one("ring", voc.points),
        report=one("report", voc.reports),
        **_view(params, problems),
        **_dates(params, problems),
    )
    return state, problems


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DAYS = (date(1990, 1, 1), date(2100, 12, 31))  # the meetings' date range a view may ask for


def _dates(params: Mapping[str, str], problems: list[ViewProblem]) -> dict:
    """``since`` and ``until`` from from/to (ISO days); a malformed day is reported."""
    out: dict = {}
    for key, field_name in (("from", "since"), ("to", "until")):
        raw = (params.get(key) or "").strip()
        if not raw:
            continue
        try:
            if not _ISO_DAY.fullmatch(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
            if not DAYS[0] <= day <= DAYS[1]:
                raise ValueError(raw)
            out[field_name] = day
        except ValueError:
            problems.append(ViewProblem(key, raw[:20]))
    return out


def _view(params: Mapping[str, str], problems: list[ViewProblem]) -> dict:
    """``centre`` and ``zoom`` from lat/lon/z; each malformed or out-of-range value reported.
    A centre needs both coordinates."""
    out: dict = {}
    raw = {k: (params.get(k) or "").strip() for k in ("lat", "lon", "z")}
    lat_lon = []
    for key, lo, hi in (("lat", _BOX[0], _BOX[1]), ("lon", _BOX[2], _BOX[3])):
        if not raw[key]:
            continue
        value = float(raw[key]) if _DECIMAL.fullmatch(raw[key]) else float("nan")
        if not lo <= value <= hi:  # NaN fails too
            problems.append(ViewProblem(key, raw[key]))
        else:
            lat_lon.append((key, value))
    if len(lat_lon) == 2:
        out["centre"] = (lat_lon[0][1], lat_lon[1][1])
    elif lat_lon:  # one coordinate alone means nothing
        problems.extend(ViewProblem(k, raw[k]) for k, _ in lat_lon)
    if raw["z"]:
        zoom = int(raw["z"]) if re.fullmatch(r"[0-9]{1,2}", raw["z"]) else -1
        if _ZOOM[0] <= zoom <= _ZOOM[1]:
            out["zoom"] = zoom
        else:
            problems.append(ViewProblem("z", raw["z"]))
    return out


def view_query(state: ViewState, default_basemap: str = "osm") -> dict[str, str]:
    """The query parameters of ``state``: only what differs from the default view."""
    out: dict[str, str] = {}
    if state.basemap != default_basemap:
        out["basemap"] = state.basemap
    themes = tuple(_KEY_SLUG.get(k, k) for k in state.themes)
    for key, values in (("theme", themes), ("status", state.statuses),
                        ("hide", state.hidden)):
        if values:
            out[key] = ",".join(values)
    for key, value in (("directive", state.directive), ("q", state.name.strip()),
                       ("sel", state.selected), ("ring", state.ring), ("report", state.report)):
        if value:
            out[key] = value
    for key, day in (("from", state.since), ("to", state.until)):
        if day is not None:
            out[key] = day.isoformat()
    if state.centre is not None:
        out["lat"], out["lon"] = (f"{v:.5f}" for v in state.centre)
    if state.zoom is not None:
        out["z"] = str(state.zoom)
    return out


def safe_query(params: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The query parameters the pages may read, and the keys dropped before any page sees them.

    Dropped: a key that is not a short ASCII name, a value with a control character (NUL …), a
    value longer than :data:`MAX_QUERY_VALUE`, and a parameter that would take the total of
    what is kept past :data:`MAX_QUERY_TOTAL`.  What is kept is then parsed by each page
    (unknown values are named in a warning there, see :func:`parse_view`).
    """
    kept: dict[str, str] = {}
    dropped: list[str] = []
    total = 0
    for key, value in params.items():
        value = str(value)
        if (not _QUERY_KEY.fullmatch(key) or _CONTROL.search(value)
                or len(value) > MAX_QUERY_VALUE
                or total + len(key) + len(value) > MAX_QUERY_TOTAL):
            dropped.append(key)
        else:
            kept[key] = value
            total += len(key) + len(value)
    return kept, dropped
