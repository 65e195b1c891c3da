"""The gazetteer grows: places analysts add, kept in the store, and every stored report relinked.

An analyst adds a place (names in 繁/简, English aliases, the features it maps to — built-in or
uploaded) from the review screen of the Reports page.  The analysts' places are ONE JSON
document kept by the store's report machinery under the reserved id
:data:`~lianghu_map.store.reports.PLACES_ID` (``list_reports`` leaves it out), so they are
versioned, audited and guarded against lost updates (``expected_revision``) exactly like a
report, on the GeoPackage and the PostGIS store alike, with no new table or file format::

    {"format": 1, "places": [{"id", "names": [繁, 简 …], "en": [...], "features": [...]}]}

After a place is added every stored report (schema 1: the reports analysts added) is prepared
again with the grown gazetteer (:meth:`Report.relink`) and, where its links changed, **saved as a
new version**: a stored report carries its links (its readers — the map, the PDF pack, the
offline page — need no gazetteer), the version before the place stays in its history, and the
audit log says who added which place and which reports it changed.  The built-in 2023 report
(its own format, curated links) is not relinked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .auth import Access, require_analyst
from .errors import ReportConflict, ReportNotFound
from .meeting.gazetteer import Place
from .meeting.places import PlaceFinder, analyst_place, load_place_finder
from .meeting.report import SCHEMA, Report
from .meeting.text import to_simplified
from .store import LayerStore, ReportRecord
from .store.reports import PLACES_ID

__all__ = ["PLACES_FORMAT", "AddedPlace", "add_place", "new_place", "place_finder",
           "relink_reports", "stored_places"]

PLACES_FORMAT = 1
PLACES_TITLE = "地名库：分析人员添加的地点"


@dataclass(frozen=True)
class AddedPlace:
    record: ReportRecord  # the places document's record after the save
    finder: PlaceFinder  # the built-in gazetteer with every stored place
    relinked: tuple[str, ...]  # reports saved as a new version with the new links
    conflicts: tuple[str, ...]  # reports changed by someone else meanwhile: not relinked


def _to_dict(p: Place) -> dict:
    return {"id": p.id, "names": list(p.names), "en": list(p.en), "features": list(p.features)}


def stored_places(store: LayerStore) -> tuple[tuple[Place, ...], int | None]:
    """The analysts' places and the revision of their document (None: none stored yet)."""
    try:
        record = store.report(PLACES_ID)
    except ReportNotFound:
        return (), None
    doc = store.get_report(PLACES_ID)
    places = tuple(Place(d["id"], tuple(d["names"]), tuple(d.get("en", ())),
                         tuple(d.get("features", ()))) for d in doc.get("places", ()))
    return places, record.current_revision


def place_finder(store: LayerStore, base: PlaceFinder | None = None) -> PlaceFinder:
    """The place finder of the built-in gazetteer grown by the stored places."""
    base = base or load_place_finder()
    places, _ = stored_places(store)
    return base.with_places(places) if places else base


def new_place(names: Iterable[str], en: Iterable[str] = (), features: Iterable[str] = ()
              ) -> Place:
    """An analyst's place with an id made from its first name (the same name, the same id:
    adding it twice is a conflict, not a second place)."""
    names = [n.strip() for n in names if n and n.strip()]
    key = to_simplified(names[0]) if names else ""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return analyst_place(f"analyst-{digest}", names, en, features)


def add_place(store: LayerStore, place: Place, *, user: str, access: Access) -> AddedPlace:
    """Store ``place`` with the others (analysts only) and relink every stored report.

    An alias that already names a place is a :class:`~lianghu_map.errors.GazetteerConflict`;
    another analyst's save of the places meanwhile a ``ReportConflict``; nothing is written."""
    require_analyst(access)
    user = access.user or user
    places, revision = stored_places(store)
    finder = load_place_finder().with_places((*places, place))  # raises on a conflict
    doc = {"format": PLACES_FORMAT, "places": [_to_dict(p) for p in (*places, place)]}
    today = datetime.now(UTC).date().isoformat()
    record = store.save_report(doc, title=PLACES_TITLE, date=today, user=user,
                               report_id=PLACES_ID, expected_revision=revision,
                               note=f"place {place.id}: {place.names[0]}")
    relinked, conflicts = relink_reports(store, finder, user=user, note=f"place {place.id}")
    return AddedPlace(record, finder, relinked, conflicts)


def relink_reports(store: LayerStore, finder: PlaceFinder, *, user: str, note: str = ""
                   ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every live stored report prepared again with ``finder``; those whose links or candidate
    names changed saved as a new version.  (relinked ids, ids changed meanwhile)"""
    relinked, conflicts = [], []
    for rec in store.list_reports():
        doc = store.get_report(rec.report_id)
        if doc.get("schema") != SCHEMA:
            continue  # the built-in report: curated links
        new = Report.from_dict(doc).relink(finder).to_dict()
        if all(new[k] == doc.get(k) for k in ("links", "candidates", "stale")):
            continue
        try:
            store.save_report(new, title=rec.title, date=rec.date, body=rec.body,
                              source_url=rec.source_url, user=user, report_id=rec.report_id,
                              expected_revision=rec.current_revision,
                              note=f"relinked: {note}" if note else "relinked")
        except ReportConflict:
            conflicts.append(rec.report_id)
            continue
        relinked.append(rec.report_id)
    return tuple(relinked), tuple(conflicts)
