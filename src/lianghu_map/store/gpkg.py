"""The file backend of the layer store: one GeoPackage per version plus a JSON manifest.

Layout under the root::

    manifest.json                  all layer records, a "revision" counter and "format": 1
    layers/<layer_id>/v0001.gpkg   one GeoPackage per saved data version, layer "features"
    .lock                          flock'ed by writers

Why it is safe:

* Writes are serialised by a process-wide ``RLock`` (Streamlit serves every user from threads of
  one process) and an ``fcntl.flock`` on ``.lock`` (several processes may share a data dir).
  Under the lock the manifest is re-read from disk, so no write is lost to a stale copy.
* The data file is written to a temporary name and ``os.replace``'d into place first, then the
  manifest (temp file, fsync, ``os.replace``).  A crash in between leaves at worst an orphan data
  file that nothing references; the previous manifest stays intact.
* An existing version file is never modified or deleted; a new version never reuses a name that
  exists on disk (an orphan from a crash keeps its name, the new file takes ``vNNNN-1.gpkg``).
* A manifest that cannot be read raises :class:`StoreError` naming it and is never overwritten.

The temporary data file ends in ``.tmp.gpkg`` (not ``.gpkg.tmp``): GDAL warns about a GeoPackage
without the ``.gpkg`` extension; ``driver="GPKG"`` is always passed anyway, because for an unknown
extension pyogrio would silently write a Shapefile.

Attributes survive the round trip: column names GeoPackage cannot hold as they are (``fid``, the
geometry column ``geom``, names equal but for case) are renamed in the file, and the original
names and dtypes are kept in the layer's metadata (``LIANGHU_SCHEMA``) and restored on read.
Values GDAL has no type for are written as text: lists and dicts as JSON, anything else with
``str()`` (mixed-type columns included); such columns read back as strings.
"""

from __future__ import annotations

import fcntl
import json
import numbers
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from dataclasses import replace as evolve
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import LayerNotFound, LianghuError, StoreError
from . import (
    Event,
    LayerRecord,
    LinkRecord,
    VersionInfo,
    check_root,
    new_layer_id,
    record_from_dict,
    utc_now,
    validate_layer_id,
)

__all__ = ["FORMAT", "GpkgStore"]

FORMAT = 1
MANIFEST = "manifest.json"
DATA_LAYER = "features"
SCHEMA_KEY = "LIANGHU_SCHEMA"  # no ':' in the key: GDAL would split it into domain and name
# Names GDAL's GeoPackage driver uses itself (SQLite compares column names without case).
RESERVED = frozenset({"fid", "geom", "geometry"})
# A manifest whose mtime is this recent is re-read even if its stat looks unchanged: mtimes are
# coarse, and a replaced manifest may get the freed inode back (as "racy git" does).
RACY_NS = 100_000_000

_PROCESS_LOCK = threading.RLock()


@dataclass(frozen=True)
class _Manifest:
    revision: int
    layers: dict[str, LayerRecord]  # in creation order; never mutated once built


class GpkgStore:
    """:class:`~lianghu_map.store.LayerStore` on a directory of GeoPackages."""

    def __init__(self, root: Path):
        self.root = check_root(Path(root))
        self._cache: tuple[tuple[int, int, int], _Manifest] | None = None
        self._held = False  # this instance holds the flock (only read with _PROCESS_LOCK held)

    def __repr__(self) -> str:
        return f"GpkgStore({str(self.root)!r})"

    # -- reading

    def revision(self) -> str:
        return str(self._load().revision)

    def list_layers(self, include_deleted: bool = False) -> list[LayerRecord]:
        return [r for r in self._load().layers.values() if include_deleted or not r.deleted]

    def get(self, layer_id: str) -> LayerRecord:
        return _find(self._load(), layer_id)

    def read(self, layer_id: str, version: int | None = None) -> gpd.GeoDataFrame:
        record = self.get(layer_id)
        info = record.current if version is None else record.version(version)
        path = self.root / info.file
        try:
            frame = pyogrio.read_dataframe(path, layer=DATA_LAYER)
            meta = pyogrio.read_info(path, layer=DATA_LAYER).get("layer_metadata") or {}
        except Exception as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc
        return _decode(frame, meta.get(SCHEMA_KEY))

    # -- writing

    def create(
        self,
        gdf: gpd.GeoDataFrame,
        *,
        title_zh: str,
        title_en: str,
        kind: str,
        color: str,
        status: str,
        source: str,
        original_name: str,
        sha256: str,
        conversions: Sequence[str],
        links: Sequence[LinkRecord],
        user: str,
        layer_id: str | None = None,
    ) -> LayerRecord:
        if layer_id is not None:
            validate_layer_id(layer_id)
        with self._locked() as manifest:
            if layer_id is None:
                layer_id = new_layer_id(title_en or title_zh)
                while layer_id in manifest.layers:
                    layer_id = new_layer_id(title_en or title_zh)
            elif layer_id in manifest.layers:
                raise StoreError(f"layer {layer_id} exists already")
            info = self._write_version(
                layer_id, 1, gdf, original_name=original_name, sha256=sha256,
                conversions=conversions, links=links, user=user,
            )
            record = LayerRecord(
                layer_id=layer_id, title_zh=title_zh, title_en=title_en, kind=kind, color=color,
                status=status, source=source, current_version=1, versions=(info,), deleted=False,
                events=(Event("create", 1, user, info.created_at),),
            )
            return self._commit(manifest, record)

    def replace(
        self,
        layer_id: str,
        gdf: gpd.GeoDataFrame,
        *,
        original_name: str,
        sha256: str,
        conversions: Sequence[str],
        links: Sequence[LinkRecord],
        user: str,
    ) -> LayerRecord:
        with self._locked() as manifest:
            record = _find(manifest, layer_id, live=True)
            info = self._write_version(
                layer_id, _next(record), gdf, original_name=original_name, sha256=sha256,
                conversions=conversions, links=links, user=user,
            )
            return self._commit(manifest, _append(record, info, "replace"))

    def update_links(
        self, layer_id: str, links: Sequence[LinkRecord], *, user: str
    ) -> LayerRecord:
        """A new version with the same data file and other links."""
        with self._locked() as manifest:
            record = _find(manifest, layer_id, live=True)
            info = evolve(record.current, version=_next(record), links=_links(links),
                          created_by=user, created_at=utc_now(), note="")
            return self._commit(manifest, _append(record, info, "update"))

    def revert(self, layer_id: str, version: int, *, user: str) -> LayerRecord:
        """A new version whose content (data file, links, provenance) is that of ``version``."""
        with self._locked() as manifest:
            record = _find(manifest, layer_id, live=True)
            info = evolve(record.version(version), version=_next(record), created_by=user,
                          created_at=utc_now(), note=f"reverted to v{version}")
            return self._commit(manifest, _append(record, info, "revert"))

    def delete(self, layer_id: str, *, user: str) -> LayerRecord:
        """Soft: hides the layer, keeps every version.  Deleting a deleted layer is a no-op."""
        return self._set_deleted(layer_id, True, "delete", user)

    def restore(self, layer_id: str, *, user: str) -> LayerRecord:
        """Undoes :meth:`delete`.  Restoring a layer that is not deleted is a no-op."""
        return self._set_deleted(layer_id, False, "restore", user)

    # -- internals

    def _set_deleted(self, layer_id: str, deleted: bool, action: str, user: str) -> LayerRecord:
        with self._locked() as manifest:
            record = _find(manifest, layer_id)
            if record.deleted == deleted:
                return record  # nothing to do, so no event and no new revision
            event = Event(action, record.current_version, user, utc_now())
            return self._commit(
                manifest, evolve(record, deleted=deleted, events=(*record.events, event))
            )

    @contextmanager
    def _locked(self) -> Iterator[_Manifest]:
        """Hold both locks and yield the manifest as it is on disk; errors become StoreError."""
        with _PROCESS_LOCK:
            try:
                if self._held:  # re-entered by this thread: the flock is already ours
                    yield self._load(fresh=True)
                    return
                self.root.mkdir(parents=True, exist_ok=True)
                with open(self.root / ".lock", "a+b") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                    self._held = True
                    try:
                        yield self._load(fresh=True)
                    finally:
                        self._held = False
            except LianghuError:
                raise
            except Exception as exc:
                raise StoreError(f"{type(exc).__name__}: {exc}") from exc

    def _load(self, fresh: bool = False) -> _Manifest:
        """The manifest, parsed again only when its stat changed (or is too recent to trust)."""
        path = self.root / MANIFEST
        try:
            with open(path, "rb") as fh:  # stat and read the same file, even if replaced now
                st = os.fstat(fh.fileno())
                key = (st.st_ino, st.st_mtime_ns, st.st_size)
                cached = self._cache
                if (not fresh and cached is not None and cached[0] == key
                        and time.time_ns() - st.st_mtime_ns > RACY_NS):
                    return cached[1]
                raw = fh.read()
        except FileNotFoundError:
            return _Manifest(0, {})
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc
        manifest = _parse(raw, path)
        self._cache = (key, manifest)
        return manifest

    def _commit(self, manifest: _Manifest, record: LayerRecord) -> LayerRecord:
        """Write the manifest with ``record`` added or updated, atomically."""
        layers = {**manifest.layers, record.layer_id: record}
        data = {"format": FORMAT, "revision": manifest.revision + 1,
                "layers": [asdict(r) for r in layers.values()]}
        text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".manifest-", suffix=".json.tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.root / MANIFEST)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.root)
        self._cache = None
        return record

    def _write_version(
        self, layer_id: str, version: int, gdf: gpd.GeoDataFrame, *, original_name: str,
        sha256: str, conversions: Sequence[str], links: Sequence[LinkRecord], user: str,
    ) -> VersionInfo:
        """Write the data file of a new version (never over an existing file) and describe it."""
        frame, schema, geometry_type = _encode(gdf)
        folder = self.root / "layers" / layer_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"v{version:04d}.gpkg"
        n = 0
        while target.exists():  # an orphan left by a crash: keep it, take another name
            n += 1
            target = folder / f"v{version:04d}-{n}.gpkg"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp.gpkg")
        os.close(fd)
        os.unlink(tmp)  # GDAL will not write into an existing empty file
        try:
            pyogrio.write_dataframe(
                frame, tmp, layer=DATA_LAYER, driver="GPKG", geometry_type=geometry_type,
                layer_metadata={SCHEMA_KEY: json.dumps(schema, ensure_ascii=False)},
            )
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        geoms = frame.geometry
        return VersionInfo(
            version=version,
            file=target.relative_to(self.root).as_posix(),
            original_name=original_name,
            sha256=sha256,
            conversions=tuple(conversions),
            feature_count=len(frame),
            bounds=tuple(float(b) for b in geoms.total_bounds),
            geometry_types=tuple(sorted(set(geoms.geom_type.dropna()))),
            created_by=user,
            created_at=utc_now(),
            links=_links(links),
        )


def _find(manifest: _Manifest, layer_id: str, live: bool = False) -> LayerRecord:
    record = manifest.layers.get(validate_layer_id(layer_id))
    if record is None:
        raise LayerNotFound(layer_id)
    if live and record.deleted:
        raise StoreError(f"layer {layer_id} is deleted; restore it first")
    return record


def _next(record: LayerRecord) -> int:
    return max(v.version for v in record.versions) + 1


def _append(record: LayerRecord, info: VersionInfo, action: str) -> LayerRecord:
    event = Event(action, info.version, info.created_by, info.created_at)
    return evolve(record, versions=(*record.versions, info), current_version=info.version,
                  events=(*record.events, event))


def _links(links: Sequence[LinkRecord]) -> tuple[LinkRecord, ...]:
    links = tuple(links)
    if not all(isinstance(link, LinkRecord) for link in links):
        raise StoreError("links must be LinkRecord objects")
    return links


def _parse(raw: bytes, path: Path) -> _Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        revision = data["revision"]
        if not isinstance(revision, int):
            raise TypeError("revision is not an integer")
        records = [record_from_dict(r) for r in data["layers"]]
        layers = {r.layer_id: r for r in records}
        if len(layers) != len(records):
            raise ValueError("a layer id appears twice")
    except (LianghuError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"unreadable manifest {path}: {exc}") from exc
    return _Manifest(revision, layers)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- attributes: what GeoPackage can hold, and back


def _encode(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, Any], str | None]:
    """The frame to write (EPSG:4326, safe names), its schema, and the GPKG geometry type."""
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
        raise StoreError("a layer must be a GeoDataFrame with a CRS")
    if gdf.columns.duplicated().any():
        raise StoreError("the layer has two columns of the same name")
    if gdf.geometry.isna().all():
        raise StoreError("the layer has no geometry")
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    used = set(RESERVED)
    columns: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    for name in gdf.columns:
        if name == gdf.geometry.name:
            columns.append({"name": name, "geometry": True})
            continue
        stored = _stored_name(str(name), used)
        series = gdf[name].reset_index(drop=True)
        data[stored] = written = _writable(series)
        columns.append({"name": name, "stored": stored, "dtype": str(series.dtype),
                        "written": str(written.dtype)})
    frame = gpd.GeoDataFrame(data, geometry=gdf.geometry.to_numpy(), crs="EPSG:4326")
    types = set(frame.geom_type.dropna())
    geometry_type = "Unknown" if len(types) > 1 else None  # None: pyogrio infers the one type
    return frame, {"format": FORMAT, "columns": columns}, geometry_type


def _stored_name(name: str, used: set[str]) -> str:
    base = name or "field"
    stored, n = base, 0
    while stored.casefold() in used:
        n += 1
        stored = f"{base}_{n}"
    used.add(stored.casefold())
    return stored


def _writable(series: pd.Series) -> pd.Series:
    """``series`` as a type GDAL can write; the original dtype is restored on read."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC")  # GeoPackage wants UTC; GDAL warns on other offsets
    if (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_dtype(dtype)
            or isinstance(dtype, pd.StringDtype)
            or (pd.api.types.is_numeric_dtype(dtype)
                and not pd.api.types.is_complex_dtype(dtype))):
        return series
    values = [None if _isna(v) else v for v in series.astype(object)]
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    if present and all(isinstance(v, numbers.Integral) for v in present):
        return pd.Series(values, dtype="Int64")
    if present and all(isinstance(v, numbers.Real) for v in present):
        return pd.Series(values, dtype="Float64")
    return pd.Series([_text(v) for v in values], dtype="str")


def _isna(value: Any) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _decode(frame: gpd.GeoDataFrame, schema_json: str | None) -> gpd.GeoDataFrame:
    """The frame as it was given to ``_encode``: names, order and dtypes restored."""
    frame = frame.reset_index(drop=True)
    if not schema_json:  # not written by this store: return it as GDAL reads it
        return frame.to_crs(4326) if frame.crs and frame.crs.to_epsg() != 4326 else frame
    columns = json.loads(schema_json)["columns"]
    data: dict[Any, Any] = {}
    geometry_name = "geometry"
    for col in columns:
        if col.get("geometry"):
            geometry_name = col["name"]
            data[geometry_name] = frame.geometry.to_numpy()
        else:
            series = _astype(frame[col["stored"]], col["written"])
            data[col["name"]] = _astype(series, col["dtype"])
    return gpd.GeoDataFrame(data, geometry=geometry_name, crs="EPSG:4326")


def _astype(series: pd.Series, dtype: str) -> pd.Series:
    """``series`` as ``dtype`` if it converts (GDAL reads e.g. nullable ints as float)."""
    if dtype == "object":
        return series.astype(object).where(series.notna(), None)
    if dtype == str(series.dtype):
        return series
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series  # e.g. text that was a timedelta; keep what GDAL read
