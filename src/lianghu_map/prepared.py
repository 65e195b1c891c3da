"""Big layers prepared when they are saved, not when first viewed (issue 18).

A stored layer of more than :data:`compact.BIG_LAYER` features is drawn from a compact payload
(:mod:`compact`): encoding 100,000 polygons and their tooltips takes seconds.  Right after a save
(a new layer, a replace, a revert, a link edit) :func:`prepare_soon` makes the payload of the new
version in every UI language in a background thread (:func:`progress` says how far it is) and
keeps it in the store with that version (:meth:`~lianghu_map.store.LayerStore.save_prepared`),
so that any process on that store — after a restart, another instance — serves the first view
without making it (:func:`stored_payload`).  A layer saved before this existed gets its payload
made on its first view, as before, and kept then (:func:`keep_payload`).

Each kept payload is one blob: a JSON header line, then the payload text compressed.  The header
holds what the payload was made from — the version's feature ids (a hash) and the code that
makes payloads (a hash of its modules' sources) — and the payload's content hash.  A payload is
only served for the same feature ids (a layer that supersedes built-in features draws fewer) by
the same code; anything else is made anew.  Keyed by version, a replaced, reverted or released
version never serves another version's payload.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import zipfile
import zlib
from functools import cache
from pathlib import Path

import geopandas as gpd

from . import compact, tiles
from .errors import LianghuError
from .i18n import LANGS
from .layers import LayerSpec, canonical_features
from .store import LayerStore

__all__ = ["blob_name", "is_prepared", "keep_payload", "prepare_soon", "prepare_version",
           "progress", "stored_payload", "wait"]

_FORMAT = 1


@cache
def recipe() -> str:
    """A hash of the code a payload depends on: another app version makes them anew."""
    from . import escape, i18n, layers, style

    digest = hashlib.sha256(str(_FORMAT).encode())
    for module in (compact, escape, i18n, layers, style, tiles):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def blob_name(lang: str) -> str:
    return f"payload.{lang.lower()}"


def _ids_hash(ids) -> str:
    """A hash of every thousandth feature id and the last one: the features of one version
    differ only by rows left out (superseding ones), which the count and these show."""
    ids = list(ids)
    sample = ids[::max(1, len(ids) // 1000)] + ids[-1:]
    return hashlib.sha256("\n".join(map(str, sample)).encode("utf-8")).hexdigest()[:24]


def _blob(payload: compact.LayerPayload) -> bytes:
    head = {"recipe": recipe(), "ids": _ids_hash(payload.ids), "count": len(payload.ids),
            "key": payload.key}
    return json.dumps(head).encode() + b"\n" + zlib.compress(payload.text.encode("utf-8"), 1)


def _kept(store: LayerStore, layer_id: str, version: int, name: str,
          layer: gpd.GeoDataFrame) -> tuple[dict, bytes] | None:
    """The header and body of the artefact ``name`` kept with that version, if it was made by
    this code for exactly these features; None otherwise (or unreadable: it is made anew)."""
    try:
        blob = store.load_prepared(layer_id, version, name)
    except LianghuError:
        return None
    if not blob:
        return None
    head_raw, _, body = blob.partition(b"\n")
    try:
        head = json.loads(head_raw)
    except ValueError:
        return None
    if not isinstance(head, dict) or head.get("recipe") != recipe() \
            or head.get("count") != len(layer) \
            or head.get("ids") != _ids_hash(layer.index.tolist()):
        return None
    return head, body


def stored_payload(store: LayerStore, layer_id: str, version: int, lang: str,
                   layer: gpd.GeoDataFrame) -> compact.LayerPayload | None:
    """The payload kept with that version for exactly these features (``layer``: as drawn),
    made by this code; None if there is none (or it cannot be read: it is made anew)."""
    found = _kept(store, layer_id, version, blob_name(lang), layer)
    if found is None:
        return None
    head, body = found
    try:
        text = zlib.decompress(body).decode("utf-8")  # damaged: zlib's checksum fails
    except (ValueError, zlib.error):
        return None
    return compact.LayerPayload(head["key"], text, tuple(layer.index.tolist()))


TILES_BLOB = "tiles"


def _names(count: int) -> list[str]:
    """The artefacts a version of ``count`` features is prepared with: a tile set above
    :data:`tiles.TILED_LAYER`, else a payload per UI language."""
    return [TILES_BLOB] if count > tiles.TILED_LAYER else [blob_name(lang) for lang in LANGS]


def _tiles_blob(tileset: tiles.TileSet, ids) -> bytes:
    ids = list(ids)
    head = {"recipe": recipe(), "ids": _ids_hash(ids), "count": len(ids), "key": tileset.key}
    return json.dumps(head).encode() + b"\n" + tiles.archive(tileset)


_published: dict[tuple, tiles.TileSet] = {}


def stored_tiles(store: LayerStore, layer_id: str, version: int,
                 layer: gpd.GeoDataFrame) -> tiles.TileSet | None:
    """The tile set kept with that version for exactly these features, made by this code,
    unpacked under ``static/`` for the browser; None if there is none (it is made anew).
    Kept in this process per version after the first look (the archive is read once)."""
    key = (_key(store, layer_id, version), len(layer))
    hit = _published.get(key)
    if hit is not None and tiles.touch(hit):  # else unpacked again from the archive
        return hit
    found = _kept(store, layer_id, version, TILES_BLOB, layer)
    if found is None:
        return None
    body = found[1]
    try:
        tileset = tiles.read_archive(body)
        tiles.publish(tileset, body)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return None
    _published[key] = tileset
    return tileset


def keep_tiles(store: LayerStore, layer_id: str, version: int, tileset: tiles.TileSet,
               ids) -> None:
    """Keep a tile set made on a view, in the background (see :func:`keep_payload`)."""
    blob = _tiles_blob(tileset, ids)

    def run() -> None:
        with contextlib.suppress(LianghuError):
            store.save_prepared(layer_id, version, TILES_BLOB, blob)

    threading.Thread(target=run, name=f"keep-tiles-{layer_id}", daemon=True).start()


def keep_payload(store: LayerStore, layer_id: str, version: int, lang: str,
                 payload: compact.LayerPayload) -> None:
    """Keep a payload made on a view (a layer saved before payloads were prepared), in the
    background; a failure only means the next fresh process makes it again."""

    def run() -> None:
        with contextlib.suppress(LianghuError):
            store.save_prepared(layer_id, version, blob_name(lang), _blob(payload))

    threading.Thread(target=run, name=f"keep-{layer_id}", daemon=True).start()


def prepare_version(store: LayerStore, layer_id: str, version: int, report=None) -> int:
    """Make and keep the payloads of a stored version in every UI language, read back from
    the store exactly as the map reads it (a tiled layer: its tile set, :mod:`tiles`); a layer
    that is not big gets none.  ``report`` (fraction done) is told as it goes.  Returns how many
    artefacts were kept."""
    rec = store.get(layer_id)
    info = rec.version(version)
    if info.feature_count <= compact.BIG_LAYER:
        return 0
    if _copy_same_data(store, rec, version):  # a revert, a link edit: the same data file
        if report:
            report(1.0)
        return len(_names(info.feature_count))
    gdf = store.read(layer_id, version)
    spec = LayerSpec(rec.layer_id, title_zh=rec.title_zh, title_en=rec.title_en, stored=True,
                     version=version, color=rec.color)
    feats = canonical_features(gdf, spec, kind=rec.kind, status=rec.status, source=rec.source)
    if report:
        report(0.2)
    if len(feats) > tiles.TILED_LAYER:  # a tile set, the texts in every language
        tileset = tiles.build_tileset(
            feats, layer_id, report=(lambda f: report(0.2 + 0.7 * f)) if report else None)
        store.save_prepared(layer_id, version, TILES_BLOB, _tiles_blob(tileset, feats.index))
        tiles.publish(tileset)
        if report:
            report(1.0)
        return 1
    geometry = compact.encode_geometry(feats.geometry.values)
    for i, lang in enumerate(LANGS):
        if report:
            report(0.4 + 0.6 * i / len(LANGS))
        payload = compact.build_payload(feats, layer_id, lang, geometry)
        store.save_prepared(layer_id, version, blob_name(lang), _blob(payload))
    if report:
        report(1.0)
    return len(LANGS)


def _copy_same_data(store: LayerStore, rec, version: int) -> bool:
    """Keep, for ``version``, the payloads of an earlier version of the same data file, if
    that one has them all (made by this code)."""
    info = rec.version(version)
    for other in rec.versions:
        if other.version == version or other.file != info.file:
            continue
        names = _names(info.feature_count)
        blobs = [store.load_prepared(rec.layer_id, other.version, name) for name in names]
        if all(b and _recipe_of(b) == recipe() for b in blobs):
            for name, blob in zip(names, blobs, strict=True):
                store.save_prepared(rec.layer_id, version, name, blob)
            return True
    return False


def is_prepared(store: LayerStore, layer_id: str, version: int) -> bool:
    """Whether that version has its payloads in every language, made by this code."""
    count = store.get(layer_id).version(version).feature_count
    return all(_recipe_of(store.load_prepared(layer_id, version, name) or b"") == recipe()
               for name in _names(count))


def _recipe_of(blob: bytes) -> str | None:
    try:
        return json.loads(blob.partition(b"\n")[0]).get("recipe")
    except ValueError:
        return None


_running: dict[tuple[str, str, int], tuple[threading.Thread, list[float]]] = {}
_lock = threading.Lock()


def _key(store: LayerStore, layer_id: str, version: int) -> tuple[str, str, int]:
    return (str(getattr(store, "root", id(store))), layer_id, int(version))


def prepare_soon(store: LayerStore, layer_id: str, version: int) -> threading.Thread | None:
    """:func:`prepare_version` in a background thread (None: nothing to do, a small layer).
    A failure leaves the version without payloads: its first view makes them, as before."""
    try:
        if store.get(layer_id).version(version).feature_count <= compact.BIG_LAYER:
            return None
    except LianghuError:  # the save is done; its first view will make what is missing
        return None
    key = _key(store, layer_id, version)
    done = [0.0]

    def run() -> None:
        try:
            prepare_version(store, layer_id, version, report=lambda f: done.__setitem__(0, f))
        except Exception:  # best effort: the first view makes whatever is missing
            pass
        finally:
            with _lock:
                _running.pop(key, None)

    thread = threading.Thread(target=run, name=f"prepare-{layer_id}-v{version}", daemon=True)
    with _lock:
        _running[key] = (thread, done)
    thread.start()
    return thread


def progress(store: LayerStore, layer_id: str, version: int) -> float | None:
    """How far the preparation of that version is (0–1); None when none is running."""
    with _lock:
        hit = _running.get(_key(store, layer_id, version))
    return None if hit is None else hit[1][0]


def wait(store: LayerStore, layer_id: str, version: int, timeout: float | None = None) -> None:
    """Until the preparation of that version (if one runs) is done."""
    with _lock:
        hit = _running.get(_key(store, layer_id, version))
    if hit is not None:
        hit[0].join(timeout)
