"""What has been said about a place, report by report: pure functions over the catalogue.

* :func:`feature_history` — every clause of every stored report that mentions a feature, grouped
  by report, newest report first (the side panel: "what has been said about 常州南站 since 2021");
* :func:`mention_timeline` — per feature, how many clauses of each report name it (oldest report
  first: a row reads left to right in time);
* :func:`timeline_marks` — the same as marks on a time axis: one per place and report that
  names it, placed over the days the report's date stands for (a year-only date, as the 2023
  report's, spans its whole year: it is never drawn as if it had a day);
* :func:`report_scope` — the clauses the Map's report and date-range filters keep;
* :func:`offline_reports` — the clauses an offline HTML export carries for its side panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .catalog import Catalog, ReportView, date_span
from .meeting.directives import Directive
from .panels import directive_title, report_label

__all__ = ["Timeline", "TimelineMark", "feature_history", "mention_timeline", "offline_reports",
           "report_scope", "timeline_marks"]


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


@dataclass(frozen=True)
class TimelineMark:
    """One report's mentions of one place, on the time axis."""

    place: str  # the row: the place's name (unique among the rows)
    feature_id: str
    report_id: str
    title: str
    date: str  # as the report gives it: YYYY, YYYY-MM or YYYY-MM-DD (never more precise)
    start: date  # the days the date stands for (one day for a full date)
    end: date
    count: int  # clauses of the report that name the place

    @property
    def precision(self) -> str:
        """"year", "month" or "day": how much of the date the report gives."""
        return ("year", "month", "day")[min(self.date.count("-"), 2)]

    @property
    def middle(self) -> date:
        """Where the mark sits: the middle of its span (the day itself for a full date)."""
        return date.fromordinal((self.start.toordinal() + self.end.toordinal()) // 2)


def timeline_marks(timeline: Timeline, place_names: Mapping[str, str],
                   titles: Mapping[str, str]) -> list[TimelineMark]:
    """The marks of ``timeline`` (rows in its order, most mentioned first; a feature without a
    name in ``place_names`` left out; two places of one name told apart by a number), each
    report's title from ``titles`` (by report id; default its stored title)."""
    marks, seen = [], {}
    for fid, counts in timeline.rows:
        if fid not in place_names:
            continue
        name = place_names[fid]
        seen[name] = seen.get(name, 0) + 1
        place = name if seen[name] == 1 else f"{name} ({seen[name]})"
        for report, n in zip(timeline.reports, counts, strict=True):
            start, end = date_span(report.date)
            if n and start != date.min:  # an unreadable date has no place on the axis
                marks.append(TimelineMark(place, fid, report.id,
                                          titles.get(report.id, report.title), report.date,
                                          start, end, n))
    return marks


def report_scope(cat: Catalog, report_id: str | None, start: date | None = None,
                 end: date | None = None) -> tuple[str, ...] | None:
    """The clause ids of the chosen report (None: every report) dated within [start, end];
    None when nothing is chosen (no restriction at all)."""
    if not report_id and start is None and end is None:
        return None
    return tuple(d.id for r in cat.reports
                 if (not report_id or r.id == report_id) and r.in_range(start, end)
                 for d in r.meeting.directives)


def offline_reports(cat: Catalog, report_id: str | None, features: Iterable[str], lang: str
                    ) -> list[dict]:
    """What an offline HTML file carries for its side panel: the chosen report (``report_id``;
    every report, newest first, when none is chosen — the Map's "all meetings"), each as
    ``{"id", "date", "title", "clauses": [{"id", "label", "text", "features"}]}`` with only the
    clauses that name one of ``features`` (the features in the file), in ``lang`` (a clause
    with no English: its 简体 text).  Plain text: the file escapes it."""
    wanted = set(features)
    out = []
    for report in cat.reports:
        if report_id and report.id != report_id:
            continue
        clauses = []
        for d in report.meeting.directives:
            fids = [f for f in cat.links.features_of(d.id) if f in wanted]
            if fids:
                clauses.append({"id": d.id,
                                "label": directive_title(d, lang, report.meeting.themes),
                                "text": d.text(lang) or d.text("zh-Hans"), "features": fids})
        title = report_label(report, lang).split(" · ", 1)[-1]
        out.append({"id": report.id, "date": report.date, "title": title, "clauses": clauses})
    return out
