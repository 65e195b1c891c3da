"""Meeting reports in the layer store: the built-in 2023 report as the first stored report, and
the page-facing writes (analysts only).  Outside ``meeting/``: it joins the meeting side, the
store and the roles, and the meeting side imports none of these.

The store keeps a report as an opaque JSON document plus metadata columns
(:mod:`lianghu_map.store.reports`): the meeting side's ``Report.to_dict()`` (schema 1), the one
format of every stored report.  The built-in report is :func:`lianghu_map.meeting.report2023.
report_2023` (the published text, its decisions, the 32 curated directives with their curated
English translation as annotations, the curated links as analyst links), stored as
:data:`BUILTIN_ID` by :func:`ensure_builtin_report`.

Pages call :func:`save_report`, :func:`delete_report` and :func:`restore_report`, which check the
role (:func:`lianghu_map.auth.require_analyst`, the same check as every layer write) before the
store is touched; reading needs no role.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .auth import Access, require_analyst
from .errors import ReportConflict
from .meeting.report2023 import report_2023
from .store import LayerStore, ReportRecord

__all__ = [
    "BUILTIN_FORMAT",
    "BUILTIN_ID",
    "BUILTIN_USER",
    "builtin_document",
    "delete_report",
    "ensure_builtin_report",
    "restore_report",
    "save_report",
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
