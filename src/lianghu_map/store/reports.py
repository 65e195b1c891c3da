"""Meeting reports in the store: stored like layers (versions, soft delete, audit), both backends.

A report is an opaque JSON document (what the meeting side's ``Report.to_dict()`` gives) plus the
metadata the store keeps in columns of its own: title, date, meeting body/kind, source link.
Every save is a new version (revision 1, 2, …) and keeps the older ones; delete is soft and can be
undone; every write leaves a :class:`ReportAuditEntry` and bumps the store's revision (the
catalogue's cache key), as a layer write does.

A save names the revision it was made from (``expected_revision``): ``None`` for a new report, the
report's current revision for a new version.  Anything else is a :class:`ReportConflict`, so of
two analysts who edited the same revision, one saves and the other is told, and nothing is lost.

This module holds what both backends share: the records, the checks of a document and its
metadata (:func:`prepare`), and the rules of a save (:func:`check_expected`).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date as _date
from typing import Any

from ..errors import (
    ReportConflict,
    ReportDeleted,
    ReportInvalid,
    ReportNotFound,
    ReportTooLarge,
    StoreError,
)

__all__ = [
    "MAX_REPORT_BYTES",
    "PLACES_ID",
    "REPORT_ACTIONS",
    "REPORT_ID_RE",
    "Prepared",
    "ReportAuditEntry",
    "ReportEvent",
    "ReportHistory",
    "ReportRecord",
    "ReportVersion",
    "check_expected",
    "document_from_text",
    "new_report_id",
    "prepare",
    "report_audit_entry",
    "report_from_dict",
    "validate_report_id",
]

REPORT_ID_RE = re.compile(r"^[a-z0-9-]{3,64}$")  # as a layer id: a path component, a table key
REPORT_ACTIONS = ("create", "update", "delete", "restore")
# The analysts' gazetteer places (lianghu_map.places_store) are one document kept by the same
# versioned machinery under this reserved id: versions, audit and conflicts for free; it is no
# meeting report, so ``list_reports`` leaves it out (``report``/``get_report`` still read it).
PLACES_ID = "gazetteer-places"
MAX_REPORT_BYTES = 5 * 1024 * 1024  # of the document's JSON text (UTF-8)
MAX_TITLE = 300
MAX_BODY = 200
MAX_URL = 2000
MAX_NOTE = 1000
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")  # 2023, 2023-01, 2023-01-30
_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class ReportVersion:
    """One saved version: the metadata as saved with it, and where its document is."""

    revision: int  # 1, 2, … of this report
    file: str  # the document: a file under the store root (GeoPackage), a row key (PostGIS)
    sha256: str  # of the document's JSON text (UTF-8)
    size: int  # bytes of that text
    title: str
    date: str  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    body: str  # the meeting body or kind (指挥部会议, 推进大会 …); may be ""
    source_url: str  # http(s) link to the published text; may be ""
    created_by: str
    created_at: str  # ISO 8601, UTC
    note: str = ""


@dataclass(frozen=True)
class ReportEvent:
    action: str  # one of REPORT_ACTIONS
    revision: int  # the report's current revision after the action
    user: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class ReportRecord:
    """A stored report: every version's metadata and every event, never the documents."""

    report_id: str
    current_revision: int
    deleted: bool
    versions: tuple[ReportVersion, ...]
    events: tuple[ReportEvent, ...]

    def __post_init__(self) -> None:
        validate_report_id(self.report_id)
        if not any(v.revision == self.current_revision for v in self.versions):
            raise StoreError(f"report {self.report_id}: no revision {self.current_revision}")

    @property
    def current(self) -> ReportVersion:
        return self.version(self.current_revision)

    def version(self, revision: int) -> ReportVersion:
        """The saved version ``revision``; :class:`ReportNotFound` if there is none."""
        for info in self.versions:
            if info.revision == revision:
                return info
        raise ReportNotFound(f"{self.report_id} r{revision}", report=self.report_id,
                             revision=revision)

    # the metadata of the current version, and who made the report and changed it last
    title = property(lambda self: self.current.title)
    date = property(lambda self: self.current.date)
    body = property(lambda self: self.current.body)
    source_url = property(lambda self: self.current.source_url)
    revision = property(lambda self: self.current_revision)
    created_by = property(lambda self: self.events[0].user)
    created_at = property(lambda self: self.events[0].at)
    updated_by = property(lambda self: self.events[-1].user)
    updated_at = property(lambda self: self.events[-1].at)

    def meta(self) -> dict[str, Any]:
        """What a list of reports shows: the current metadata, who made it and changed it."""
        return {"report_id": self.report_id, "title": self.title, "date": self.date,
                "body": self.body, "source_url": self.source_url, "revision": self.revision,
                "created_by": self.created_by, "created_at": self.created_at,
                "updated_by": self.updated_by, "updated_at": self.updated_at,
                "deleted": self.deleted}


@dataclass(frozen=True)
class ReportAuditEntry:
    """One line of the reports' audit log: a successful write, as it was committed.

    ``revision`` is the report's current revision after the write; ``store_revision`` the store
    revision the write made (shared with the layers' audit log: the two logs together have no
    gaps).  ``sha256`` and ``size`` are those of the current document ("" and 0 for delete and
    restore, which write no document)."""

    at: str
    user: str
    action: str  # one of REPORT_ACTIONS
    report_id: str
    title: str
    revision: int
    sha256: str
    size: int
    store_revision: int


@dataclass(frozen=True)
class ReportHistory:
    """Every version of a report (oldest first) and every audit entry about it (oldest first)."""

    record: ReportRecord
    versions: tuple[ReportVersion, ...]
    audit: tuple[ReportAuditEntry, ...]


@dataclass(frozen=True)
class Prepared:
    """A document and its metadata, checked: what a backend writes."""

    text: str  # the document as JSON text
    sha256: str
    size: int
    title: str
    date: str
    body: str
    source_url: str
    note: str


def validate_report_id(report_id: object) -> str:
    if not isinstance(report_id, str) or not REPORT_ID_RE.fullmatch(report_id):
        raise ReportInvalid(f"invalid report id {report_id!r}", problem="id",
                            value=str(report_id)[:80])
    return report_id


def new_report_id(date: str) -> str:
    """``rep-<date>-<6 hex>``: sortable by date at a glance, never guessed twice."""
    return f"rep-{date.lower()}-{secrets.token_hex(3)}"


def report_from_dict(data: Mapping[str, Any]) -> ReportRecord:
    """The inverse of ``dataclasses.asdict`` (lists back to tuples)."""
    return ReportRecord(
        report_id=data["report_id"], current_revision=data["current_revision"],
        deleted=data["deleted"], versions=tuple(ReportVersion(**v) for v in data["versions"]),
        events=tuple(ReportEvent(**e) for e in data["events"]),
    )


def prepare(document: Mapping[str, Any], *, title: str, date: str, body: str = "",
            source_url: str = "", note: str = "") -> Prepared:
    """Check a document and its metadata; :class:`ReportInvalid` (naming the field) or
    :class:`ReportTooLarge` if they cannot be stored."""
    if not isinstance(document, Mapping):
        raise ReportInvalid(f"the document is a {type(document).__name__}, not a JSON object",
                            problem="document", value=type(document).__name__)
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ReportInvalid(f"the document is not JSON: {exc}", problem="document") from exc
    data = text.encode("utf-8")
    if len(data) > MAX_REPORT_BYTES:
        raise ReportTooLarge(f"{len(data)} bytes, over {MAX_REPORT_BYTES}",
                             size_mb=_mb(len(data)), limit_mb=_mb(MAX_REPORT_BYTES))
    title = _text("title", title, MAX_TITLE, required=True)
    date = _check_date(_text("date", date, 10, required=True))
    body = _text("body", body, MAX_BODY)
    source_url = _text("source_url", source_url, MAX_URL)
    if source_url and not _URL_RE.fullmatch(source_url):  # it becomes a link: http(s) only
        raise ReportInvalid(f"source_url {source_url!r} is not an http(s) link",
                            problem="source_url", value=source_url[:120])
    note = _text("note", note, MAX_NOTE)
    return Prepared(text, hashlib.sha256(data).hexdigest(), len(data), title, date, body,
                    source_url, note)


def check_expected(report_id: str, current: ReportRecord | None,
                   expected_revision: int | None) -> None:
    """The rule of a save: a new report expects no revision (``None``), a new version expects the
    current one; a deleted report must be restored first.  :class:`ReportConflict` otherwise."""
    if current is None:
        if expected_revision not in (None, 0):
            raise ReportConflict(f"report {report_id}: expected revision {expected_revision}, "
                                 "but there is no such report", report=report_id,
                                 expected=expected_revision, actual=0)
        return
    if current.deleted:
        raise ReportDeleted(f"report {report_id} is deleted; restore it first",
                            report=report_id, expected=expected_revision or 0,
                            actual=current.current_revision)
    if expected_revision != current.current_revision:
        raise ReportConflict(f"report {report_id}: expected revision {expected_revision}, "
                             f"the store has {current.current_revision}", report=report_id,
                             expected=expected_revision or 0, actual=current.current_revision)


def document_from_text(text: str, report_id: str, info: ReportVersion) -> dict[str, Any]:
    """The stored document, checked against the digest saved with it (damage is named)."""
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != info.sha256:
        raise StoreError(f"report {report_id} r{info.revision}: {info.file} is not the "
                         "document that was saved (its digest differs)")
    try:
        return json.loads(text)
    except ValueError as exc:  # pragma: no cover - the digest matched what was saved
        raise StoreError(f"report {report_id} r{info.revision}: {exc}") from exc


def report_audit_entry(record: ReportRecord, store_revision: int) -> ReportAuditEntry:
    """The audit entry of a committed report write (its last event); both backends."""
    event, info = record.events[-1], record.current
    written = event.action in ("create", "update")
    return ReportAuditEntry(
        at=event.at, user=event.user, action=event.action, report_id=record.report_id,
        title=info.title, revision=record.current_revision,
        sha256=info.sha256 if written else "", size=info.size if written else 0,
        store_revision=store_revision,
    )


def _text(name: str, value: object, limit: int, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ReportInvalid(f"{name} must be text", problem=name, value=type(value).__name__)
    value = value.strip()
    if required and not value:
        raise ReportInvalid(f"{name} is missing", problem=name, value="")
    if len(value) > limit or any(ord(c) < 32 and c not in "\t" for c in value):
        raise ReportInvalid(f"{name} is too long or holds control characters", problem=name,
                            value=value[:80])
    return value


def _check_date(value: str) -> str:
    m = _DATE_RE.fullmatch(value)
    try:
        if m is None:
            raise ValueError(value)
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        _date(year, month, day)
        if year < 1900:
            raise ValueError(value)
    except ValueError:
        raise ReportInvalid(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD",
                            problem="date", value=value[:40]) from None
    return value


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
