"""Meeting reports in the layer store: the built-in 2023 report as the first stored report, and
the page-facing writes (analysts only).  Outside ``meeting/``: it joins the meeting side, the
store and the roles, and the meeting side imports none of these.

The store keeps a report as an opaque JSON document plus metadata columns
(:mod:`lianghu_map.store.reports`).  Until the meeting side's own report model stores itself,
the built-in report is stored as the document :func:`builtin_document` builds from today's
:class:`~lianghu_map.meeting.directives.Meeting` (``format`` :data:`BUILTIN_FORMAT`, ``source``
``"builtin"``): the report as published, the cleaned text, the repairs of its garbled spans,
the curated directives with their curated English translation, and the curated links.

Pages call :func:`save_report`, :func:`delete_report` and :func:`restore_report`, which check the
role (:func:`lianghu_map.auth.require_analyst`, the same check as every layer write) before the
store is touched; reading needs no role.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import paths
from .auth import Access, require_analyst
from .errors import ReportConflict
from .meeting.directives import THEMES, Meeting, load_meeting
from .meeting.text import to_simplified
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
BUILTIN_FORMAT = 1
BUILTIN_USER = "builtin"
# the report's metadata: its title as published (繁體), the year it planned (the exact date of
# the seminar is not in the published text: "昨天下午"), the body that held it
BUILTIN_TITLE = "“引領‘兩湖’創新區發展 打造現代化新城樣板”思路研討會"
BUILTIN_TITLE_EN = ("Seminar on “Leading the Development of the Lianghu Innovation Zone and "
                    "Building a Model for a Modern New City”")
BUILTIN_DATE = "2023"
BUILTIN_BODY = "武進區委 · 思路研討會"


def builtin_document(meeting: Meeting | None = None,
                     directives_dir: Path | None = None) -> dict[str, Any]:
    """The built-in report as a JSON document (see the module docstring)."""
    d = directives_dir or paths.DIRECTIVES_DIR
    meeting = meeting or load_meeting(directives_dir)
    with (d / "links.toml").open("rb") as fh:
        curated_links = tomllib.load(fh)
    clean = meeting.clean
    return {
        "format": BUILTIN_FORMAT,
        "source": "builtin",
        "id": BUILTIN_ID,
        "title": {"zh-Hant": BUILTIN_TITLE, "zh-Hans": to_simplified(BUILTIN_TITLE),
                  "en": BUILTIN_TITLE_EN},
        "date": BUILTIN_DATE,
        "body": BUILTIN_BODY,
        "source_url": "",
        "script": "zh-Hant",  # the published text and the directives' text are 繁體
        "translations": {"en": "curated"},  # the English is a careful human translation
        "text": {
            "published": meeting.source_path.read_text(encoding="utf-8"),
            "clean": clean.text,
            "reading_aids_removed": clean.reading_aids_removed,
            "repairs": [asdict(r) for r in clean.repairs],
        },
        "attribution": meeting.attribution,
        "themes": [asdict(t) for t in THEMES],
        "directives": [
            {"id": x.id, "theme": x.theme, "order": x.order, "paragraph": x.paragraph,
             "start": x.start, "end": x.end, "text_hant": x.text_hant,
             "text_hans": x.text_hans, "en": x.en, "label_hant": x.label_hant,
             "label_en": x.label_en}
            for x in meeting.directives
        ],
        "curated_links": {"links": curated_links.get("link", []),
                          "unlocated": curated_links.get("unlocated", [])},
    }


def ensure_builtin_report(store: LayerStore, meeting: Meeting | None = None) -> ReportRecord:
    """Store the built-in report as ``BUILTIN_ID`` unless the store has a report of that id
    (live or deleted: an analyst's delete stands).  Idempotent, and safe when several app
    instances seed at once: one saves, the others find its report."""
    have = {r.report_id: r for r in store.list_reports(include_deleted=True)}
    if BUILTIN_ID in have:
        return have[BUILTIN_ID]
    try:
        return store.save_report(builtin_document(meeting), title=BUILTIN_TITLE,
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
