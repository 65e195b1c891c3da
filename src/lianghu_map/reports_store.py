"""Meeting reports in the layer store: the built-in 2023 report as the first stored report, and
the page-facing writes (analysts only).  Outside ``meeting/``: it joins the meeting side, the
store and the roles, and the meeting side imports none of these.

The store keeps a report as an opaque JSON document plus metadata columns
(:mod:`lianghu_map.store.reports`): the meeting side's ``Report.to_dict()`` (schema 1), the one
format of every stored report.  The built-in report is :func:`lianghu_map.meeting.report2023.
report_2023` (the published text, its decisions, the 32 curated directives with their curated
English translation as annotations, the curated links as analyst links), stored as
:data:`BUILTIN_ID` by :func:`ensure_builtin_report`.

Pages call :func:`save_report`, :func:`edit_details`, :func:`revert_report`,
:func:`delete_report` and :func:`restore_report`, which check the
role (:func:`lianghu_map.auth.require_analyst`, the same check as every layer write) before the
store is touched; reading needs no role.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .auth import Access, require_analyst
from .errors import ReportConflict, ReportDeleted, ReportDetailsConflict
from .meeting.report import ReportMeta
from .meeting.report2023 import report_2023
from .store import LayerStore, ReportRecord
from .store.reports import ReportVersion, check_expected, prepare

__all__ = [
    "BUILTIN_FORMAT",
    "BUILTIN_ID",
    "BUILTIN_USER",
    "Details",
    "builtin_document",
    "check_details",
    "delete_report",
    "details_changes",
    "edit_details",
    "ensure_builtin_report",
    "merge_details",
    "restore_report",
    "revert_report",
    "save_report",
    "with_details",
]

BUILTIN_ID = "meeting-2023"  # the stored id of the 2023 report; never change it
BUILTIN_FORMAT = 1  # the schema of Report.to_dict()
BUILTIN_USER = "builtin"
# the report's metadata: its title as published (繁體), the year it planned (the exact date of
# the seminar is not in the published text: "昨天下午"), the body that held it
BUILTIN_TITLE = "“引領‘兩湖’創新區發展 打造現代化新城樣板”思路研討會"
BUILTIN_TITLE_EN = ("Seminar on “Leading the Development of the Lianghu Innovation Zone and "
                    "Building a Model for a Modern New City”")
BUILTIN_DATE = "2023"
BUILTIN_BODY = "武進區委 · 思路研討會"


def builtin_document(directives_dir: Path | None = None) -> dict[str, Any]:
    """The built-in report as a JSON document: ``report_2023().report.to_dict()``."""
    return report_2023(directives_dir=directives_dir).report.to_dict()


def ensure_builtin_report(store: LayerStore, document: Mapping[str, Any] | None = None
                          ) -> ReportRecord:
    """Store the built-in report as ``BUILTIN_ID`` unless the store has a report of that id
    (live or deleted: an analyst's delete stands).  Idempotent, and safe when several app
    instances seed at once: one saves, the others find its report."""
    have = {r.report_id: r for r in store.list_reports(include_deleted=True)}
    if BUILTIN_ID in have:
        return have[BUILTIN_ID]
    try:
        return store.save_report(document or builtin_document(), title=BUILTIN_TITLE,
                                 date=BUILTIN_DATE, body=BUILTIN_BODY, user=BUILTIN_USER,
                                 report_id=BUILTIN_ID, expected_revision=None,
                                 note="the built-in 2023 report")
    except ReportConflict:  # another instance seeded it first
        return store.report(BUILTIN_ID)


# -- the writes pages make: analysts only


def save_report(store: LayerStore, document: Mapping[str, Any], *, title: str, date: str,
                body: str = "", source_url: str = "", user: str, access: Access,
                report_id: str | None = None, expected_revision: int | None = None,
                note: str = "") -> ReportRecord:
    """Save a new report or a new version (analysts only; see ``LayerStore.save_report``)."""
    require_analyst(access)
    return store.save_report(document, title=title, date=date, body=body,
                             source_url=source_url, user=access.user or user,
                             report_id=report_id, expected_revision=expected_revision, note=note)


def delete_report(store: LayerStore, report_id: str, user: str, access: Access) -> ReportRecord:
    """Soft delete (analysts only): hidden, every version kept."""
    require_analyst(access)
    return store.delete_report(report_id, user=access.user or user)


def restore_report(store: LayerStore, report_id: str, user: str, access: Access
                   ) -> ReportRecord:
    require_analyst(access)
    return store.restore_report(report_id, user=access.user or user)


# -- a saved report's details (title, date, meeting body/kind, source link): a new version


@dataclass(frozen=True)
class Details:
    """The metadata an analyst gives a report, checked as when a report is added."""

    title: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    body: str = ""
    source_url: str = ""

    @classmethod
    def of(cls, version: ReportVersion | ReportRecord) -> Details:
        return cls(version.title, version.date, version.body, version.source_url)


DETAIL_FIELDS = tuple(f.name for f in fields(Details))


def check_details(title: str, date: str, body: str = "", source_url: str = "") -> Details:
    """The details tidied and checked by the store's own rules (the same as when adding):
    :class:`~lianghu_map.errors.ReportInvalid` naming the field otherwise."""
    ok = prepare({}, title=title, date=date, body=body, source_url=source_url)
    return Details(ok.title, ok.date, ok.body, ok.source_url)


def details_changes(old: Details, new: Details) -> tuple[tuple[str, str, str], ...]:
    """(field, old value, new value) of every field that differs, in DETAIL_FIELDS order."""
    return tuple((name, getattr(old, name), getattr(new, name)) for name in DETAIL_FIELDS
                 if getattr(old, name) != getattr(new, name))


def merge_details(base: Details, typed: Details, current: Details) -> Details:
    """After a conflict: what the analyst changed from ``base`` (the version the form was opened
    at) over ``current`` (the version saved meanwhile); what they left alone follows
    ``current``, so neither side's change is lost."""
    return Details(*(getattr(typed if getattr(typed, f) != getattr(base, f) else current, f)
                     for f in DETAIL_FIELDS))


def with_details(document: Mapping[str, Any], old: Details, new: Details) -> dict[str, Any]:
    """The document with the changed details written into its own ``meta`` (so a later edit of
    its clauses keeps them); everything else (clauses, decisions, curated translations) as it
    was.  The report's own id is pinned, so it does not follow a new title or date.  A document
    with no ``meta`` (not a meeting-side report) is kept as it is."""
    doc = dict(document)
    meta = doc.get("meta")
    if not isinstance(meta, Mapping):
        return doc
    meta = dict(meta)
    with suppress(TypeError):  # a meta of another shape: its id is left as it is
        meta["id"] = meta.get("id") or ReportMeta(**meta).resolved_id()
    for name, _, value in details_changes(old, new):
        meta[name] = value
        if name == "body":  # the store keeps body and kind as one field
            meta["kind"] = ""
    doc["meta"] = meta
    return doc


def edit_details(store: LayerStore, report_id: str, details: Details, *, user: str,
                 access: Access, expected_revision: int) -> ReportRecord:
    """Save ``details`` as a new version of the report (analysts only: ``WriteDenied``), its
    document otherwise as it was at ``expected_revision``.  A report changed since that revision
    is a :class:`~lianghu_map.errors.ReportDetailsConflict` (nothing is written; the caller
    keeps what the analyst typed); unchanged details write nothing."""
    require_analyst(access)
    details = check_details(details.title, details.date, details.body, details.source_url)
    try:
        current = store.report(report_id)
        check_expected(report_id, current, expected_revision)
        old = Details.of(current)
        changes = details_changes(old, details)
        if not changes:
            return current
        document = with_details(store.get_report(report_id, expected_revision), old, details)
        return store.save_report(document, title=details.title, date=details.date,
                                 body=details.body, source_url=details.source_url,
                                 user=access.user or user, report_id=report_id,
                                 expected_revision=expected_revision,
                                 note="details: " + ", ".join(c[0] for c in changes))
    except ReportDeleted:
        raise
    except ReportConflict as err:  # changed since the form was opened (or before the write)
        raise _details_conflict(report_id, expected_revision, store.report(report_id)) from err


def _details_conflict(report_id: str, expected: int, current: ReportRecord
                      ) -> ReportDetailsConflict:
    return ReportDetailsConflict(
        f"report {report_id}: details edited from revision {expected}, the store has "
        f"{current.current_revision}", report=current.title, expected=expected,
        actual=current.current_revision)


def revert_report(store: LayerStore, report_id: str, revision: int, *, user: str,
                  access: Access, expected_revision: int) -> ReportRecord:
    """Make an older version the current one again: its document and details saved as a new
    version (analysts only; every version stays).  ``ReportConflict`` as for any save."""
    require_analyst(access)
    old = store.report(report_id).version(revision)
    return store.save_report(store.get_report(report_id, revision), title=old.title,
                             date=old.date, body=old.body, source_url=old.source_url,
                             user=access.user or user, report_id=report_id,
                             expected_revision=expected_revision,
                             note=f"restored revision {revision}")
