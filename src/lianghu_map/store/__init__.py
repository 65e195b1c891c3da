"""The layer store: uploaded layers, kept for everyone, with nothing ever lost.

Every save makes a new version; replacing a layer keeps the old versions; delete is soft and can
be undone; a revert appends a copy of an old version, so history only grows.  This module holds
the backend-neutral part (the records, the :class:`LayerStore` protocol, layer ids);
:mod:`.gpkg` is the file backend (the default), :mod:`.postgis` the database backend that several
app instances can share (chosen by a database URL, see :func:`open_store`).

Records are frozen dataclasses, JSON-serialisable through :func:`dataclasses.asdict`, and
:func:`record_from_dict` is the way back.

Meeting reports are kept in the same store, the same way (versions, soft delete, audit; see
:mod:`.reports`): the ``*_report*`` methods of :class:`LayerStore`.

Every successful write also leaves an :class:`AuditEntry` (who, when, what, which upload) in an
append-only audit log, so that analysts can see, and export, what happened to every layer even
after the manifest has moved on.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .. import paths
from ..errors import LayerNotFound, StoreError
from .reports import (
    MAX_REPORT_BYTES,
    ReportAuditEntry,
    ReportEvent,
    ReportHistory,
    ReportRecord,
    ReportVersion,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ACTIONS",
    "AUTH_KEEP_S",
    "AUTH_MAX_ROWS",
    "LAYER_ID_RE",
    "LINK_ORIGINS",
    "MAX_REPORT_BYTES",
    "PREPARED_NAME_RE",
    "AuditEntry",
    "AuditWarning",
    "Event",
    "LayerRecord",
    "LayerStore",
    "LinkRecord",
    "ReportAuditEntry",
    "ReportEvent",
    "ReportHistory",
    "ReportRecord",
    "ReportVersion",
    "VersionInfo",
    "check_root",
    "new_layer_id",
    "open_store",
    "record_from_dict",
    "row_positions",
    "utc_now",
    "validate_layer_id",
    "validate_prepared_name",
]

# A layer id becomes a path component (and later a table key): keep it to a safe alphabet.
LAYER_ID_RE = re.compile(r"^[a-z0-9-]{3,64}$")
LINK_ORIGINS = ("file", "suggested", "analyst")
ACTIONS = ("create", "replace", "delete", "restore", "revert", "update")
# What may name a prepared artefact of a layer version (see LayerStore.save_prepared)
PREPARED_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
# Wrong-password failures (lianghu_map.auth): kept this long, at most this many (the newest)
AUTH_KEEP_S = 86400.0
AUTH_MAX_ROWS = 100_000


@dataclass(frozen=True)
class LinkRecord:
    """A feature ↔ directive link saved with a layer version (who proposed it: ``origin``)."""

    feature_id: str
    directive_id: str
    evidence: str
    origin: str  # "file" (in the upload) | "suggested" (by the app) | "analyst" (by hand)

    def __post_init__(self) -> None:
        if self.origin not in LINK_ORIGINS:
            raise StoreError(f"link origin {self.origin!r} is not one of {LINK_ORIGINS}")


@dataclass(frozen=True)
class VersionInfo:
    """One saved version: its data file, where it came from and what is in it."""

    version: int
    file: str  # path relative to the store root (posix); versions may share a file
    original_name: str
    sha256: str  # of the uploaded file
    conversions: tuple[str, ...]  # what ingest did (CRS, datum, encoding …)
    feature_count: int
    bounds: tuple[float, float, float, float]  # minx, miny, maxx, maxy in EPSG:4326
    geometry_types: tuple[str, ...]
    created_by: str
    created_at: str  # ISO 8601, UTC
    links: tuple[LinkRecord, ...]
    note: str = ""


@dataclass(frozen=True)
class Event:
    action: str  # one of ACTIONS
    version: int  # the current version after the action
    user: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: a successful write, as it was committed.

    ``action`` is the :class:`Event` action (``"update"`` is a link edit).  ``version`` and the
    fields after it describe the layer's current version after the action; ``sha256`` is that of
    the upload behind it, ``""`` for delete and restore (no data was written).  ``revision`` is
    the store revision the write produced: a gap in it that the reports' audit log
    (:class:`ReportAuditEntry`, ``store_revision``) does not fill shows an entry that could not
    be logged.
    """

    at: str  # ISO 8601, UTC (the time of the layer's event)
    user: str
    action: str  # one of ACTIONS
    layer_id: str
    title: str  # the Chinese title, else the English one
    version: int
    sha256: str
    original_name: str
    feature_count: int
    links: int  # how many feature ↔ directive links the current version has
    file: str = ""  # the current version's data file, relative to the store root
    revision: int = 0


class AuditWarning(UserWarning):
    """A write was committed but could not be added to the audit log (e.g. the disk is full).

    A warning, not an error: the data and the manifest are safe, and failing the write after the
    commit would make the user repeat a save that happened.  The gap shows in the revisions.
    """


@dataclass(frozen=True)
class LayerRecord:
    layer_id: str
    title_zh: str
    title_en: str
    kind: str
    color: str
    status: str
    source: str
    current_version: int
    versions: tuple[VersionInfo, ...]
    deleted: bool
    events: tuple[Event, ...]

    def __post_init__(self) -> None:
        validate_layer_id(self.layer_id)
        if not any(v.version == self.current_version for v in self.versions):
            raise StoreError(f"layer {self.layer_id}: no version {self.current_version}")

    @property
    def current(self) -> VersionInfo:
        return self.version(self.current_version)

    def version(self, number: int) -> VersionInfo:
        """The saved version ``number``; :class:`LayerNotFound` if there is none."""
        for info in self.versions:
            if info.version == number:
                return info
        raise LayerNotFound(f"{self.layer_id} v{number}")

    def title(self, lang: str) -> str:
        if lang == "en":
            return self.title_en or self.title_zh
        return self.title_zh or self.title_en


def record_from_dict(data: Mapping[str, Any]) -> LayerRecord:
    """The inverse of ``dataclasses.asdict`` (lists back to tuples).

    Raises TypeError or KeyError if ``data`` is malformed, StoreError if it is inconsistent.
    """
    versions = tuple(
        VersionInfo(**{
            **v,
            "conversions": tuple(v["conversions"]),
            "bounds": tuple(v["bounds"]),
            "geometry_types": tuple(v["geometry_types"]),
            "links": tuple(LinkRecord(**link) for link in v["links"]),
        })
        for v in data["versions"]
    )
    events = tuple(Event(**e) for e in data["events"])
    return LayerRecord(**{**data, "versions": versions, "events": events})


def validate_prepared_name(name: object) -> str:
    if not isinstance(name, str) or not PREPARED_NAME_RE.fullmatch(name):
        raise StoreError(f"invalid prepared artefact name {name!r}")
    return name


def row_positions(rows: Sequence[int], count: int) -> list[int]:
    """``rows`` (for :meth:`LayerStore.read_rows`) as sorted distinct positions; a
    :class:`ValueError` for one outside a version of ``count`` features."""
    want = sorted({int(r) for r in rows})
    if any(not 0 <= r < count for r in want):
        raise ValueError(f"rows {want}: the version holds {count}")
    return want


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def validate_layer_id(layer_id: object) -> str:
    if not isinstance(layer_id, str) or not LAYER_ID_RE.fullmatch(layer_id):
        raise StoreError(f"invalid layer id {layer_id!r} (allowed: a-z, 0-9, '-', 3–64 long)")
    return layer_id


def new_layer_id(title: str) -> str:
    """``up-<slug>-<6 hex>`` from the ASCII letters and digits of ``title``, else ``up-<8 hex>``."""
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:40].strip("-")
    return f"up-{slug}-{secrets.token_hex(3)}" if slug else f"up-{secrets.token_hex(4)}"


def check_root(root: Path) -> Path:
    """Refuse a store root inside ``<project>/static``: uploads must never be served as files."""
    static = (paths.PROJECT_ROOT / "static").resolve()
    resolved = Path(root).resolve()
    if resolved.is_relative_to(static):
        raise StoreError(f"the layer store may not live under {static} (got {root})")
    return resolved


@runtime_checkable
class LayerStore(Protocol):
    """What the app needs from a layer store, whatever keeps the data.

    Writes return the layer's new record.  Reads never lock; ``revision()`` is the cache key.
    """

    def revision(self) -> str:
        """Cheap; changes on every successful write, by this process or another one."""
        ...

    def list_layers(self, include_deleted: bool = False) -> list[LayerRecord]:
        """In creation order."""
        ...

    def get(self, layer_id: str) -> LayerRecord:
        """Also for a deleted layer; :class:`LayerNotFound` if there is none."""
        ...

    def read(self, layer_id: str, version: int | None = None,
             columns: Collection[str] | None = None) -> gpd.GeoDataFrame:
        """EPSG:4326, the original columns in their order, index 0..n-1.  ``columns``: only
        those of them the layer has, and its geometry (the catalogue reads a million parcels'
        names, not every attribute)."""
        ...

    def read_rows(self, layer_id: str, version: int, rows: Sequence[int]) -> gpd.GeoDataFrame:
        """Rows ``rows`` (positions in :meth:`read`'s frame) of a version, as
        :meth:`read` gives them, indexed by position; without reading the others (a click on
        one of a million parcels reads one).  A position out of range is a :class:`StoreError`."""
        ...

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
    ) -> LayerRecord: ...

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
    ) -> LayerRecord: ...

    def update_links(
        self, layer_id: str, links: Sequence[LinkRecord], *, user: str
    ) -> LayerRecord: ...

    def delete(self, layer_id: str, *, user: str) -> LayerRecord: ...

    def restore(self, layer_id: str, *, user: str) -> LayerRecord: ...

    def revert(self, layer_id: str, version: int, *, user: str) -> LayerRecord: ...

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first (the last ``limit`` entries if given)."""
        ...

    # -- what a view of a layer version needs, made when it is saved (lianghu_map.prepared):
    # derived data, not history — written over, not versioned or audited, no revision bump

    def save_prepared(self, layer_id: str, version: int, name: str, data: bytes) -> None:
        """Keep ``data`` as the artefact ``name`` of that version (replacing one of that name)."""
        ...

    def load_prepared(self, layer_id: str, version: int, name: str) -> bytes | None:
        """The artefact saved by :meth:`save_prepared`; None if there is none."""
        ...

    def check(self, layer_id: str | None = None) -> dict[str, str]:
        """``{layer_id: problem}`` for the live layers (or ``layer_id``) whose data is broken."""
        ...

    # -- meeting reports (lianghu_map.store.reports): each write also bumps ``revision()``

    def list_reports(self, include_deleted: bool = False) -> list[ReportRecord]:
        """In creation order; metadata only (the documents: :meth:`get_report`)."""
        ...

    def report(self, report_id: str) -> ReportRecord:
        """Also for a deleted report; :class:`~lianghu_map.errors.ReportNotFound` if none."""
        ...

    def get_report(self, report_id: str, revision: int | None = None) -> dict[str, Any]:
        """The stored JSON document (the current revision, or ``revision``)."""
        ...

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
        """A new report (``expected_revision`` None; ``report_id`` made up if None) or a new
        version of ``report_id`` made from its ``expected_revision``; a save from any other
        revision, or of a deleted report, is a :class:`~lianghu_map.errors.ReportConflict`.
        Bad metadata or a document over ``MAX_REPORT_BYTES``: ``ReportInvalid`` /
        ``ReportTooLarge``; nothing is written."""
        ...

    def delete_report(self, report_id: str, *, user: str) -> ReportRecord:
        """Soft; a no-op on a deleted report."""
        ...

    def restore_report(self, report_id: str, *, user: str) -> ReportRecord:
        """Undoes :meth:`delete_report`; a no-op on a live report."""
        ...

    def report_history(self, report_id: str) -> ReportHistory:
        """Every version and every audit entry of the report, oldest first."""
        ...

    def report_audit(self, limit: int | None = None) -> list[ReportAuditEntry]:
        """The reports' audit log, oldest first (the last ``limit`` entries if given)."""
        ...

    # -- wrong analyst passwords, counted for every instance (lianghu_map.auth.FailureLog)

    def auth_failure(self, key: str, now: float) -> None:
        """Count a wrong password from client ``key`` at ``now`` (seconds since the epoch);
        forgets failures older than ``AUTH_KEEP_S`` and beyond the newest ``AUTH_MAX_ROWS``."""
        ...

    def auth_state(self, key: str, since: float) -> tuple[int, int]:
        """``(failures of key, failures of all keys)`` at or after ``since``."""
        ...

    def auth_reset(self) -> None:
        """Forget every failure (an administrator's decision; the tests)."""
        ...


def open_store(root: Path | None = None) -> LayerStore:
    """The GeoPackage store at ``root`` if given.  Otherwise the configured store: PostGIS if a
    database URL is set (``LIANGHU_DATABASE_URL`` or ``database_url`` in Streamlit's secrets;
    one shared store per URL and schema in a process, see :mod:`lianghu_map.config`), else the
    GeoPackage store at ``$LIANGHU_VAR``, else at ``<project>/var``.

    Never connects: a database that cannot be reached is a :class:`StoreError` from the first
    call that needs it.
    """
    from .gpkg import GpkgStore

    if root is None:
        from ..config import database_settings

        url, schema = database_settings()
        if url:
            from .postgis import shared_store

            return shared_store(url, schema)
        root = Path(os.environ.get("LIANGHU_VAR") or paths.VAR_DIR)
    return GpkgStore(Path(root))
