"""Layers of a million polygons: the compact payload cut into tiles, generalised per zoom
(issue 18, Build 3).

A layer of more than :data:`TILED_LAYER` features (a district's 三调 land-use patches, a parcel
cadastre) is not sent whole: the browser fetches, for the view it shows, the tiles of one
**level** — the largest of :data:`LEVELS` not above the map's zoom (the smallest below it) — in
Web Mercator's XYZ grid at that level's zoom:

* **detail** (the last level) — every feature, coordinates quantised to
  :data:`compact.QUANTUM` (about 1 m), as the single payload of a smaller big layer;
* **overview** (the others) — generalised for that zoom: coordinates simplified and quantised to
  half a pixel there, features under :data:`CELL` · 2 px across thinned to the largest one per
  :data:`CELL`-pixel cell, and at most :data:`BUDGET` features per tile (the largest), so a
  whole-district view draws tens of thousands of parts, not a million.

Each feature is in one tile per level, the tile of its box's centre (no clipping, no
duplicates); a feature more than half a tile across is in the level's **wide** file, fetched
with every view of that level, and the browser pads the view by half a tile.  A tile is two
files: geometry (:func:`compact.encode_geometry`, each feature's index in the layer, ids) and
its texts in one UI language (tooltip lines, label names) — the geometry is the same in every
language.  The browser keeps the states as for a small big layer: one style index per feature of
the layer, run-length encoded in the map's script, so highlight, dim and hidden work whichever
tiles are loaded.

A tile set is made when its version is saved (:mod:`lianghu_map.prepared`) and kept in the
store as one archive, so every instance on the store serves it without making it; it is
unpacked under ``static/cache/tiles/<key>/`` for the browser (content-addressed: a key names
one set of files for ever).  The server keeps no tile in memory.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from .compact import CACHE_URL, QUANTUM, encode_geometry, payload_texts, plain_json, short_ids
from .i18n import LANGS

__all__ = ["BUDGET", "CELL", "LEVELS", "TILED_LAYER", "TileSet", "build_tileset",
           "level_for", "publish", "read_archive", "tile_of"]

TILED_LAYER = 150_000  # features in one layer above which it is delivered in tiles
LEVELS = (8, 10, 12, 14)  # zooms of the tile grids; the last is the detail level
CELL = 4  # px: an overview keeps the largest small feature per cell of this size
BUDGET = 1_024  # features at most in one overview tile (the largest kept)
TILE_URL = f"{CACHE_URL}/tiles"
_FORMAT = 1


@dataclass(frozen=True)
class TileSet:
    """A tiled layer's index — what the browser needs to ask for tiles — and, when just
    made, its files (relative path → text)."""

    key: str
    index: dict  # {"count", "prefix", "levels": [{"z", "q", "tiles": [[x, y], …], "wide"}]}
    files: dict[str, str] | None = None

    @property
    def url(self) -> str:
        return f"{TILE_URL}/{self.key}"

    def spec(self, lang: str, datum: str = "wgs84") -> dict:
        """What :class:`compact.BigLayer` sends the browser (``datum``: the one to draw in; the
        tiles are WGS84, shifted in the browser over a GCJ-02 basemap)."""
        return {"url": self.url, "lang": lang, "prefix": self.index["prefix"],
                "levels": self.index["levels"], "datum": datum}


def level_for(zoom: float) -> int:
    """The level a map at ``zoom`` draws (the browser's rule, for tests)."""
    below = [z for z in LEVELS if z <= zoom]
    return below[-1] if below else LEVELS[0]


def _uv(bounds: np.ndarray) -> tuple[np.ndarray, ...]:
    """Boxes (minx, miny, maxx, maxy in degrees) in Leaflet's unit square (EPSG:3857)."""
    lat = np.clip(bounds[:, [1, 3]], -85.05, 85.05)
    v = 0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)
    u0 = bounds[:, 0] / 360 + 0.5
    u1 = bounds[:, 2] / 360 + 0.5
    return u0, v[:, 1], u1, v[:, 0]  # v grows southwards: maxy is v's minimum


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile at zoom ``z`` holding a point (tests, and the browser's arithmetic)."""
    u0, v0, _, _ = _uv(np.array([[lon, lat, lon, lat]], dtype=float))
    n = 2 ** z
    return int(u0[0] * n), int(v0[0] * n)


def _level_members(u0, v0, u1, v1, ok, z: int, detail: bool
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features drawn at level ``z``: their indices, and each one's tile key (x · 2^z + y) or
    -1 for the wide file, in tile order."""
    n = 2 ** z
    cu, cv = (u0 + u1) / 2 * n, (v0 + v1) / 2 * n  # in tiles
    w, h = (u1 - u0) * n, (v1 - v0) * n
    wide = (w > 0.5) | (h > 0.5)
    tile = np.where(wide, -1, np.floor(cu).astype(np.int64) * n + np.floor(cv).astype(np.int64))
    idx = np.flatnonzero(ok)
    if not detail:
        px = 256 / CELL  # cells per tile
        size = np.maximum(w, h)[idx] * 256
        small = size < 2 * CELL
        cell = (np.floor(cu[idx] * px).astype(np.int64) * (n * 256)
                + np.floor(cv[idx] * px).astype(np.int64))
        order = np.lexsort((-size, cell))  # per cell, the largest first
        first = np.r_[True, cell[order][1:] != cell[order][:-1]]
        keep = np.zeros(len(idx), dtype=bool)
        keep[order[first]] = True
        idx = idx[keep | ~small]
        size = np.maximum(w, h)[idx]
        order = np.lexsort((-size, tile[idx]))  # per tile, the largest first
        idx = idx[order]
        t = tile[idx]
        start = np.r_[0, np.flatnonzero(t[1:] != t[:-1]) + 1]
        rank = np.arange(len(idx)) - np.repeat(start, np.diff(np.r_[start, len(idx)]))
        idx = idx[(rank < BUDGET) | (t == -1)]
    order = np.argsort(tile[idx], kind="stable")
    idx = idx[order]
    return idx, tile[idx], np.asarray(n)


def build_tileset(feats: gpd.GeoDataFrame, layer_id: str, langs=tuple(LANGS),
                  report=None) -> TileSet:
    """The tile set of ``feats`` (canonical features, index = feature id, in layer order: a
    feature's position is its index in the browser's state table)."""
    prefix = f"{layer_id}/"
    geoms = np.asarray(feats.geometry.values, dtype=object)
    bounds = shapely.bounds(geoms)
    ok = ~np.isnan(bounds).any(axis=1)
    u0, v0, u1, v1 = _uv(np.where(ok[:, None], bounds, 0.0))
    ids = np.asarray(short_ids(feats.index, prefix), dtype=object)
    texts = {lang: payload_texts(feats, lang) for lang in langs}
    files: dict[str, str] = {}
    levels = []
    for li, z in enumerate(LEVELS):
        if report:
            report(li / len(LEVELS))
        detail = z == LEVELS[-1]
        q = QUANTUM if detail else 360 / (256 * 2 ** z) / 2
        idx, tile, n = _level_members(u0, v0, u1, v1, ok, z, detail)
        cuts = np.r_[0, np.flatnonzero(tile[1:] != tile[:-1]) + 1, len(idx)]
        listed, wide = [], False
        for a, b in itertools.pairwise(cuts):
            if a == b:
                continue
            sel = idx[a:b]
            key = int(tile[a])
            if key < 0:
                name, wide = "w", True
            else:
                x, y = divmod(key, int(n))
                name = f"{x}-{y}"
                listed.append([x, y])
            geo = {"i": sel.tolist(), "ids": ids[sel].tolist(), **encode_geometry(geoms[sel], q)}
            files[f"{z}/{name}.json"] = json.dumps(geo, ensure_ascii=False, separators=(",", ":"))
            for lang, (tips, metas, meta_index, names) in texts.items():
                doc = {"tips": [tips[i] for i in sel], "metas": metas}
                if len(metas) > 1:
                    doc["m"] = [meta_index[i] for i in sel]
                text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
                files[f"{z}/{name}.{lang}.json"] = (
                    text[:-1] + ',"names":' + plain_json([names[i] for i in sel]) + "}")
        levels.append({"z": z, "q": q, "tiles": listed, "wide": wide})
    digest = hashlib.sha256(f"{_FORMAT}\n{prefix}".encode())
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode("utf-8") + b"\0")
    index = {"count": len(feats), "prefix": prefix, "levels": levels}
    if report:
        report(1.0)
    return TileSet(digest.hexdigest()[:24], index, files)


# -- kept in the store as one archive; unpacked under static/ for the browser ---------------

def archive(tiles: TileSet) -> bytes:
    """The tile set as one zip: ``index.json`` (key and index) and every file, deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("index.json", json.dumps({"key": tiles.key, "index": tiles.index}))
        for path, text in (tiles.files or {}).items():
            zf.writestr(path, text)
    return buf.getvalue()


def read_archive(data: bytes) -> TileSet:
    """The key and index of an archive (its files stay in it: :func:`publish` unpacks them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        head = json.loads(zf.read("index.json"))
    return TileSet(head["key"], head["index"])


_publish_lock = threading.Lock()


def publish(tiles: TileSet, data: bytes | None = None) -> None:
    """Put the tile set's files under ``static/cache/tiles/<key>/`` unless they are there
    (from ``tiles.files`` or the archive ``data``): unpacked beside it, then renamed into
    place, so the browser never sees half a set."""
    from .assets import STATIC_DIR

    root = STATIC_DIR / "cache" / "tiles"
    target = root / tiles.key
    if target.is_dir():
        return
    with _publish_lock:
        if target.is_dir():
            return
        tmp = root / f".{tiles.key}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if tiles.files is not None:
            for path, text in tiles.files.items():
                out = tmp / path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
        elif data is not None:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    if name != "index.json" and _safe(name):
                        out = tmp / name
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(zf.read(name))
        else:
            raise ValueError("publish needs the tile set's files or its archive")
        try:
            tmp.rename(target)
        except OSError:  # another process published it first: same key, same files
            shutil.rmtree(tmp, ignore_errors=True)
        _prune(root)


KEEP_SETS = 6  # tile sets kept under static/ (the newest used); the store keeps them all
IN_USE_S = 3600  # a set used (a page drew it) within this many seconds is never pruned


def touch(tiles: TileSet) -> bool:
    """Mark the set as used now (pruning keeps the newest); False if it is not unpacked."""
    from .assets import STATIC_DIR

    try:
        os.utime(STATIC_DIR / "cache" / "tiles" / tiles.key)
        return True
    except OSError:
        return False


def _prune(root) -> None:
    sets = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    now = time.time()
    for old in sets[KEEP_SETS:]:  # a view of it unpacks it again; an open page may still use
        if now - old.stat().st_mtime > IN_USE_S:  # one drawn within the hour: kept till later
            shutil.rmtree(old, ignore_errors=True)


def _safe(name: str) -> bool:
    """An archive member's path as :func:`archive` writes them: ``<zoom>/<tile>.json``."""
    parts = name.split("/")
    return (len(parts) == 2 and parts[0].isdigit() and not parts[1].startswith(".")
            and parts[1].endswith(".json") and "\\" not in name)
