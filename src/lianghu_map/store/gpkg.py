"""The file backend of the layer store: one GeoPackage per version plus a JSON manifest.

Layout under the root::

    manifest.json                  all layer records, a "revision" counter and "format": 1
                                   (format 2: also "reports", the meeting reports' records)
    layers/<layer_id>/v0001.gpkg   one GeoPackage per saved data version, layer "features"
    layers/<layer_id>/prepared/v0001.<name>
                                   what a view of that version needs, made when it is saved
                                   (lianghu_map.prepared): derived, written over, never audited
    reports/<report_id>/r0001.json one JSON document per saved report version
    audit.jsonl                    one JSON line per successful layer write (append-only)
    report-audit.jsonl             one JSON line per successful report write (append-only)
    auth.sqlite3                   wrong analyst passwords (key, time), see lianghu_map.auth
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
* Temporary files are only ever made under the lock, so whatever temporary file a writer finds
  under the lock is left by a crashed (e.g. SIGKILLed) writer, and is removed.
* A full disk (``ENOSPC``/``EDQUOT``, SQLite's "database or disk is full" as GDAL reports it,
  or any failure while less than ``LOW_SPACE`` is free) is a :class:`StoreError` saying so; like
  any failed write it leaves the store as it was.
* A data file that cannot be read (corrupt, truncated, missing) is a :class:`StoreError` naming
  the layer and the file; the other layers are unaffected, and :meth:`GpkgStore.check` finds
  such files without reading them whole.

Meeting reports (:mod:`lianghu_map.store.reports`) are written the same way: the document first
(temporary name, fsync, ``os.replace``; never over an existing file), then the manifest, then the
reports' audit log; a save checks its expected revision under the lock, against the manifest as
it is on disk.  A manifest that holds reports is written as format 2, which an app that does not
know reports refuses (rather than rewriting the manifest without them).  The store revision is
shared: the layers' and the reports' audit logs together have no gaps.

The audit log is appended to under the lock, after the manifest commit, and never rewritten.  An
append that fails (full disk) does not fail the write, which is committed already: it warns
(:class:`~lianghu_map.store.AuditWarning`).  An append cut short by a crash leaves a line without
its newline: the next append ends that line first, and :meth:`GpkgStore.audit` skips it.

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

import errno
import fcntl
import json
import numbers
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from dataclasses import replace as evolve
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow
import pyogrio

from ..errors import LayerNotFound, LianghuError, ReportNotFound, StoreError, StoreFull
from . import (
    AUTH_KEEP_S,
    AUTH_MAX_ROWS,
    AuditEntry,
    AuditWarning,
    Event,
    LayerRecord,
    LinkRecord,
    VersionInfo,
    check_root,
    new_layer_id,
    record_from_dict,
    row_positions,
    utc_now,
    validate_layer_id,
    validate_prepared_name,
)
from .reports import (
    PLACES_ID,
    Prepared,
    ReportAuditEntry,
    ReportEvent,
    ReportHistory,
    ReportRecord,
    ReportVersion,
    check_expected,
    document_from_text,
    new_report_id,
    prepare,
    report_audit_entry,
    report_from_dict,
    validate_report_id,
)

__all__ = ["FORMAT", "GpkgStore"]

FORMAT = 1
REPORTS_FORMAT = 2  # the manifest's format once it holds reports
MANIFEST = "manifest.json"
AUDIT = "audit.jsonl"
REPORT_AUDIT = "report-audit.jsonl"
AUTH_DB = "auth.sqlite3"
DATA_LAYER = "features"
SCHEMA_KEY = "LIANGHU_SCHEMA"  # no ':' in the key: GDAL would split it into domain and name
# Names GDAL's GeoPackage driver uses itself (SQLite compares column names without case).
RESERVED = frozenset({"fid", "geom", "geometry"})
# A manifest whose mtime is this recent is re-read even if its stat looks unchanged: mtimes are
# coarse, and a replaced manifest may get the freed inode back (as "racy git" does).
RACY_NS = 100_000_000
# How a full disk shows: errno from Python, message text from GDAL and SQLite (which report it
# in exceptions of their own, without an errno).
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_FULL_TEXTS = ("no space left on device", "disk is full", "disk quota exceeded")
# A write that fails with less than this free is taken for a full disk whatever the error says:
# GDAL does not always say so (a GeoPackage it could not set up fails later, "no such table").
LOW_SPACE = 1 << 20

_PROCESS_LOCK = threading.RLock()


@dataclass(frozen=True)
class _Manifest:
    revision: int
    layers: dict[str, LayerRecord]  # in creation order; never mutated once built
    reports: dict[str, ReportRecord] = field(default_factory=dict)  # likewise


STALE_TMP_S = 3600.0  # a prepared file's temporary copy older than this was left by a crash


def _drop_stale_tmp(folder: Path) -> None:
    """Remove the temporary files (``.*.tmp``) in ``folder`` older than :data:`STALE_TMP_S`:
    a write in progress is younger (the largest, a million parcels' tiles, takes seconds)."""
    now = time.time()
    for tmp in folder.glob(".*.tmp"):
        with suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TMP_S:
                tmp.unlink()


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

    def read(self, layer_id: str, version: int | None = None,
             columns: Collection[str] | None = None) -> gpd.GeoDataFrame:
        """A broken data file is a :class:`StoreError` naming the layer and the file."""
        record = self.get(layer_id)
        info = record.current if version is None else record.version(version)
        path = self.root / info.file
        try:
            layer_info = pyogrio.read_info(path, layer=DATA_LAYER)
            schema = (layer_info.get("layer_metadata") or {}).get(SCHEMA_KEY)
            fields = None if columns is None else _stored_names(schema, layer_info, columns)
            frame = pyogrio.read_dataframe(path, layer=DATA_LAYER, use_arrow=True,
                                           columns=fields)
            if len(frame) != info.feature_count:  # a file cut short, or not the one we wrote
                raise ValueError(f"{len(frame)} features, the manifest says "
                                 f"{info.feature_count}")
            out = _decode(frame, schema, columns)
        except Exception as exc:
            raise StoreError(f"layer {layer_id} v{info.version}: cannot read {path}: "
                             f"{type(exc).__name__}: {exc}") from exc
        # the Arrow table GDAL read into is freed, but its allocator keeps the pages (0.1 GB
        # after a million parcels) unless asked to give them back
        pyarrow.default_memory_pool().release_unused()
        return out

    def read_rows(self, layer_id: str, version: int, rows: Sequence[int]) -> gpd.GeoDataFrame:
        """By feature id: the store writes each data file once, in order, so row ``i`` is
        fid ``i + 1``; a file where that does not hold is a :class:`StoreError`."""
        info = self.get(layer_id).version(version)
        path = self.root / info.file
        try:
            want = row_positions(rows, info.feature_count)
            frame = pyogrio.read_dataframe(path, layer=DATA_LAYER, fids=[r + 1 for r in want],
                                           fid_as_index=True)
            if list(frame.index) != [r + 1 for r in want]:
                raise ValueError(f"feature ids {list(frame.index)} for rows {want}")
            meta = pyogrio.read_info(path, layer=DATA_LAYER).get("layer_metadata") or {}
            out = _decode(frame, meta.get(SCHEMA_KEY))
            out.index = pd.Index(want)
            return out
        except Exception as exc:
            raise StoreError(f"layer {layer_id} v{info.version}: cannot read rows of {path}: "
                             f"{type(exc).__name__}: {exc}") from exc

    def check(self, layer_id: str | None = None) -> dict[str, str]:
        """``{layer_id: problem}`` for the live layers (or ``layer_id``) whose current data file
        is missing or cannot be opened, or does not hold the features the manifest says.

        Cheap (opens each file's metadata, reads no features), so that the app can name broken
        layers at start and show the others; :meth:`read` still fails on damage this misses.
        """
        manifest = self._load()
        if layer_id is not None:
            records = [_find(manifest, layer_id)]
        else:
            records = [r for r in manifest.layers.values() if not r.deleted]
        problems = {}
        for record in records:
            problem = self._problem(record.current)
            if problem:
                problems[record.layer_id] = problem
        return problems

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first; the last ``limit`` entries if ``limit`` is given.

        Lines that do not parse (one cut short by a crash) are skipped, never an error.
        """
        return self._read_log(AUDIT, _audit_from_line, limit)

    def _read_log(self, name: str, parse, limit: int | None) -> list:
        if limit is not None and limit < 0:
            raise StoreError(f"audit limit must be >= 0, got {limit}")
        path = self.root / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc
        entries = [e for e in map(parse, raw.split(b"\n")) if e is not None]
        return entries[max(0, len(entries) - limit):] if limit is not None else entries

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
            target = record.version(version)
            problem = self._problem(target)
            if problem:  # a revert makes that file current: refuse a broken one
                raise StoreError(f"layer {layer_id} v{version} cannot be restored: {problem}")
            info = evolve(target, version=_next(record), created_by=user,
                          created_at=utc_now(), note=f"reverted to v{version}")
            return self._commit(manifest, _append(record, info, "revert"))

    def delete(self, layer_id: str, *, user: str) -> LayerRecord:
        """Soft: hides the layer, keeps every version.  Deleting a deleted layer is a no-op."""
        return self._set_deleted(layer_id, True, "delete", user)

    def restore(self, layer_id: str, *, user: str) -> LayerRecord:
        """Undoes :meth:`delete`.  Restoring a layer that is not deleted is a no-op."""
        return self._set_deleted(layer_id, False, "restore", user)

    # -- prepared artefacts of a version (derived data: no lock, no manifest, no audit)

    def save_prepared(self, layer_id: str, version: int, name: str, data: bytes) -> None:
        """Written to a temporary name and ``os.replace``'d: a reader sees the old file or
        the new one, never a part.  A temporary file a killed process left behind (older
        than :data:`STALE_TMP_S`) is removed on the way."""
        path = self._prepared_path(layer_id, version, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _drop_stale_tmp(path.parent)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                with suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            if _disk_full(exc) or _low_on_space(self.root):
                raise StoreFull(f"no space left on the device ({exc})") from exc
            raise StoreError(f"layer {layer_id} v{version}: cannot keep {name}: {exc}") from exc

    def load_prepared(self, layer_id: str, version: int, name: str) -> bytes | None:
        try:
            return self._prepared_path(layer_id, version, name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"layer {layer_id} v{version}: cannot read {name}: {exc}") from exc

    def _prepared_path(self, layer_id: str, version: int, name: str) -> Path:
        self.get(layer_id).version(version)  # LayerNotFound for a layer or version not saved
        return (self.root / "layers" / layer_id / "prepared"
                / f"v{int(version):04d}.{validate_prepared_name(name)}")

    # -- meeting reports (see lianghu_map.store.reports)

    def list_reports(self, include_deleted: bool = False) -> list[ReportRecord]:
        return [r for r in self._load().reports.values()
                if (include_deleted or not r.deleted) and r.report_id != PLACES_ID]

    def report(self, report_id: str) -> ReportRecord:
        return _find_report(self._load(), report_id)

    def get_report(self, report_id: str, revision: int | None = None) -> dict[str, Any]:
        """A document that is missing or not the one saved is a :class:`StoreError` naming the
        report and the file."""
        record = self.report(report_id)
        info = record.current if revision is None else record.version(revision)
        try:
            text = (self.root / info.file).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:  # named by the file in the store only
            why = getattr(exc, "strerror", None) or type(exc).__name__
            raise StoreError(f"report {report_id} r{info.revision}: cannot read {info.file}: "
                             f"{why}") from exc
        return document_from_text(text, report_id, info)

    def save_report(
        self,
        document: Mapping[str, Any],
        *,
        title: str,
        date: str,
        body: str = "",
        source_url: str = "",
        user: str,
        report_id: str | None = None,
        expected_revision: int | None = None,
        note: str = "",
    ) -> ReportRecord:
        prepared = prepare(document, title=title, date=date, body=body, source_url=source_url,
                           note=note)
        if report_id is not None:
            validate_report_id(report_id)
        with self._locked() as manifest:
            rid = report_id
            while rid is None or (report_id is None and rid in manifest.reports):
                rid = new_report_id(prepared.date)
            current = manifest.reports.get(rid)
            check_expected(rid, current, expected_revision)
            revision = current.current_revision + 1 if current else 1
            info = self._write_document(rid, revision, prepared, user)
            event = ReportEvent("update" if current else "create", revision, user,
                                info.created_at)
            if current is None:
                record = ReportRecord(rid, revision, False, (info,), (event,))
            else:
                record = evolve(current, current_revision=revision,
                                versions=(*current.versions, info),
                                events=(*current.events, event))
            return self._commit_report(manifest, record)

    def delete_report(self, report_id: str, *, user: str) -> ReportRecord:
        return self._set_report_deleted(report_id, True, "delete", user)

    def restore_report(self, report_id: str, *, user: str) -> ReportRecord:
        return self._set_report_deleted(report_id, False, "restore", user)

    def report_history(self, report_id: str) -> ReportHistory:
        record = self.report(report_id)
        audit = tuple(e for e in self.report_audit() if e.report_id == report_id)
        return ReportHistory(record, record.versions, audit)

    def report_audit(self, limit: int | None = None) -> list[ReportAuditEntry]:
        return self._read_log(REPORT_AUDIT, _report_audit_from_line, limit)

    def _set_report_deleted(self, report_id: str, deleted: bool, action: str, user: str
                            ) -> ReportRecord:
        validate_report_id(report_id)
        with self._locked() as manifest:
            record = _find_report(manifest, report_id)
            if record.deleted == deleted:
                return record  # nothing to do, so no event and no new revision
            event = ReportEvent(action, record.current_revision, user, utc_now())
            return self._commit_report(
                manifest, evolve(record, deleted=deleted, events=(*record.events, event)))

    def _commit_report(self, manifest: _Manifest, record: ReportRecord) -> ReportRecord:
        revision = self._write_manifest(manifest, manifest.layers,
                                        {**manifest.reports, record.report_id: record})
        self._append_line(REPORT_AUDIT, asdict(report_audit_entry(record, revision)),
                          f"report {record.report_id}", revision)
        return record

    def _write_document(self, report_id: str, revision: int, prepared: Prepared, user: str
                        ) -> ReportVersion:
        """Write the document of a new version (never over an existing file) and describe it."""
        folder = self.root / "reports" / report_id
        if not folder.is_dir():
            folder.mkdir(parents=True)
            _fsync_dir(folder.parent)
            _fsync_dir(self.root)
        _sweep(folder, ".*.tmp.json")
        target = folder / f"r{revision:04d}.json"
        n = 0
        while target.exists():  # an orphan left by a crash: keep it, take another name
            n += 1
            target = folder / f"r{revision:04d}-{n}.json"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp.json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(prepared.text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            _fsync_dir(folder)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        return ReportVersion(
            revision=revision, file=target.relative_to(self.root).as_posix(),
            sha256=prepared.sha256, size=prepared.size, title=prepared.title,
            date=prepared.date, body=prepared.body, source_url=prepared.source_url,
            created_by=user, created_at=utc_now(), note=prepared.note,
        )

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
                if _disk_full(exc) or _low_on_space(self.root):
                    raise StoreFull(f"no space left on the device ({type(exc).__name__}: "
                                    f"{exc})") from exc
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
        """Write the manifest with ``record`` added or updated, atomically; then log it."""
        revision = self._write_manifest(manifest, {**manifest.layers, record.layer_id: record},
                                        manifest.reports)
        self._log(record, revision)
        return record

    def _write_manifest(self, manifest: _Manifest, layers: dict[str, LayerRecord],
                        reports: dict[str, ReportRecord]) -> int:
        """Write the manifest atomically, the revision one up; return the new revision."""
        revision = manifest.revision + 1
        data: dict[str, Any] = {"format": REPORTS_FORMAT if reports else FORMAT,
                                "revision": revision,
                                "layers": [asdict(r) for r in layers.values()]}
        if reports:
            data["reports"] = [asdict(r) for r in reports.values()]
        text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
        _sweep(self.root, ".manifest-*.json.tmp")
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
        return revision

    def _log(self, record: LayerRecord, revision: int) -> None:
        """Append the audit line of a committed write; never raises (see the module docstring)."""
        self._append_line(AUDIT, asdict(_audit_entry(record, revision)),
                          f"layer {record.layer_id}", revision)

    def _append_line(self, name: str, entry: dict[str, Any], what: str, revision: int) -> None:
        """Append one JSON line to the log ``name``; a failure only warns."""
        path = self.root / name
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        try:
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                data = line.encode("utf-8")
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # end a line a crash cut short; it stays as it is
                while data:
                    data = data[os.write(fd, data):]
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _fsync_dir(self.root)
        except Exception as exc:
            warnings.warn(f"{what} saved (revision {revision}), but the audit "
                          f"log {path} could not be appended to: {exc}", AuditWarning,
                          stacklevel=5)

    def _problem(self, info: VersionInfo) -> str:
        """What is wrong with the data file of ``info`` ("" if it opens and looks complete)."""
        path = self.root / info.file
        if not path.is_file():
            return f"{info.file} is missing"
        try:
            count = pyogrio.read_info(path, layer=DATA_LAYER)["features"]
        except Exception as exc:
            return f"{info.file} cannot be opened: {type(exc).__name__}: {exc}"
        if count >= 0 and count != info.feature_count:
            return f"{info.file} holds {count} features, the manifest says {info.feature_count}"
        return ""

    def _write_version(
        self, layer_id: str, version: int, gdf: gpd.GeoDataFrame, *, original_name: str,
        sha256: str, conversions: Sequence[str], links: Sequence[LinkRecord], user: str,
    ) -> VersionInfo:
        """Write the data file of a new version (never over an existing file) and describe it."""
        frame, schema, geometry_type = _encode(gdf)
        folder = self.root / "layers" / layer_id
        if not folder.is_dir():
            folder.mkdir(parents=True)
            _fsync_dir(folder.parent)  # so that the manifest never names a folder a crash lost
            _fsync_dir(self.root)
        _sweep(folder, "*.tmp.gpkg*")
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
            written = pyogrio.read_info(tmp, layer=DATA_LAYER)["features"]
            if written != len(frame):  # GDAL may not report every failure (on close, say)
                raise StoreError(f"{tmp} holds {written} features after writing {len(frame)}")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            _fsync_dir(folder)
        except BaseException:
            for path in folder.glob(f"{Path(tmp).name}*"):  # with any -journal or -wal of GDAL's
                with suppress(OSError):
                    path.unlink()
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

    # -- wrong analyst passwords: a small SQLite file, each change one transaction

    def auth_failure(self, key: str, now: float) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (key, float(now)))
            db.execute("DELETE FROM failures WHERE at < ? OR rowid <= "
                       "(SELECT max(rowid) FROM failures) - ?", (now - AUTH_KEEP_S, AUTH_MAX_ROWS))

        self._auth(write)

    def auth_state(self, key: str, since: float) -> tuple[int, int]:
        return self._auth(lambda db: db.execute(
            "SELECT count(*) FILTER (WHERE key = ?), count(*) FROM failures WHERE at >= ?",
            (key, float(since))).fetchone())

    def auth_reset(self) -> None:
        if (self.root / AUTH_DB).exists():  # nothing counted yet: leave no file behind
            self._auth(lambda db: db.execute("DELETE FROM failures"))

    def _auth(self, fn):
        """``fn(db)`` in one immediate (write-locked) transaction on ``auth.sqlite3``."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.root / AUTH_DB, timeout=10, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, "
                           "at REAL NOT NULL)")
                db.execute("CREATE INDEX IF NOT EXISTS failures_at ON failures (at)")
                db.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")
                result = fn(db)
                db.execute("COMMIT")
                return result if isinstance(result, tuple) else None
            finally:
                db.close()  # an open transaction is rolled back
        except (OSError, sqlite3.Error) as exc:
            if _disk_full(exc) or _low_on_space(self.root):
                raise StoreFull(f"no space left on the device ({AUTH_DB}: {exc})") from exc
            raise StoreError(f"{AUTH_DB}: {type(exc).__name__}: {exc}") from exc


def _find(manifest: _Manifest, layer_id: str, live: bool = False) -> LayerRecord:
    record = manifest.layers.get(validate_layer_id(layer_id))
    if record is None:
        raise LayerNotFound(layer_id)
    if live and record.deleted:
        raise StoreError(f"layer {layer_id} is deleted; restore it first")
    return record


def _find_report(manifest: _Manifest, report_id: str) -> ReportRecord:
    record = manifest.reports.get(validate_report_id(report_id))
    if record is None:
        raise ReportNotFound(report_id, report=report_id)
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
        if data.get("format") not in (FORMAT, REPORTS_FORMAT):
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT} or "
                             f"{REPORTS_FORMAT}")
        revision = data["revision"]
        if not isinstance(revision, int):
            raise TypeError("revision is not an integer")
        records = [record_from_dict(r) for r in data["layers"]]
        layers = {r.layer_id: r for r in records}
        if len(layers) != len(records):
            raise ValueError("a layer id appears twice")
        kept = ([report_from_dict(r) for r in data["reports"]]
                if data["format"] == REPORTS_FORMAT else [])
        reports = {r.report_id: r for r in kept}
        if len(reports) != len(kept):
            raise ValueError("a report id appears twice")
    except (LianghuError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"unreadable manifest {path}: {exc}") from exc
    return _Manifest(revision, layers, reports)


def _sweep(folder: Path, pattern: str) -> None:
    """Remove temporary files a crashed writer left; only ever called under the lock."""
    for path in folder.glob(pattern):
        with suppress(OSError):
            path.unlink()


def _disk_full(exc: BaseException) -> bool:
    """Whether ``exc``, or an exception it was raised from, says that the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if any(text in str(current).lower() for text in _FULL_TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False


def _low_on_space(path: Path) -> bool:
    try:
        return shutil.disk_usage(path).free < LOW_SPACE
    except OSError:
        return False


def _audit_entry(record: LayerRecord, revision: int) -> AuditEntry:
    event, info = record.events[-1], record.current  # every write adds exactly one event
    return AuditEntry(
        at=event.at, user=event.user, action=event.action, layer_id=record.layer_id,
        title=record.title("zh-Hans"), version=record.current_version,
        sha256="" if event.action in ("delete", "restore") else info.sha256,
        original_name=info.original_name, feature_count=info.feature_count,
        links=len(info.links), file=info.file, revision=revision,
    )


_AUDIT_FIELDS = frozenset(f.name for f in fields(AuditEntry))


def _audit_from_line(line: bytes) -> AuditEntry | None:
    """The entry on ``line``; None for a blank, cut-short or otherwise unreadable line."""
    try:
        data = json.loads(line.decode("utf-8"))
        return AuditEntry(**{k: v for k, v in data.items() if k in _AUDIT_FIELDS})
    except (ValueError, TypeError, AttributeError):
        return None


_REPORT_AUDIT_FIELDS = frozenset(f.name for f in fields(ReportAuditEntry))


def _report_audit_from_line(line: bytes) -> ReportAuditEntry | None:
    try:
        data = json.loads(line.decode("utf-8"))
        return ReportAuditEntry(**{k: v for k, v in data.items() if k in _REPORT_AUDIT_FIELDS})
    except (ValueError, TypeError, AttributeError):
        return None


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


def _stored_names(schema_json: str | None, layer_info: dict, columns: Collection[str]
                  ) -> list[str]:
    """The file's fields that hold ``columns`` (those of them the layer has)."""
    if not schema_json:  # not written by this store: the names are the file's
        return [f for f in layer_info["fields"] if f in columns]
    return [c["stored"] for c in json.loads(schema_json)["columns"]
            if not c.get("geometry") and c["name"] in columns]


def _decode(frame: gpd.GeoDataFrame, schema_json: str | None,
            wanted: Collection[str] | None = None) -> gpd.GeoDataFrame:
    """The frame as it was given to ``_encode``: names, order and dtypes restored (of the
    ``wanted`` columns only, if given)."""
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
        elif wanted is not None and col["name"] not in wanted:
            continue
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
