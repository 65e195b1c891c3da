"""What has been said about a place, report by report: pure functions over the catalogue.

* :func:`feature_history` — every clause of every stored report that mentions a feature, grouped
  by report, newest report first (the side panel: "what has been said about 常州南站 since 2021");
* :func:`mention_timeline` — per feature, how many clauses of each report name it (oldest report
  first: a row reads left to right in time);
* :func:`report_scope` — the clauses the Map's report and date-range filters keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .catalog import Catalog, ReportView
from .meeting.directives import Directive

__all__ = ["Timeline", "feature_history", "mention_timeline", "report_scope"]


def feature_history(cat: Catalog, feature_id: str) -> list[tuple[ReportView, list[Directive]]]:
    """(report, its clauses that mention the feature in report order), newest report first;
    reports that do not mention it are left out."""
    mentioning = set(cat.links.directives_of(feature_id))
    out = []
    for report in cat.reports:
        clauses = [d for d in report.meeting.directives if d.id in mentioning]
        if clauses:
            out.append((report, clauses))
    return out


@dataclass(frozen=True)
class Timeline:
    reports: tuple[ReportView, ...]  # the columns, oldest first
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (feature id, clauses naming it per report)


def mention_timeline(cat: Catalog, features: Iterable[str] | None = None) -> Timeline:
    """Per feature (default: every feature a clause names), the number of clauses of each
    report that name it (generic mentions of its kind are not counted); most mentioned first."""
    reports = tuple(reversed(cat.reports))
    wanted = None if features is None else set(features)
    counts: dict[str, list[int]] = {}
    for col, report in enumerate(reports):
        for d in report.meeting.directives:
            for fid in cat.links.features_of(d.id, mention="named"):
                if wanted is None or fid in wanted:
                    counts.setdefault(fid, [0] * len(reports))[col] += 1
    rows = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    return Timeline(reports, tuple((fid, tuple(n)) for fid, n in rows))


def report_scope(cat: Catalog, report_id: str | None, start: date | None = None,
                 end: date | None = None) -> tuple[str, ...] | None:
    """The clause ids of the chosen report (None: every report) dated within [start, end];
    None when nothing is chosen (no restriction at all)."""
    if not report_id and start is None and end is None:
        return None
    return tuple(d.id for r in cat.reports
                 if (not report_id or r.id == report_id) and r.in_range(start, end)
                 for d in r.meeting.directives)
