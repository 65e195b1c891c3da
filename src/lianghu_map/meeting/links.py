"""The feature ↔ directive link table, both ways, with evidence and origin.

A link is one (feature, directive) pair, unique in the table, with *all* its evidence: every
mention in the directive that points at the feature (a tuple of :class:`Evidence` spans).

Evidence comes from two origins:

* ``gazetteer`` — a place named in the directive (script-insensitive match), linked to the place's
  features; or a generic mention (綜合交通框架, 生態廊道 …) linked by rule to the features of its
  kinds, restricted to those that lie in or cross the place's ``within`` feature;
* ``curated`` — ``data/directives/links.toml``, for mentions a name match cannot find.

Each piece of evidence is ``named`` (the text names this place) or ``generic`` (the text speaks
of its kind in general); a link is ``named`` when any of its evidence is (``Link.mention``).

Mentions of places that have no feature (長三角, 團城 …) are kept as :class:`Unlocated` with the
reason, so the UI says "not mapped" rather than dropping them.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from .directives import Directive, Meeting
from .gazetteer import Gazetteer, Place

__all__ = ["MENTIONS", "Evidence", "Link", "LinkTable", "Unlocated", "build_links",
           "place_features"]

MENTIONS = ("named", "generic")


@dataclass(frozen=True)
class Evidence:
    """One mention of a linked feature in a directive (offsets in the cleaned 繁體 text)."""

    text: str  # the mention as it stands in the directive's 繁體 text ("" if none, e.g. uploads)
    start: int
    end: int
    origin: str  # "gazetteer" | "curated" | "upload:…"
    place_id: str = ""
    mention: str = "named"  # "named": names this place; "generic": speaks of its kind in general
    area: bool = False  # the place frames the zone (兩湖, 武進 …) rather than a specific site
    note_zh: str = ""
    note_en: str = ""

    def __post_init__(self):
        if self.mention not in MENTIONS:
            raise ValueError(f"evidence mention {self.mention!r} is not one of {MENTIONS}")


@dataclass(frozen=True)
class Link:
    """A feature and a directive, with every piece of evidence that links them."""

    feature_id: str
    directive_id: str
    evidence: tuple[Evidence, ...] = ()
    mention: str = field(init=False)  # "named" if any evidence names the place, else "generic"
    area: bool = field(init=False)  # every piece of evidence is a zone-framing place

    def __post_init__(self):
        named = not self.evidence or any(e.mention == "named" for e in self.evidence)
        object.__setattr__(self, "mention", "named" if named else "generic")
        object.__setattr__(self, "area", bool(self.evidence) and all(e.area
                                                                     for e in self.evidence))

    @property
    def generic(self) -> bool:
        return self.mention == "generic"

    @property
    def origin(self) -> str:
        """The first origin of its evidence ("gazetteer", "curated", "upload:…")."""
        return self.evidence[0].origin if self.evidence else ""

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(e.start, e.end) for e in self.evidence if e.end > e.start]


@dataclass(frozen=True)
class Unlocated:
    directive_id: str
    place_id: str
    evidence: str
    start: int
    end: int
    reason_zh: str
    reason_en: str

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)] if self.end > self.start else []


def _merged(links: Iterable[Link]) -> list[Link]:
    """One link per (feature, directive), its evidence the union in first-seen order."""
    evidence: dict[tuple[str, str], dict[Evidence, None]] = {}
    for link in links:
        evidence.setdefault((link.feature_id, link.directive_id), {}).update(
            dict.fromkeys(link.evidence))
    return [Link(f, d, tuple(ev)) for (f, d), ev in evidence.items()]


class LinkTable:
    def __init__(self, links: Iterable[Link], unlocated: Iterable[Unlocated]):
        self.links = tuple(_merged(links))
        self.unlocated = tuple(dict.fromkeys(unlocated))
        self._by_feature: dict[str, list[Link]] = defaultdict(list)
        self._by_directive: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            self._by_feature[link.feature_id].append(link)
            self._by_directive[link.directive_id].append(link)

    def for_feature(self, feature_id: str) -> list[Link]:
        return list(self._by_feature.get(feature_id, ()))

    def for_directive(self, directive_id: str) -> list[Link]:
        return list(self._by_directive.get(directive_id, ()))

    def get(self, feature_id: str, directive_id: str) -> Link | None:
        return next((lk for lk in self.for_feature(feature_id)
                     if lk.directive_id == directive_id), None)

    def directives_of(self, feature_id: str) -> list[str]:
        """Directive ids that mention the feature, in first-seen order."""
        return list(dict.fromkeys(link.directive_id for link in self.for_feature(feature_id)))

    def features_of(self, directive_id: str, *, specific_first: bool = False,
                    mention: str | None = None) -> list[str]:
        """Feature ids linked to a directive.  ``specific_first``: if the directive names specific
        sites, leave out the zone-framing ones (兩湖, 武進 …) so the map focuses on the sites.
        ``mention``: only ``"named"`` or only ``"generic"`` links."""
        links = self.for_directive(directive_id)
        if mention is not None:
            links = [link for link in links if link.mention == mention]
        if specific_first and any(not link.area for link in links):
            links = [link for link in links if not link.area]
        return list(dict.fromkeys(link.feature_id for link in links))

    def unlocated_in(self, directive_id: str) -> list[Unlocated]:
        return [u for u in self.unlocated if u.directive_id == directive_id]


def _curated(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _locate(d: Directive, entry: dict) -> tuple[int, int]:
    """Span of ``entry["evidence"]`` in the directive; ``within`` (a longer phrase that holds it)
    picks the occurrence when the evidence alone is ambiguous."""
    evidence, within = entry["evidence"], entry.get("within", "")
    base = d.text_hant.find(within) if within else 0
    start = d.text_hant.find(evidence, base) if base >= 0 else -1
    if start < 0 or (within and start + len(evidence) > base + len(within)):
        raise ValueError(f"curated evidence {evidence!r} not in {d.id}")
    if not within and d.text_hant.count(evidence) != 1:
        raise ValueError(f"curated evidence {evidence!r} is ambiguous in {d.id}: add `within`")
    return start, start + len(evidence)


def place_features(place: Place, feature_kinds: Mapping[str, str],
                   geometries: Mapping[str, object] | None = None,
                   known: Container[str] = frozenset()) -> dict[str, str]:
    """The features a mention of ``place`` links: feature id → "named" (its own features, of
    ``feature_kinds`` or ``known``) or "generic" (features of its kinds in ``feature_kinds``,
    within its ``within`` feature if it has one)."""
    missing = [f for f in place.features if f not in feature_kinds and f not in known]
    if missing:
        raise ValueError(f"gazetteer place {place.id} names unknown features {missing}")
    mentions = dict.fromkeys(place.features, "named")
    fids = [f for kind in place.kinds for f, k in feature_kinds.items() if k == kind]
    if place.within:
        if place.within not in feature_kinds and place.within not in known:
            raise ValueError(f"gazetteer place {place.id} is within unknown feature "
                             f"{place.within!r}")
        if geometries is None:
            raise ValueError(f"gazetteer place {place.id} needs geometries for `within`")
        scope = geometries[place.within]
        fids = [f for f in fids if geometries[f].intersects(scope)]
    for fid in fids:
        mentions.setdefault(fid, "generic")
    return mentions


def build_links(
    meeting: Meeting,
    gazetteer: Gazetteer,
    feature_kinds: Mapping[str, str],
    curated_path: Path | None = None,
    *,
    geometries: Mapping[str, object] | None = None,
) -> LinkTable:
    """Link every directive to the features it mentions.

    ``feature_kinds`` maps every known feature id to its kind; ``geometries`` (feature id →
    shapely geometry) is needed for generic places with a ``within`` scope.  A gazetteer or curated
    entry that names a feature id not in it raises ``ValueError``: the data are inconsistent.
    """
    links: list[Link] = []
    unlocated: list[Unlocated] = []
    for d in meeting.directives:
        for m in gazetteer.find(d.text_hant):
            place = gazetteer.places[m.place_id]
            mentions = place_features(place, feature_kinds, geometries)
            for fid, mention in mentions.items():
                links.append(Link(fid, d.id, (Evidence(m.text, m.start, m.end, "gazetteer",
                                                       place.id, mention, place.area),)))
            if not mentions:
                unlocated.append(Unlocated(d.id, place.id, m.text, m.start, m.end,
                                           place.unlocated_zh, place.unlocated_en))
    data = _curated(curated_path or paths.DIRECTIVES_DIR / "links.toml")
    for entry in data.get("link", []):
        d = meeting.get(entry["directive"])
        if d is None:
            raise ValueError(f"curated link names unknown directive {entry['directive']!r}")
        start, end = _locate(d, entry)
        for fid in entry["features"]:
            if fid not in feature_kinds:
                raise ValueError(f"curated link names unknown feature {fid!r}")
            links.append(Link(fid, d.id, (Evidence(
                entry["evidence"], start, end, "curated", mention=entry.get("mention", "named"),
                note_zh=entry.get("note_zh", ""), note_en=entry.get("note_en", "")),)))
    for entry in data.get("unlocated", []):
        d = meeting.get(entry["directive"])
        place = gazetteer.places.get(entry["place"])
        if d is None or place is None:
            raise ValueError(f"curated unlocated entry names unknown directive or place {entry}")
        start, end = _locate(d, entry)
        unlocated.append(Unlocated(d.id, place.id, entry["evidence"], start, end,
                                   place.unlocated_zh, place.unlocated_en))
    return LinkTable(links, unlocated)
