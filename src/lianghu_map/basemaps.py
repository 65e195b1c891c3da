"""Basemaps and the datum the overlays are drawn in over each.

* ``osm`` — OpenStreetMap tiles, WGS84 (the default when online);
* ``tianditu`` — 天地图, the Web-Mercator (``_w``) vector tiles and their Chinese labels,
  CGCS2000 (≈ WGS84 to centimetres); needs a browser key (:func:`config.tianditu_key`);
* ``gaode`` — 高德, whose tiles are drawn in GCJ-02: every overlay is shifted to GCJ-02 *for
  display only* (about 500 m ESE around Changzhou), so it lines up with the tiles.  Stored data
  and every analysis stay WGS84; what comes back from the map (a drawing, the view's centre)
  is shifted back with :func:`to_data`;
* ``none`` — no tiles (offline): the lakes and district boundaries are the base.

Tile URLs are constants (the key is checked to be a plain token before it joins one).  The
attribution Leaflet shows is plain text (escaped, no links): the offline map must not offer
links out, and :mod:`tilewatch` takes it off the map when the tiles do not load.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import ClassVar

import xyzservices

from .crs import from_wgs84, to_wgs84
from .errors import LianghuError
from .i18n import localise

__all__ = [
    "BASEMAPS",
    "Basemap",
    "BasemapUnavailable",
    "basemap",
    "overlay_datum",
    "tile_providers",
    "to_data",
    "to_display",
]

BASEMAPS: tuple[str, ...] = ("osm", "tianditu", "gaode", "none")


@dataclass(frozen=True)
class Basemap:
    id: str
    datum: str  # the datum the tiles are drawn in, hence the overlays: "wgs84" or "gcj02"
    needs_key: bool = False


_BASEMAPS = {
    "osm": Basemap("osm", "wgs84"),
    "tianditu": Basemap("tianditu", "wgs84", needs_key=True),
    "gaode": Basemap("gaode", "gcj02"),
    "none": Basemap("none", "wgs84"),
}

# A provider object, not the name "OpenStreetMap": folium looks a name up among xyzservices'
# ~1,000 providers on every call (7 ms of each rerun).
_OSM = xyzservices.TileProvider(
    name="OpenStreetMap", url="https://tile.openstreetmap.org/{z}/{x}/{y}.png", max_zoom=19,
    attribution="© OpenStreetMap contributors",
)
_GAODE = xyzservices.TileProvider(
    name="Gaode", max_zoom=18, subdomains="1234",
    url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
    attribution="© AutoNavi 高德地图 (GCJ-02)",
)
_TIANDITU_URL = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                 "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                 "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")
_KEY = re.compile(r"[A-Za-z0-9]{16,64}")


class BasemapUnavailable(LianghuError):
    """The chosen basemap cannot be drawn: Tianditu without a (well-formed) key."""

    code = "basemap_unavailable"
    texts = ("天地图底图需要浏览器密钥（tk）：{why}。请设置环境变量 LIANGHU_TIANDITU_KEY，或在 "
             ".streamlit/secrets.toml 中写入 tianditu_key = \"…\"；现按无底图显示。",
             "The Tianditu basemap needs a browser key (tk): {why}. Set LIANGHU_TIANDITU_KEY, "
             "or tianditu_key = \"…\" in .streamlit/secrets.toml; the map is drawn without "
             "tiles meanwhile.")
    reasons: ClassVar[dict[str, tuple[str, str]]] = {
        "no_key": ("尚未配置密钥", "no key is configured"),
        "bad_key": ("所配置的密钥不是 16–64 位字母或数字", "the configured key is not a plain "
                    "token of 16–64 letters and digits"),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def message(self, lang: str) -> str:
        return localise(*self.texts, lang).format(why=localise(*self.reasons[self.reason], lang))


def basemap(basemap_id: str) -> Basemap:
    if basemap_id not in _BASEMAPS:
        raise ValueError(f"unknown basemap {basemap_id!r}; expected one of {BASEMAPS}")
    return _BASEMAPS[basemap_id]


def overlay_datum(basemap_id: str) -> str:
    """The datum overlays are drawn in over ``basemap_id`` ("wgs84" or "gcj02")."""
    return basemap(basemap_id).datum


def tile_providers(basemap_id: str, tianditu_key: str | None = None
                   ) -> list[xyzservices.TileProvider]:
    """The tile layers of a basemap, bottom first ([] for "none").  Raises
    :class:`BasemapUnavailable` for Tianditu without a well-formed key."""
    return [_plain(p) for p in _providers(basemap_id, tianditu_key)]


def _plain(provider: xyzservices.TileProvider) -> xyzservices.TileProvider:
    """``provider`` with its plain-text attribution, escaped, as the one Leaflet shows."""
    return xyzservices.TileProvider({**provider,
                                     "html_attribution": html.escape(provider.attribution)})


def _providers(basemap_id: str, tianditu_key: str | None) -> list[xyzservices.TileProvider]:
    spec = basemap(basemap_id)
    if spec.id == "osm":
        return [_OSM]
    if spec.id == "gaode":
        return [_GAODE]
    if spec.id == "tianditu":
        if not tianditu_key:
            raise BasemapUnavailable("no_key")
        if not _KEY.fullmatch(tianditu_key):
            raise BasemapUnavailable("bad_key")
        return [
            xyzservices.TileProvider(
                name=f"Tianditu.{layer}", subdomains="01234567", max_zoom=18,
                url=_TIANDITU_URL.replace("{layer}", layer).replace("{key}", tianditu_key),
                attribution="© 天地图 Tianditu (CGCS2000)")
            for layer in ("vec", "cva")  # the vector map, then its Chinese labels
        ]
    return []


def to_display(geoms, basemap_id: str):
    """WGS84 geometries (GeoSeries, GeoDataFrame, array or one geometry) as drawn over the
    basemap: shifted to GCJ-02 over Gaode, unchanged otherwise."""
    return from_wgs84(geoms, overlay_datum(basemap_id))


def to_data(geoms, basemap_id: str):
    """Inverse of :func:`to_display`: what the map hands back (a drawing, a centre) in WGS84."""
    return to_wgs84(geoms, overlay_datum(basemap_id))
