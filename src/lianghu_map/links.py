"""The feature ↔ directive link table, both ways, with evidence and origin.

Links come from two origins:

* ``gazetteer`` — a place named in the directive (script-insensitive match), linked to the place's
  features, or for a generic mention (口袋公園, 生態廊道 …) to every feature of its kinds;
* ``curated`` — ``data/directives/links.toml``, for mentions a name match cannot find.

Mentions of places that have no feature (長三角, 團城 …) are kept as :class:`Unlocated` with the
reason, so the UI says "not mapped" rather than dropping them.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .directives import Meeting
from .gazetteer import Gazetteer

__all__ = ["Link", "LinkTable", "Unlocated", "build_links"]


@dataclass(frozen=True)
class Link:
    feature_id: str
    directive_id: str
    evidence: str  # the mention as it stands in the directive's 繁體 text
    start: int  # offsets of the mention within the directive text
    end: int
    origin: str  # "gazetteer" | "curated"
    place_id: str = ""
    area: bool = False  # the place frames the zone (兩湖, 武進 …) rather than a specific site
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class Unlocated:
    directive_id: str
    place_id: str
    evidence: str
    start: int
    end: int
    reason_zh: str
    reason_en: str


class LinkTable:
    def __init__(self, links: Iterable[Link], unlocated: Iterable[Unlocated]):
        self.links = tuple(links)
        self.unlocated = tuple(unlocated)
        self._by_feature: dict[str, list[Link]] = defaultdict(list)
        self._by_directive: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            self._by_feature[link.feature_id].append(link)
            self._by_directive[link.directive_id].append(link)

    def for_feature(self, feature_id: str) -> list[Link]:
        return list(self._by_feature.get(feature_id, ()))

    def for_directive(self, directive_id: str) -> list[Link]:
        return list(self._by_directive.get(directive_id, ()))

    def directives_of(self, feature_id: str) -> list[str]:
        """Directive ids that mention the feature, in first-seen order."""
        return list(dict.fromkeys(link.directive_id for link in self.for_feature(feature_id)))

    def features_of(self, directive_id: str, *, specific_first: bool = False) -> list[str]:
        """Feature ids linked to a directive.  ``specific_first``: if the directive names specific
        sites, leave out the zone-framing ones (兩湖, 武進 …) so the map focuses on the sites."""
        links = self.for_directive(directive_id)
        if specific_first and any(not link.area for link in links):
            links = [link for link in links if not link.area]
        return list(dict.fromkeys(link.feature_id for link in links))

    def unlocated_in(self, directive_id: str) -> list[Unlocated]:
        return [u for u in self.unlocated if u.directive_id == directive_id]


def _curated(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open("rb") as fh:
        return tomllib.load(fh).get("link", [])


def build_links(
    meeting: Meeting,
    gazetteer: Gazetteer,
    feature_kinds: Mapping[str, str],
    curated_path: Path | None = None,
) -> LinkTable:
    """Link every directive to the features it mentions.

    ``feature_kinds`` maps every known feature id to its kind.  A gazetteer or curated entry that
    names a feature id not in it raises ``ValueError``: the data are inconsistent.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for fid, kind in feature_kinds.items():
        by_kind[kind].append(fid)
    links: list[Link] = []
    unlocated: list[Unlocated] = []
    for d in meeting.directives:
        for m in gazetteer.find(d.text_hant):
            place = gazetteer.places[m.place_id]
            missing = [f for f in place.features if f not in feature_kinds]
            if missing:
                raise ValueError(f"gazetteer place {place.id} names unknown features {missing}")
            fids = list(place.features) + [f for k in place.kinds for f in by_kind.get(k, ())]
            for fid in dict.fromkeys(fids):
                links.append(Link(fid, d.id, m.text, m.start, m.end, "gazetteer", place.id,
                                  place.area))
            if not fids:
                unlocated.append(Unlocated(d.id, place.id, m.text, m.start, m.end,
                                           place.unlocated_zh, place.unlocated_en))
    for entry in _curated(curated_path or paths.DIRECTIVES_DIR / "links.toml"):
        d = meeting.get(entry["directive"])
        if d is None:
            raise ValueError(f"curated link names unknown directive {entry['directive']!r}")
        start = d.text_hant.find(entry["evidence"])
        if start < 0:
            raise ValueError(f"curated evidence {entry['evidence']!r} not in {d.id}")
        for fid in entry["features"]:
            if fid not in feature_kinds:
                raise ValueError(f"curated link names unknown feature {fid!r}")
            links.append(Link(fid, d.id, entry["evidence"], start, start + len(entry["evidence"]),
                              "curated", note_zh=entry.get("note_zh", ""),
                              note_en=entry.get("note_en", "")))
    return LinkTable(links, unlocated)
