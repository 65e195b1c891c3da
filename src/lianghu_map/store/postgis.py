"""The PostGIS backend of the layer store: several app instances share one database.

Chosen by a database URL (``LIANGHU_DATABASE_URL`` or ``database_url`` in Streamlit's secrets,
see :mod:`lianghu_map.config`); the tables live in one schema (``LIANGHU_DATABASE_SCHEMA``,
default ``lianghu``), so several stores can share a database.  The behaviour is that of
:mod:`.gpkg` (versions, soft delete, revert, the records, the audit log, ``check()``), and
:meth:`PostgisStore.read` gives back the same GeoDataFrame.

Tables (``<schema>.``)::

    schema_version  one row per migration applied (created and migrated on first use)
    state           one row: ``revision``, bumped by every write (the catalogue's cache key)
    layers          one row per layer: titles, kind …, ``current_version``, ``deleted``
    versions        one row per version (append-only): provenance, links (JSONB), ``file``
    events          one row per event of a layer (append-only)
    data            one row per data set (append-only): ``file`` (``layers/<id>/v0001``), the
                    column schema (original names and dtypes, JSONB), ``feature_count``
    features        one row per feature (append-only): ``file``, ``fid`` (0..n-1), ``geom``
                    (PostGIS geometry, EPSG:4326, GiST index), ``props`` (JSONB)
    audit           one row per successful write (append-only), with the revision it made
    reports         one row per meeting report: ``current_revision``, ``deleted``
    report_versions one row per report version (append-only): the document (JSON text, as
                    saved), its digest and size, the metadata (title, date, body, source_url)
    report_audit    one row per successful report write (append-only), with the store revision
                    it made; also the report's events (its record is built from these rows)
    auth_failures   one row per wrong analyst password: client key, time (lianghu_map.auth)
    current_features  a view: the current features of the live layers (for QGIS and SQL)

Why it is safe:

* Every write is one transaction.  It locks the layer's row (``SELECT … FOR UPDATE``; a create
  inserts it), writes the data (``COPY``), the version and the event, then bumps the revision
  (``UPDATE state … RETURNING``, which locks the one state row until the commit) and appends
  the audit row.  So writes to different layers write their data concurrently and commit one
  after the other, in revision order; writes to one layer are serialised by its row lock and
  always see the versions committed before them.  Nothing is visible before the commit, and a
  writer that dies (a killed process, a lost connection) leaves nothing: the server rolls its
  transaction back and releases its locks.
* A serialisation failure or a deadlock (which this lock order should never produce) is retried
  with a fresh transaction; an automatic layer id that is taken is replaced by another.
* Triggers make ``versions``, ``events``, ``data``, ``features`` and ``audit`` append-only:
  history cannot be changed through the app's tables without disabling them on purpose.
* A report save locks the report's row (a new report inserts it: of two inserting the same id,
  the second waits for the first to commit and then finds it), checks the expected revision
  against the committed one, and writes the version, the revision bump and the audit row in the
  same transaction.  So of two saves from the same revision, one commits and the other is a
  :class:`~lianghu_map.errors.ReportConflict`; nothing is lost.
* The audit row is written in the write's own transaction: unlike the GeoPackage backend's log
  (appended after the commit, so that a full disk only warns), it can never miss a write.
* The schema is created and migrated under an advisory lock (one key per schema), so instances
  that start at once do it once; a database migrated by a newer app is refused, not touched.
* A server that cannot be reached, a full disk (SQLSTATE 53100: :class:`StoreFull`) or any
  database error is a :class:`StoreError`; no message, ``repr`` or ``root`` shows the password.

Connections: each store keeps a few idle connections (``POOL_IDLE``), dropped if the server has
closed them and checked with ``SELECT 1`` before reuse after ``PING_AFTER`` seconds idle.  After
a failed connect, calls fail at once for ``DOWN_FOR`` seconds (a page run makes several, each
of which would wait for the connect timeout of an unreachable host).  :func:`shared_store` gives
one store per URL and schema per process, which is what :func:`~lianghu_map.store.open_store`
returns.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import select
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from dataclasses import replace as evolve
from typing import Any, TypeVar
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import conninfo as _conninfo
from psycopg.pq import TransactionStatus

from ..errors import LayerNotFound, LianghuError, ReportNotFound, StoreError, StoreFull
from . import (
    AUTH_KEEP_S,
    AUTH_MAX_ROWS,
    AuditEntry,
    Event,
    LayerRecord,
    LinkRecord,
    VersionInfo,
    new_layer_id,
    row_positions,
    utc_now,
    validate_layer_id,
    validate_prepared_name,
)
from .gpkg import _append, _astype, _audit_entry, _isna, _links, _next, _writable
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
    validate_report_id,
)

__all__ = ["DEFAULT_SCHEMA", "SCHEMA_VERSION", "PostgisStore", "shared_store"]

DEFAULT_SCHEMA = "lianghu"
SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
CONNECT_TIMEOUT = 10  # seconds, unless the URL says otherwise (connect_timeout=…)
POOL_IDLE = 4  # idle connections a store keeps
PING_AFTER = 30.0  # seconds idle after which a connection is checked before it is used again
DOWN_FOR = 5.0  # seconds after a failed connect during which calls fail at once, not retry it
RETRIES = 8  # of a write that hit a serialisation failure or a deadlock
_RETRY_STATES = frozenset({"40001", "40P01"})
_DISK_FULL = "53100"
_T = TypeVar("_T")

# -- the schema: migrations are applied in order, once each; never edit one that has shipped

_APPEND_ONLY = ("versions", "events", "data", "features", "audit")
_REPORTS_APPEND_ONLY = ("report_versions", "report_audit")
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE {s}.state (
            id integer PRIMARY KEY CHECK (id = 1),
            revision bigint NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""",
        "INSERT INTO {s}.state (id, revision) VALUES (1, 0)",
        """CREATE TABLE {s}.layers (
            layer_id text PRIMARY KEY CHECK (layer_id ~ '^[a-z0-9-]{3,64}$'),
            title_zh text NOT NULL, title_en text NOT NULL, kind text NOT NULL,
            color text NOT NULL, status text NOT NULL, source text NOT NULL,
            current_version integer NOT NULL,
            deleted boolean NOT NULL DEFAULT false,
            created_revision bigint,
            revision bigint)""",
        """CREATE TABLE {s}.data (
            file text PRIMARY KEY,
            layer_id text NOT NULL REFERENCES {s}.layers,
            schema jsonb NOT NULL,
            feature_count integer NOT NULL)""",
        """CREATE TABLE {s}.features (
            file text NOT NULL REFERENCES {s}.data,
            fid integer NOT NULL,
            geom geometry CHECK (geom IS NULL OR ST_SRID(geom) = 4326),
            props jsonb NOT NULL,
            PRIMARY KEY (file, fid))""",
        "CREATE INDEX features_geom_idx ON {s}.features USING gist (geom)",
        """CREATE TABLE {s}.versions (
            layer_id text NOT NULL REFERENCES {s}.layers,
            version integer NOT NULL,
            file text NOT NULL REFERENCES {s}.data,
            original_name text NOT NULL, sha256 text NOT NULL,
            conversions jsonb NOT NULL, feature_count integer NOT NULL,
            bounds double precision[] NOT NULL, geometry_types jsonb NOT NULL,
            created_by text NOT NULL, created_at text NOT NULL,
            links jsonb NOT NULL, note text NOT NULL,
            PRIMARY KEY (layer_id, version))""",
        """ALTER TABLE {s}.layers ADD FOREIGN KEY (layer_id, current_version)
            REFERENCES {s}.versions DEFERRABLE INITIALLY DEFERRED""",
        """CREATE TABLE {s}.events (
            layer_id text NOT NULL REFERENCES {s}.layers,
            seq integer NOT NULL,
            action text NOT NULL
                CHECK (action IN ('create', 'replace', 'delete', 'restore', 'revert', 'update')),
            version integer NOT NULL, user_name text NOT NULL, at text NOT NULL,
            PRIMARY KEY (layer_id, seq))""",
        """CREATE TABLE {s}.audit (
            seq bigserial PRIMARY KEY,
            revision bigint NOT NULL UNIQUE,
            at text NOT NULL, user_name text NOT NULL, action text NOT NULL,
            layer_id text NOT NULL, title text NOT NULL, version integer NOT NULL,
            sha256 text NOT NULL, original_name text NOT NULL, feature_count integer NOT NULL,
            links integer NOT NULL, file text NOT NULL)""",
        """CREATE FUNCTION {s}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'lianghu-map: %.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME;
            END $$""",
        *(f"""CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {{s}}.{t}
              FOR EACH ROW EXECUTE FUNCTION {{s}}.append_only()""" for t in _APPEND_ONLY),
        *(f"""CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {{s}}.{t}
              FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.append_only()""" for t in _APPEND_ONLY),
    ),
    2: (
        """CREATE VIEW {s}.current_features AS
            SELECT l.layer_id, l.title_zh, l.title_en, v.version, f.fid, f.geom, f.props
            FROM {s}.layers l
            JOIN {s}.versions v ON v.layer_id = l.layer_id AND v.version = l.current_version
            JOIN {s}.features f ON f.file = v.file
            WHERE NOT l.deleted""",
    ),
    3: (  # wrong analyst passwords, counted for every instance (lianghu_map.auth)
        """CREATE TABLE {s}.auth_failures (
            seq bigserial PRIMARY KEY,
            key text NOT NULL,
            at double precision NOT NULL)""",
        "CREATE INDEX auth_failures_at_idx ON {s}.auth_failures (at)",
        "CREATE INDEX auth_failures_key_idx ON {s}.auth_failures (key, at)",
    ),
    4: (  # meeting reports (lianghu_map.store.reports)
        """CREATE TABLE {s}.reports (
            report_id text PRIMARY KEY CHECK (report_id ~ '^[a-z0-9-]{3,64}$'),
            current_revision integer NOT NULL,
            deleted boolean NOT NULL DEFAULT false,
            created_revision bigint,
            revision bigint)""",
        """CREATE TABLE {s}.report_versions (
            report_id text NOT NULL REFERENCES {s}.reports,
            revision integer NOT NULL CHECK (revision > 0),
            file text NOT NULL UNIQUE,
            document text NOT NULL,
            sha256 text NOT NULL, size integer NOT NULL,
            title text NOT NULL, date text NOT NULL, body text NOT NULL,
            source_url text NOT NULL,
            created_by text NOT NULL, created_at text NOT NULL, note text NOT NULL,
            PRIMARY KEY (report_id, revision))""",
        """ALTER TABLE {s}.reports ADD FOREIGN KEY (report_id, current_revision)
            REFERENCES {s}.report_versions DEFERRABLE INITIALLY DEFERRED""",
        """CREATE TABLE {s}.report_audit (
            seq bigserial PRIMARY KEY,
            store_revision bigint NOT NULL UNIQUE,
            at text NOT NULL, user_name text NOT NULL,
            action text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
            report_id text NOT NULL REFERENCES {s}.reports,
            title text NOT NULL, revision integer NOT NULL,
            sha256 text NOT NULL, size integer NOT NULL)""",
        "CREATE INDEX report_audit_report_idx ON {s}.report_audit (report_id, seq)",
        *(f"""CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {{s}}.{t}
              FOR EACH ROW EXECUTE FUNCTION {{s}}.append_only()"""
          for t in _REPORTS_APPEND_ONLY),
        *(f"""CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {{s}}.{t}
              FOR EACH STATEMENT EXECUTE FUNCTION {{s}}.append_only()"""
          for t in _REPORTS_APPEND_ONLY),
    ),
    5: (  # what a view of a layer version needs, made when it is saved (lianghu_map.prepared):
        # derived data, written over (not append-only, not audited)
        """CREATE TABLE {s}.prepared (
            layer_id text NOT NULL,
            version integer NOT NULL,
            name text NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (layer_id, version, name),
            FOREIGN KEY (layer_id, version) REFERENCES {s}.versions)""",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)

_LAYER_COLUMNS = ("layer_id, title_zh, title_en, kind, color, status, source, current_version, "
                  "deleted")
_REPORT_VERSION_COLUMNS = ("report_id, revision, file, sha256, size, title, date, body, "
                           "source_url, created_by, created_at, note")
_REPORT_AUDIT_COLUMNS = ("at, user_name, action, report_id, title, revision, sha256, size, "
                         "store_revision")
_VERSION_COLUMNS = ("layer_id, version, file, original_name, sha256, conversions, "
                    "feature_count, bounds, geometry_types, created_by, created_at, links, note")


def shared_store(url: str, schema: str = DEFAULT_SCHEMA) -> PostgisStore:
    """The process's one store for ``url`` and ``schema`` (its connections are reused)."""
    key = (url, schema)
    with _SHARED_LOCK:
        store = _SHARED.get(key)
        if store is None:
            store = _SHARED[key] = PostgisStore(url, schema)
        return store


_SHARED: dict[tuple[str, str], PostgisStore] = {}
_SHARED_LOCK = threading.Lock()


class PostgisStore:
    """:class:`~lianghu_map.store.LayerStore` on a PostGIS database (see the module)."""

    def __init__(self, url: str, schema: str = DEFAULT_SCHEMA, *,
                 connect_timeout: int = CONNECT_TIMEOUT):
        """Never connects and never raises: a bad URL or schema name, like a server that is
        down, is a :class:`StoreError` from every call (so that the app's pages can show it)."""
        self._invalid = ""  # what is wrong with the settings, if anything
        try:
            params = _conninfo.conninfo_to_dict(url)
            parsed = True
        except (psycopg.Error, TypeError):
            parsed = False
            # libpq's message may quote the URL, password and all: say only what to check
            self._invalid = ("the database URL cannot be parsed; the form is "
                             "postgresql://user:password@host:5432/dbname")
            params = {}
        if not isinstance(schema, str) or not SCHEMA_RE.fullmatch(schema):
            self._invalid = self._invalid or (
                f"invalid database schema name {schema!r} (allowed: a-z, 0-9, '_', not "
                "starting with a digit, at most 63 long)")
            schema = DEFAULT_SCHEMA
        self._secrets = _secret_forms(str(params.get("password") or "")) + _secret_forms(
            os.environ.get("PGPASSWORD", ""))
        params.setdefault("connect_timeout", str(connect_timeout))
        params.setdefault("application_name", "lianghu-map")
        self.schema = schema
        # the store's name and the catalogue's cache key: never the password
        self.root = _display(params, schema) if parsed else \
            f"postgresql://(invalid URL)?schema={schema}"
        self._q = f'"{schema}"'  # safe: the name matched SCHEMA_RE
        self._conninfo = _conninfo.make_conninfo(**params)
        self._pool = _Pool(self._conninfo)
        self._ready = False
        self._ready_lock = threading.Lock()
        self._cache: tuple[int, dict[str, LayerRecord]] | None = None
        self._report_cache: tuple[int, dict[str, ReportRecord]] | None = None

    def __repr__(self) -> str:
        return f"PostgisStore({self.root!r})"

    def close(self) -> None:
        """Close the idle connections (the store opens new ones if it is used again)."""
        self._pool.close()

    # -- reading

    def revision(self) -> str:
        return str(self._run(self._revision))

    def list_layers(self, include_deleted: bool = False) -> list[LayerRecord]:
        return [r for r in self._load().values() if include_deleted or not r.deleted]

    def get(self, layer_id: str) -> LayerRecord:
        validate_layer_id(layer_id)
        record = self._load().get(layer_id)
        if record is None:
            raise LayerNotFound(layer_id)
        return record

    def read(self, layer_id: str, version: int | None = None,
             columns: Collection[str] | None = None) -> gpd.GeoDataFrame:
        """A data set that is not what its version says is a :class:`StoreError` naming the
        layer and the data set.  With ``columns``, only their properties leave the database."""
        record = self.get(layer_id)
        info = record.current if version is None else record.version(version)
        # the properties named, of each row (jsonb_each of no match: NULL, so coalesce)
        props = ("props" if columns is None else
                 "coalesce((SELECT jsonb_object_agg(k, v) FROM jsonb_each(props) AS e(k, v) "
                 "WHERE k = ANY(%s)), '{}'::jsonb)")

        def load(conn: psycopg.Connection) -> tuple[Any, list[tuple[Any, Any]]]:
            with conn.transaction():
                row = conn.execute(f"SELECT schema FROM {self._q}.data WHERE file = %s",
                                   (info.file,)).fetchone()
                keys = [] if columns is None else [[
                    c["stored"] for c in (row[0]["columns"] if row else ())
                    if not c.get("geometry") and c["name"] in columns]]
                rows = conn.execute(f"SELECT ST_AsEWKB(geom), {props} FROM {self._q}.features "
                                    "WHERE file = %s ORDER BY fid", (*keys, info.file)).fetchall()
            return row, rows

        row, rows = self._run(load)
        try:
            if row is None:
                raise ValueError("the data set is missing")
            if len(rows) != info.feature_count:
                raise ValueError(f"{len(rows)} features, the store says {info.feature_count}")
            return _decode(row[0], rows, columns)
        except Exception as exc:
            raise StoreError(f"layer {layer_id} v{info.version}: cannot read {info.file}: "
                             f"{type(exc).__name__}: {exc}") from exc

    def read_rows(self, layer_id: str, version: int, rows: Sequence[int]) -> gpd.GeoDataFrame:
        info = self.get(layer_id).version(version)
        want = sorted({int(r) for r in rows})

        def load(conn: psycopg.Connection) -> tuple[Any, list[tuple[Any, Any]]]:
            with conn.transaction():
                row = conn.execute(f"SELECT schema FROM {self._q}.data WHERE file = %s",
                                   (info.file,)).fetchone()
                found = conn.execute(
                    f"SELECT ST_AsEWKB(geom), props FROM {self._q}.features "
                    "WHERE file = %s AND fid = ANY(%s) ORDER BY fid", (info.file, want)).fetchall()
            return row, found

        row, found = self._run(load)
        try:
            if row is None:
                raise ValueError("the data set is missing")
            row_positions(want, info.feature_count)
            if len(found) != len(want):
                raise ValueError(f"{len(found)} of rows {want} found")
            out = _decode(row[0], found)
            out.index = pd.Index(want)
            return out
        except Exception as exc:
            raise StoreError(f"layer {layer_id} v{info.version}: cannot read rows of "
                             f"{info.file}: {type(exc).__name__}: {exc}") from exc

    def check(self, layer_id: str | None = None) -> dict[str, str]:
        """``{layer_id: problem}`` for the live layers (or ``layer_id``) whose current data set
        is missing or does not hold the features its version says (counts only, no reading)."""
        records = [self.get(layer_id)] if layer_id is not None else self.list_layers()

        def problems(conn: psycopg.Connection) -> dict[str, str]:
            found = {}
            for record in records:
                problem = self._problem(conn, record.current)
                if problem:
                    found[record.layer_id] = problem
            return found

        return self._run(problems) if records else {}

    def save_prepared(self, layer_id: str, version: int, name: str, data: bytes) -> None:
        self.get(layer_id).version(version)  # LayerNotFound for a layer or version not saved
        validate_prepared_name(name)
        self._run(lambda conn: conn.execute(
            f"INSERT INTO {self._q}.prepared (layer_id, version, name, data) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (layer_id, version, name) "
            "DO UPDATE SET data = excluded.data", (layer_id, int(version), name, bytes(data))))

    def load_prepared(self, layer_id: str, version: int, name: str) -> bytes | None:
        validate_prepared_name(name)
        row = self._run(lambda conn: conn.execute(
            f"SELECT data FROM {self._q}.prepared WHERE layer_id = %s AND version = %s "
            "AND name = %s", (layer_id, int(version), name)).fetchone())
        return None if row is None else bytes(row[0])

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first; the last ``limit`` entries if ``limit`` is given."""
        if limit is not None and limit < 0:
            raise StoreError(f"audit limit must be >= 0, got {limit}")
        columns = ("at, user_name, action, layer_id, title, version, sha256, original_name, "
                   "feature_count, links, file, revision")
        query = f"SELECT {columns} FROM {self._q}.audit ORDER BY revision"
        if limit is not None:
            query = (f"SELECT * FROM (SELECT {columns} FROM {self._q}.audit "
                     f"ORDER BY revision DESC LIMIT {int(limit)}) last ORDER BY revision")
        rows = self._run(lambda conn: conn.execute(query).fetchall())
        return [AuditEntry(*row) for row in rows]

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
        data = _encode_or_fail(gdf)
        links = _links(links)

        def write(conn: psycopg.Connection) -> LayerRecord:
            with conn.transaction():
                new_id = layer_id or new_layer_id(title_en or title_zh)
                while conn.execute(
                    f"INSERT INTO {self._q}.layers (layer_id, title_zh, title_en, kind, color, "
                    "status, source, current_version) VALUES (%s, %s, %s, %s, %s, %s, %s, 1) "
                    "ON CONFLICT (layer_id) DO NOTHING RETURNING layer_id",
                    (new_id, title_zh, title_en, kind, color, status, source),
                ).fetchone() is None:
                    if layer_id is not None:
                        raise StoreError(f"layer {layer_id} exists already")
                    new_id = new_layer_id(title_en or title_zh)
                info = self._write_data(conn, new_id, 1, data, original_name=original_name,
                                        sha256=sha256, conversions=conversions, links=links,
                                        user=user)
                record = LayerRecord(
                    layer_id=new_id, title_zh=title_zh, title_en=title_en, kind=kind,
                    color=color, status=status, source=source, current_version=1,
                    versions=(info,), deleted=False,
                    events=(Event("create", 1, user, info.created_at),),
                )
                return self._commit(conn, record, created=True)

        return self._run(write, retry=True)

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
        validate_layer_id(layer_id)
        data = _encode_or_fail(gdf)
        links = _links(links)

        def write(conn: psycopg.Connection) -> LayerRecord:
            with conn.transaction():
                record = self._locked(conn, layer_id, live=True)
                info = self._write_data(conn, layer_id, _next(record), data,
                                        original_name=original_name, sha256=sha256,
                                        conversions=conversions, links=links, user=user)
                return self._commit(conn, _append(record, info, "replace"))

        return self._run(write, retry=True)

    def update_links(
        self, layer_id: str, links: Sequence[LinkRecord], *, user: str
    ) -> LayerRecord:
        """A new version with the same data set and other links."""
        validate_layer_id(layer_id)
        links = _links(links)

        def write(conn: psycopg.Connection) -> LayerRecord:
            with conn.transaction():
                record = self._locked(conn, layer_id, live=True)
                info = evolve(record.current, version=_next(record), links=links,
                              created_by=user, created_at=utc_now(), note="")
                return self._commit(conn, _append(record, info, "update"))

        return self._run(write, retry=True)

    def revert(self, layer_id: str, version: int, *, user: str) -> LayerRecord:
        """A new version whose content (data set, links, provenance) is that of ``version``."""
        validate_layer_id(layer_id)

        def write(conn: psycopg.Connection) -> LayerRecord:
            with conn.transaction():
                record = self._locked(conn, layer_id, live=True)
                target = record.version(version)
                problem = self._problem(conn, target)
                if problem:  # a revert makes that data current: refuse a broken one
                    raise StoreError(f"layer {layer_id} v{version} cannot be restored: "
                                     f"{problem}")
                info = evolve(target, version=_next(record), created_by=user,
                              created_at=utc_now(), note=f"reverted to v{version}")
                return self._commit(conn, _append(record, info, "revert"))

        return self._run(write, retry=True)

    def delete(self, layer_id: str, *, user: str) -> LayerRecord:
        """Soft: hides the layer, keeps every version.  Deleting a deleted layer is a no-op."""
        return self._set_deleted(layer_id, True, "delete", user)

    def restore(self, layer_id: str, *, user: str) -> LayerRecord:
        """Undoes :meth:`delete`.  Restoring a layer that is not deleted is a no-op."""
        return self._set_deleted(layer_id, False, "restore", user)

    # -- meeting reports (see lianghu_map.store.reports)

    def list_reports(self, include_deleted: bool = False) -> list[ReportRecord]:
        return [r for r in self._load_reports().values()
                if (include_deleted or not r.deleted) and r.report_id != PLACES_ID]

    def report(self, report_id: str) -> ReportRecord:
        validate_report_id(report_id)
        record = self._load_reports().get(report_id)
        if record is None:
            raise ReportNotFound(report_id, report=report_id)
        return record

    def get_report(self, report_id: str, revision: int | None = None) -> dict[str, Any]:
        """A document that is missing or not the one saved is a :class:`StoreError` naming the
        report."""
        record = self.report(report_id)
        info = record.current if revision is None else record.version(revision)
        row = self._run(lambda conn: conn.execute(
            f"SELECT document FROM {self._q}.report_versions WHERE report_id = %s AND "
            "revision = %s", (report_id, info.revision)).fetchone())
        if row is None:
            raise StoreError(f"report {report_id} r{info.revision}: {info.file} is missing")
        return document_from_text(row[0], report_id, info)

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
        q = self._q

        def write(conn: psycopg.Connection) -> ReportRecord:
            with conn.transaction():
                rid = report_id or new_report_id(prepared.date)
                while conn.execute(
                    f"INSERT INTO {q}.reports (report_id, current_revision) VALUES (%s, 1) "
                    "ON CONFLICT (report_id) DO NOTHING RETURNING report_id", (rid,),
                ).fetchone() is None:
                    if report_id is not None:  # it exists: a new version of it, locked
                        break
                    rid = new_report_id(prepared.date)
                else:
                    check_expected(rid, None, expected_revision)
                    info = _report_version(rid, 1, prepared, user)
                    record = ReportRecord(rid, 1, False, (info,),
                                          (ReportEvent("create", 1, user, info.created_at),))
                    return self._commit_report(conn, record, prepared, created=True)
                current = _read_reports(conn, q, rid, lock=True)[rid]
                check_expected(rid, current, expected_revision)
                revision = current.current_revision + 1
                info = _report_version(rid, revision, prepared, user)
                record = evolve(current, current_revision=revision,
                                versions=(*current.versions, info),
                                events=(*current.events,
                                        ReportEvent("update", revision, user, info.created_at)))
                return self._commit_report(conn, record, prepared)

        return self._run(write, retry=True)

    def delete_report(self, report_id: str, *, user: str) -> ReportRecord:
        return self._set_report_deleted(report_id, True, "delete", user)

    def restore_report(self, report_id: str, *, user: str) -> ReportRecord:
        return self._set_report_deleted(report_id, False, "restore", user)

    def report_history(self, report_id: str) -> ReportHistory:
        record = self.report(report_id)
        rows = self._run(lambda conn: conn.execute(
            f"SELECT {_REPORT_AUDIT_COLUMNS} FROM {self._q}.report_audit WHERE report_id = %s "
            "ORDER BY store_revision", (report_id,)).fetchall())
        return ReportHistory(record, record.versions,
                             tuple(ReportAuditEntry(*row) for row in rows))

    def report_audit(self, limit: int | None = None) -> list[ReportAuditEntry]:
        if limit is not None and limit < 0:
            raise StoreError(f"audit limit must be >= 0, got {limit}")
        query = (f"SELECT {_REPORT_AUDIT_COLUMNS} FROM {self._q}.report_audit "
                 "ORDER BY store_revision")
        if limit is not None:
            query = (f"SELECT * FROM (SELECT {_REPORT_AUDIT_COLUMNS} FROM {self._q}.report_audit "
                     f"ORDER BY store_revision DESC LIMIT {int(limit)}) last "
                     "ORDER BY store_revision")
        rows = self._run(lambda conn: conn.execute(query).fetchall())
        return [ReportAuditEntry(*row) for row in rows]

    def _set_report_deleted(self, report_id: str, deleted: bool, action: str, user: str
                            ) -> ReportRecord:
        validate_report_id(report_id)

        def write(conn: psycopg.Connection) -> ReportRecord:
            with conn.transaction():
                record = _read_reports(conn, self._q, report_id, lock=True).get(report_id)
                if record is None:
                    raise ReportNotFound(report_id, report=report_id)
                if record.deleted == deleted:
                    return record  # nothing to do, so no event and no new revision
                event = ReportEvent(action, record.current_revision, user, utc_now())
                return self._commit_report(
                    conn, evolve(record, deleted=deleted, events=(*record.events, event)))

        return self._run(write, retry=True)

    def _commit_report(self, conn: psycopg.Connection, record: ReportRecord,
                       prepared: Prepared | None = None, created: bool = False) -> ReportRecord:
        """Write what ``record`` adds (a version with ``prepared``'s document, or only an
        event), bump the store revision and log the write, in the caller's transaction."""
        q = self._q
        info = record.current
        if prepared is not None:
            conn.execute(
                f"INSERT INTO {q}.report_versions ({_REPORT_VERSION_COLUMNS}, document) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (record.report_id, info.revision, info.file, info.sha256, info.size, info.title,
                 info.date, info.body, info.source_url, info.created_by, info.created_at,
                 info.note, prepared.text))
        revision = conn.execute(f"UPDATE {q}.state SET revision = revision + 1 WHERE id = 1 "
                                "RETURNING revision").fetchone()[0]
        conn.execute(
            f"UPDATE {q}.reports SET current_revision = %s, deleted = %s, revision = %s"
            f"{', created_revision = %s' if created else ''} WHERE report_id = %s",
            (record.current_revision, record.deleted, revision,
             *((revision,) if created else ()), record.report_id))
        entry = report_audit_entry(record, revision)
        conn.execute(
            f"INSERT INTO {q}.report_audit ({_REPORT_AUDIT_COLUMNS}) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (entry.at, entry.user, entry.action, entry.report_id, entry.title, entry.revision,
             entry.sha256, entry.size, entry.store_revision))
        return record

    def _load_reports(self) -> dict[str, ReportRecord]:
        """Every report record, in creation order: re-read only when the revision changed."""
        cached = self._report_cache
        if cached is not None and self._run(self._revision) == cached[0]:
            return cached[1]

        def load(conn: psycopg.Connection) -> tuple[int, dict[str, ReportRecord]]:
            with conn.transaction():  # one snapshot for the revision and every table
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return self._revision(conn), _read_reports(conn, self._q)

        self._report_cache = snapshot = self._run(load)
        return snapshot[1]

    # -- internals

    def _set_deleted(self, layer_id: str, deleted: bool, action: str, user: str) -> LayerRecord:
        validate_layer_id(layer_id)

        def write(conn: psycopg.Connection) -> LayerRecord:
            with conn.transaction():
                record = self._locked(conn, layer_id)
                if record.deleted == deleted:
                    return record  # nothing to do, so no event and no new revision
                event = Event(action, record.current_version, user, utc_now())
                return self._commit(
                    conn, evolve(record, deleted=deleted, events=(*record.events, event)))

        return self._run(write, retry=True)

    def _run(self, fn: Callable[[psycopg.Connection], _T], *, retry: bool = False) -> _T:
        """``fn(conn)`` on a pooled connection, the schema ready; errors become StoreError."""
        if self._invalid:
            raise StoreError(self._invalid)
        for attempt in range(RETRIES + 1):
            try:
                with self._pool.connection() as conn:
                    self._migrate(conn)
                    return fn(conn)
            except LianghuError:
                raise
            except psycopg.Error as exc:
                if retry and exc.sqlstate in _RETRY_STATES and attempt < RETRIES:
                    time.sleep(random.uniform(0, 0.02 * 2 ** attempt))
                    continue
                raise self._error(exc) from exc
            except Exception as exc:
                raise StoreError(self._scrub(f"{type(exc).__name__}: {exc}")) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, exc: psycopg.Error) -> StoreError:
        text = self._scrub(f"{type(exc).__name__}: {str(exc).strip()}")
        if exc.sqlstate == _DISK_FULL:
            return StoreFull(f"no space left on the device ({text})")
        if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
            return StoreError(f"cannot reach the layer database {self.root} ({text})")
        return StoreError(text)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _migrate(self, conn: psycopg.Connection) -> None:
        """Create or migrate the schema, once per store (see the module docstring)."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            version_table = f"{self._q}.schema_version"
            if _schema_version(conn, version_table) != SCHEMA_VERSION:
                # A session lock, and the work in a transaction begun after it is granted: that
                # transaction sees the catalogue as another instance's migration left it.
                key = _lock_key(self.schema)
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
                try:
                    with conn.transaction():
                        self._migrate_locked(conn, version_table)
                finally:
                    with suppress(psycopg.Error):  # a lost connection has lost the lock too
                        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            self._ready = True

    def _migrate_locked(self, conn: psycopg.Connection, version_table: str) -> None:
        have = _schema_version(conn, version_table)  # another instance may have done it
        if have > SCHEMA_VERSION:
            raise StoreError(f"the database schema {self.schema} is at version {have}, newer "
                             f"than this app knows ({SCHEMA_VERSION}): upgrade the app")
        if have == 0:
            self._create_schema(conn, version_table)
        for number in range(have + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number]:
                conn.execute(statement.replace("{s}", self._q))
            conn.execute(f"INSERT INTO {version_table} (version) VALUES (%s)", (number,))

    def _create_schema(self, conn: psycopg.Connection, version_table: str) -> None:
        if conn.execute("SELECT to_regtype('geometry')").fetchone()[0] is None:
            try:
                with conn.transaction():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                raise StoreError(
                    "PostGIS is not installed in this database and cannot be installed by "
                    "this user: a superuser must run CREATE EXTENSION postgis; "
                    f"({self._scrub(str(exc).strip())})") from exc
        exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                              (self.schema,)).fetchone()
        if not exists:
            conn.execute(f"CREATE SCHEMA {self._q}")
        conn.execute(f"""CREATE TABLE IF NOT EXISTS {version_table} (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now())""")

    def _revision(self, conn: psycopg.Connection) -> int:
        return conn.execute(f"SELECT revision FROM {self._q}.state WHERE id = 1").fetchone()[0]

    def _load(self) -> dict[str, LayerRecord]:
        """Every record, in creation order: re-read only when the revision has changed."""
        cached = self._cache
        if cached is not None and self._run(self._revision) == cached[0]:
            return cached[1]  # the common case: one query

        def load(conn: psycopg.Connection) -> tuple[int, dict[str, LayerRecord]]:
            with conn.transaction():  # one snapshot for the revision and every table
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                revision = self._revision(conn)
                cached = self._cache
                if cached is not None and cached[0] == revision:
                    return cached
                return revision, _read_records(conn, self._q)

        self._cache = snapshot = self._run(load)
        return snapshot[1]

    def _locked(self, conn: psycopg.Connection, layer_id: str, live: bool = False
                ) -> LayerRecord:
        """The layer as committed, its row locked until the end of the transaction."""
        record = _read_records(conn, self._q, layer_id, lock=True).get(layer_id)
        if record is None:
            raise LayerNotFound(layer_id)
        if live and record.deleted:
            raise StoreError(f"layer {layer_id} is deleted; restore it first")
        return record

    def _commit(self, conn: psycopg.Connection, record: LayerRecord, created: bool = False
                ) -> LayerRecord:
        """Write what ``record`` adds (its new version and its last event), bump the revision
        and log the write, all in the caller's transaction."""
        q = self._q
        info, event = record.current, record.events[-1]
        if event.action not in ("delete", "restore"):  # these add an event, not a version
            conn.execute(
                f"INSERT INTO {q}.versions ({_VERSION_COLUMNS}) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (record.layer_id, info.version, info.file, info.original_name, info.sha256,
                 _jsonb(list(info.conversions)), info.feature_count, list(info.bounds),
                 _jsonb(list(info.geometry_types)), info.created_by, info.created_at,
                 _jsonb([asdict(link) for link in info.links]), info.note))
        conn.execute(f"INSERT INTO {q}.events (layer_id, seq, action, version, user_name, at) "
                     "VALUES (%s, %s, %s, %s, %s, %s)",
                     (record.layer_id, len(record.events), event.action, event.version,
                      event.user, event.at))
        revision = conn.execute(f"UPDATE {q}.state SET revision = revision + 1 WHERE id = 1 "
                                "RETURNING revision").fetchone()[0]
        conn.execute(
            f"UPDATE {q}.layers SET current_version = %s, deleted = %s, revision = %s"
            f"{', created_revision = %s' if created else ''} WHERE layer_id = %s",
            (record.current_version, record.deleted, revision,
             *((revision,) if created else ()), record.layer_id))
        entry = _audit_entry(record, revision)
        conn.execute(
            f"INSERT INTO {q}.audit (at, user_name, action, layer_id, title, version, sha256, "
            "original_name, feature_count, links, file, revision) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (entry.at, entry.user, entry.action, entry.layer_id, entry.title, entry.version,
             entry.sha256, entry.original_name, entry.feature_count, entry.links, entry.file,
             entry.revision))
        return record

    def _problem(self, conn: psycopg.Connection, info: VersionInfo) -> str:
        """What is wrong with the data set of ``info`` ("" if it holds what it should)."""
        row = conn.execute(
            "SELECT coalesce(jsonb_typeof(d.schema -> 'columns') = 'array', false), "
            f"(SELECT count(*) FROM {self._q}.features f WHERE f.file = d.file) "
            f"FROM {self._q}.data d WHERE d.file = %s", (info.file,)).fetchone()
        if row is None:
            return f"{info.file} is missing"
        if not row[0]:
            return f"{info.file} has no readable column schema"
        if row[1] != info.feature_count:
            return f"{info.file} holds {row[1]} features, the store says {info.feature_count}"
        return ""

    def _write_data(
        self, conn: psycopg.Connection, layer_id: str, version: int, data: _Encoded, *,
        original_name: str, sha256: str, conversions: Sequence[str],
        links: tuple[LinkRecord, ...], user: str,
    ) -> VersionInfo:
        """Insert the data set of a new version and describe it."""
        file = f"layers/{layer_id}/v{version:04d}"
        conn.execute(f"INSERT INTO {self._q}.data (file, layer_id, schema, feature_count) "
                     "VALUES (%s, %s, %s, %s)",
                     (file, layer_id, _jsonb(data.schema), len(data.props)))
        with conn.cursor() as cur, cur.copy(
                f"COPY {self._q}.features (file, fid, geom, props) FROM STDIN") as copy:
            for fid, (geom, props) in enumerate(zip(data.geoms, data.props, strict=True)):
                copy.write_row((file, fid, geom, props))
        return VersionInfo(
            version=version, file=file, original_name=original_name, sha256=sha256,
            conversions=tuple(conversions), feature_count=len(data.props), bounds=data.bounds,
            geometry_types=data.geometry_types, created_by=user, created_at=utc_now(),
            links=links,
        )

    # -- wrong analyst passwords: one table, each change one transaction

    def auth_failure(self, key: str, now: float) -> None:
        def write(conn: psycopg.Connection) -> None:
            with conn.transaction():
                conn.execute(f"INSERT INTO {self._q}.auth_failures (key, at) VALUES (%s, %s)",
                             (key, float(now)))
                conn.execute(f"DELETE FROM {self._q}.auth_failures WHERE at < %s OR seq <= "
                             f"(SELECT max(seq) FROM {self._q}.auth_failures) - %s",
                             (now - AUTH_KEEP_S, AUTH_MAX_ROWS))

        self._run(write)

    def auth_state(self, key: str, since: float) -> tuple[int, int]:
        row = self._run(lambda conn: conn.execute(
            f"SELECT count(*) FILTER (WHERE key = %s), count(*) FROM {self._q}.auth_failures "
            "WHERE at >= %s", (key, float(since))).fetchone())
        return int(row[0]), int(row[1])

    def auth_reset(self) -> None:
        self._run(lambda conn: conn.execute(f"DELETE FROM {self._q}.auth_failures"))


class _Pool:
    """A few idle connections (autocommit; transactions are explicit), thread-safe."""

    def __init__(self, conninfo: str, idle: int = POOL_IDLE):
        self._conninfo = conninfo
        self._size = idle
        self._idle: list[tuple[psycopg.Connection, float]] = []
        self._lock = threading.Lock()
        # after a failed connect: (when, what it said) — a page run makes several calls,
        # and an unreachable host would make each of them wait for the connect timeout
        self._down: tuple[float, str] | None = None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        conn = self._take()
        try:
            yield conn
        finally:
            self._give(conn)

    def _take(self) -> psycopg.Connection:
        while True:
            with self._lock:
                item = self._idle.pop() if self._idle else None
            if item is None:
                return self._connect()
            conn, since = item
            if conn.closed or conn.broken or _readable(conn):
                conn.close()  # e.g. the server was restarted, or ended the session
                continue
            if time.monotonic() - since > PING_AFTER:  # a silent network may have dropped it
                try:
                    conn.execute("SELECT 1")
                except psycopg.Error:
                    conn.close()
                    continue
            return conn

    def _connect(self) -> psycopg.Connection:
        down = self._down
        if down is not None and time.monotonic() < down[0] + DOWN_FOR:
            raise psycopg.OperationalError(f"{down[1]} (not retried for {DOWN_FOR:g} s)")
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.OperationalError as exc:
            self._down = (time.monotonic(), str(exc).strip())
            raise
        self._down = None
        return conn

    def _give(self, conn: psycopg.Connection) -> None:
        sound = (not conn.closed and not conn.broken
                 and conn.info.transaction_status == TransactionStatus.IDLE)
        with self._lock:
            if sound and len(self._idle) < self._size:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


def _readable(conn: psycopg.Connection) -> bool:
    """Whether an idle connection has something to read: nothing is due on one, so it is the
    server's goodbye (a shutdown, a terminated session) or the end of the stream."""
    try:
        return bool(select.select([conn.fileno()], [], [], 0)[0])
    except (OSError, ValueError, psycopg.Error):
        return True


def _schema_version(conn: psycopg.Connection, table: str) -> int:
    if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is None:
        return 0
    return conn.execute(f"SELECT coalesce(max(version), 0) FROM {table}").fetchone()[0]


def _lock_key(schema: str) -> int:
    digest = hashlib.sha256(f"lianghu-map:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _display(params: dict[str, Any], schema: str) -> str:
    user = params.get("user")
    host = params.get("host") or params.get("hostaddr") or ""
    port = params.get("port")
    where = (f"{quote(str(user), safe='')}@" if user else "") + (
        f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    return f"postgresql://{where}/{params.get('dbname') or ''}?schema={schema}"


def _secret_forms(password: str) -> tuple[str, ...]:
    """The password as it may appear in a message: as is and percent-encoded."""
    if not password:
        return ()
    return tuple(sorted({password, quote(password, safe=""), quote(password)}, key=len,
                        reverse=True))


def _jsonb(value: Any) -> psycopg.types.json.Jsonb:
    return psycopg.types.json.Jsonb(value)


def _read_records(conn: psycopg.Connection, q: str, layer_id: str | None = None,
                  lock: bool = False) -> dict[str, LayerRecord]:
    """Layer records from the tables, in creation order (``lock``: FOR UPDATE the layer)."""
    where, params = ("WHERE layer_id = %s", (layer_id,)) if layer_id else ("", ())
    layers = conn.execute(f"SELECT {_LAYER_COLUMNS} FROM {q}.layers {where} "
                          f"ORDER BY created_revision, layer_id{' FOR UPDATE' if lock else ''}",
                          params).fetchall()
    if not layers:
        return {}
    versions: dict[str, list[VersionInfo]] = {}
    for row in conn.execute(f"SELECT {_VERSION_COLUMNS} FROM {q}.versions {where} "
                            "ORDER BY layer_id, version", params):
        (lid, version, file, original_name, sha256, conversions, feature_count, bounds,
         geometry_types, created_by, created_at, links, note) = row
        versions.setdefault(lid, []).append(VersionInfo(
            version=version, file=file, original_name=original_name, sha256=sha256,
            conversions=tuple(conversions), feature_count=feature_count,
            bounds=tuple(float(b) for b in bounds), geometry_types=tuple(geometry_types),
            created_by=created_by, created_at=created_at,
            links=tuple(LinkRecord(**link) for link in links), note=note,
        ))
    events: dict[str, list[Event]] = {}
    for lid, action, version, user, at in conn.execute(
            f"SELECT layer_id, action, version, user_name, at FROM {q}.events {where} "
            "ORDER BY layer_id, seq", params):
        events.setdefault(lid, []).append(Event(action, version, user, at))
    records = {}
    for lid, title_zh, title_en, kind, color, status, source, current, deleted in layers:
        records[lid] = LayerRecord(
            layer_id=lid, title_zh=title_zh, title_en=title_en, kind=kind, color=color,
            status=status, source=source, current_version=current,
            versions=tuple(versions.get(lid, ())), deleted=deleted,
            events=tuple(events.get(lid, ())),
        )
    return records


def _report_version(report_id: str, revision: int, prepared: Prepared, user: str
                    ) -> ReportVersion:
    return ReportVersion(
        revision=revision, file=f"reports/{report_id}/r{revision:04d}", sha256=prepared.sha256,
        size=prepared.size, title=prepared.title, date=prepared.date, body=prepared.body,
        source_url=prepared.source_url, created_by=user, created_at=utc_now(),
        note=prepared.note,
    )


def _read_reports(conn: psycopg.Connection, q: str, report_id: str | None = None,
                  lock: bool = False) -> dict[str, ReportRecord]:
    """Report records from the tables, in creation order (``lock``: FOR UPDATE the report).
    The events are the report's audit rows (written with every write, in its transaction)."""
    where, params = ("WHERE report_id = %s", (report_id,)) if report_id else ("", ())
    rows = conn.execute(f"SELECT report_id, current_revision, deleted FROM {q}.reports {where} "
                        f"ORDER BY created_revision, report_id{' FOR UPDATE' if lock else ''}",
                        params).fetchall()
    if not rows:
        return {}
    versions: dict[str, list[ReportVersion]] = {}
    for rid, *fields in conn.execute(f"SELECT {_REPORT_VERSION_COLUMNS} FROM "
                                     f"{q}.report_versions {where} ORDER BY report_id, revision",
                                     params):
        versions.setdefault(rid, []).append(ReportVersion(*fields))
    events: dict[str, list[ReportEvent]] = {}
    for rid, action, revision, user, at in conn.execute(
            f"SELECT report_id, action, revision, user_name, at FROM {q}.report_audit {where} "
            "ORDER BY report_id, store_revision", params):
        events.setdefault(rid, []).append(ReportEvent(action, revision, user, at))
    return {rid: ReportRecord(rid, current, deleted, tuple(versions.get(rid, ())),
                              tuple(events.get(rid, ())))
            for rid, current, deleted in rows}


# -- attributes: JSON in the database, and back to the same dtypes


@dataclass(frozen=True)
class _Encoded:
    schema: dict[str, Any]  # {"format": 1, "columns": [...]}: as the GeoPackage backend's
    geoms: list[str | None]  # hex EWKB, SRID 4326
    props: list[str]  # one JSON object per feature: {stored name: value}
    bounds: tuple[float, float, float, float]
    geometry_types: tuple[str, ...]


def _encode_or_fail(gdf: gpd.GeoDataFrame) -> _Encoded:
    """:func:`_encode`, any failure a :class:`StoreError` (as in the GeoPackage backend)."""
    try:
        return _encode(gdf)
    except LianghuError:
        raise
    except Exception as exc:
        raise StoreError(f"{type(exc).__name__}: {exc}") from exc


def _encode(gdf: gpd.GeoDataFrame) -> _Encoded:
    """What to insert for ``gdf`` (EPSG:4326): geometry as EWKB, attributes as JSON, and the
    schema that gives back the original names, order and dtypes."""
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
        raise StoreError("a layer must be a GeoDataFrame with a CRS")
    if gdf.columns.duplicated().any():
        raise StoreError("the layer has two columns of the same name")
    if gdf.geometry.isna().all():
        raise StoreError("the layer has no geometry")
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    columns: list[dict[str, Any]] = []
    values: dict[str, list[Any]] = {}
    for name in gdf.columns:
        if name == gdf.geometry.name:
            columns.append({"name": name, "geometry": True})
            continue
        stored, n = str(name), 0
        while stored in values:  # e.g. the names 1 and "1"
            n += 1
            stored = f"{name}_{n}"
        series = gdf[name].reset_index(drop=True)
        written = _writable(series)
        values[stored] = _json_values(written)
        columns.append({"name": name, "stored": stored, "dtype": str(series.dtype),
                        "written": str(written.dtype)})
    geoms = gdf.geometry.reset_index(drop=True)
    rows = [dict(zip(values, row, strict=True)) for row in zip(*values.values(), strict=True)]
    if not values:
        rows = [{} for _ in range(len(geoms))]
    return _Encoded(
        schema={"format": 1, "columns": columns},
        geoms=list(shapely.to_wkb(shapely.set_srid(geoms.to_numpy(), 4326), hex=True,
                                  include_srid=True)),
        props=[json.dumps(row, ensure_ascii=False, allow_nan=False) for row in rows],
        bounds=tuple(float(b) for b in geoms.total_bounds),
        geometry_types=tuple(sorted(set(geoms.geom_type.dropna()))),
    )


_NONFINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _json_values(series: pd.Series) -> list[Any]:
    """The values of a column :func:`_writable` made, as JSON values (null for missing)."""
    dtype = series.dtype
    items = series.astype(object).tolist()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return [None if _isna(v) else v.isoformat() for v in items]
    if pd.api.types.is_bool_dtype(dtype):
        return [None if _isna(v) else bool(v) for v in items]
    if pd.api.types.is_integer_dtype(dtype):
        return [None if _isna(v) else int(v) for v in items]
    if pd.api.types.is_float_dtype(dtype):  # JSON has no inf: those go as text
        return [None if _isna(v) else float(v) if math.isfinite(v) else repr(float(v))
                for v in items]
    return [None if _isna(v) else str(v) for v in items]


def _column(values: list[Any], written: str) -> pd.Series:
    """JSON values back as a column of the dtype they were written from."""
    raw = pd.Series(values, dtype=object)
    try:
        if written.startswith("datetime64"):
            when = pd.to_datetime(raw, format="ISO8601", utc="," in written)
            return _astype(when, written)
        if written.lower().startswith("float"):
            raw = pd.Series([_NONFINITE.get(v, v) if isinstance(v, str) else v
                             for v in values], dtype=object)
        return raw.astype(written)
    except (TypeError, ValueError):
        return raw


def _decode(schema: dict[str, Any], rows: list[tuple[Any, Any]],
            wanted: Collection[str] | None = None) -> gpd.GeoDataFrame:
    """The frame as it was given to :func:`_encode`: names, order and dtypes restored (of the
    ``wanted`` columns only, if given)."""
    geoms = shapely.from_wkb(np.array([r[0] for r in rows], dtype=object))
    props = [r[1] for r in rows]
    data: dict[Any, Any] = {}
    geometry_name = "geometry"
    for col in schema["columns"]:
        if col.get("geometry"):
            geometry_name = col["name"]
            data[geometry_name] = geoms
        elif wanted is not None and col["name"] not in wanted:
            continue
        else:
            key = col["stored"]
            series = _column([p.get(key) for p in props], col["written"])
            data[col["name"]] = _astype(series, col["dtype"])
    return gpd.GeoDataFrame(data, geometry=geometry_name, crs="EPSG:4326")
