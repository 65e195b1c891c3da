"""The 2023 report through the new pipeline: the first stored report.

:func:`report_2023` prepares ``meeting-text-source.txt`` with :func:`.report.prepare_report` and
the decisions the curated data stand for: the two garbled spans repaired as ``text.GARBLED_SPANS``
says, the editor's credit (責編) taken out of the text as the byline (``Report.byline``, today's
``Meeting.attribution``), the clauses merged into the 32 directives of
``directives.toml`` (each from its anchor to the next anchor or the paragraph's end), their
curated theme, translation and labels kept as annotations, and ``links.toml``'s curated links as
analyst links.  ``ids`` maps the new clause ids to the curated directive ids.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .clauses import split_clauses
from .places import PlaceFinder, load_place_finder
from .report import Decisions, Report, ReportMeta, prepare_report

__all__ = ["META_2023", "Report2023", "report_2023"]

META_2023 = ReportMeta(
    id="2023-lianghu-seminar",
    date="2023",  # the source says 昨天下午 and gives no date; the analyst may set the day
    title="引領“兩湖”創新區發展 打造現代化新城樣板 思路研討會",
    body="武進區委",
    kind="思路研討會",
)


@dataclass(frozen=True)
class Report2023:
    report: Report
    ids: dict[str, str]  # clause id → curated directive id ("modern.3" …)


def _merges(kept: str, curated: list[dict]) -> tuple[tuple[str, ...], ...]:
    clauses = split_clauses(kept)
    starts = {}
    for e in curated:
        hits = [c.id for c in clauses if c.text.startswith(e["starts"])]
        if len(hits) != 1:
            raise ValueError(f"directive {e['id']}: anchor {e['starts']!r} matches {len(hits)}")
        starts[hits[0]] = e["id"]
    groups: list[list[str]] = []
    for c in clauses:
        new_paragraph = bool(groups) and c.paragraph != next(
            x.paragraph for x in clauses if x.id == groups[-1][-1])
        if c.id in starts or new_paragraph:
            groups.append([c.id])
        else:
            groups[-1].append(c.id)
    return tuple(tuple(g) for g in groups if len(g) > 1)


def report_2023(finder: PlaceFinder | None = None, directives_dir: Path | None = None,
                meta: ReportMeta = META_2023) -> Report2023:
    d = directives_dir or paths.DIRECTIVES_DIR
    finder = finder or load_place_finder()
    raw = (d / "meeting-text-source.txt").read_text(encoding="utf-8")
    with (d / "directives.toml").open("rb") as fh:
        curated = tomllib.load(fh)["directive"]
    with (d / "links.toml").open("rb") as fh:
        curated_links = tomllib.load(fh)
    first = prepare_report(raw, meta, finder)
    garbled = [f for f in first.flags if f.kind == "garbled"]
    decisions = Decisions(flags={f.id: "accept" for f in first.flags},
                          repairs={f.id: f.suggestion for f in garbled})
    kept = prepare_report(raw, meta, finder, decisions).kept
    decisions = Decisions(decisions.flags, decisions.repairs, _merges(kept, curated))
    report = prepare_report(raw, meta, finder, decisions)
    by_anchor = {e["starts"]: e for e in curated}
    ids, themes, notes = {}, {}, {}
    for c in report.clauses:
        entry = next((e for a, e in by_anchor.items() if c.text.startswith(a)), None)
        if entry is None:
            raise ValueError(f"clause {c.text[:12]!r} belongs to no directive")
        ids[c.id] = entry["id"]
        themes[c.id] = entry["theme"]
        notes[c.id] = {"en": entry["en"], "label_zh": entry["label_zh"],
                       "label_en": entry["label_en"], "legacy_id": entry["id"]}
    by_legacy = {v: k for k, v in ids.items()}
    added = []
    for entry in curated_links.get("link", []):
        added.append({"clause_id": by_legacy[entry["directive"]], "evidence": entry["evidence"],
                      "within": entry.get("within", ""), "place_id": "",
                      "feature_ids": list(entry["features"]),
                      "mention": entry.get("mention", "named"),
                      "note_zh": entry.get("note_zh", ""), "note_en": entry.get("note_en", "")})
    for entry in curated_links.get("unlocated", []):
        added.append({"clause_id": by_legacy[entry["directive"]], "evidence": entry["evidence"],
                      "within": entry.get("within", ""), "place_id": entry["place"],
                      "feature_ids": [], "mention": "named"})
    report = report.revise(finder, themes=themes, annotations=notes, links_added=tuple(added))
    return Report2023(report, ids)
