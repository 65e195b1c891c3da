"""The gazetteer grows in the store: analysts' places kept as one versioned document (audit,
conflicts, left out of the report list), and every stored report relinked as a new version.

Tests that take the ``store`` fixture run on both backends, ``[gpkg]`` and ``[postgis]``.
"""

from __future__ import annotations

import pytest

from lianghu_map import places_store
from lianghu_map.auth import VIEWER, Access, Role
from lianghu_map.errors import GazetteerConflict, ReportConflict, WriteDenied
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import Report, ReportMeta, prepare_report
from lianghu_map.reports_store import BUILTIN_ID, ensure_builtin_report
from lianghu_map.store.reports import PLACES_ID

ANALYST = Access(Role.ANALYST, "local")
ROAD_TEXT = "一、交通\n要加快建设腾龙大道，推进常州南站枢纽建设。"
OTHER_TEXT = "守护好滆湖，建设生态廊道。"


def _save(store, text: str, title: str) -> str:
    report = prepare_report(text, ReportMeta("", "2024-05-01", title), load_place_finder())
    return store.save_report(report.to_dict(), title=title, date="2024-05-01",
                             user="alice").report_id


def _road_place():
    return places_store.new_place(["腾龙大道", "騰龍大道"], ["Tenglong Avenue"],
                                  ["up-road-000001/a"])


def test_a_place_is_stored_versioned_audited_and_relinks_the_reports(store):
    ensure_builtin_report(store)
    road_id, other_id = _save(store, ROAD_TEXT, "推进大会"), _save(store, OTHER_TEXT, "生态")
    before = Report.from_dict(store.get_report(road_id))
    assert "腾龙大道" in {c.text for c in before.candidates}
    assert not [lk for lk in before.links if lk.text == "腾龙大道"]

    added = places_store.add_place(store, _road_place(), user="bob", access=ANALYST)

    places, revision = places_store.stored_places(store)
    assert places[0].names == ("騰龍大道", "腾龙大道")  # 繁體 first, as the gazetteer keeps
    assert places[0].en == ("Tenglong Avenue",) and places[0].features == ("up-road-000001/a",)
    assert revision == 1 and added.record.report_id == PLACES_ID
    # only the report that names the place is relinked, as a new version; the others stay
    assert added.relinked == (road_id,) and added.conflicts == ()
    assert store.report(road_id).current_revision == 2
    assert store.report(other_id).current_revision == 1
    assert store.report(BUILTIN_ID).current_revision == 1
    after = Report.from_dict(store.get_report(road_id))
    (link,) = [lk for lk in after.links if lk.text == "腾龙大道"]
    assert link.place_id == places[0].id
    assert "腾龙大道" not in {c.text for c in after.candidates}
    # the version before the place is kept
    assert Report.from_dict(store.get_report(road_id, 1)).links == before.links
    # the places document is no report in the list, but its writes are audited
    assert PLACES_ID not in {r.report_id for r in store.list_reports(include_deleted=True)}
    audit = [(e.action, e.report_id, e.user) for e in store.report_audit()]
    assert ("create", PLACES_ID, "bob") in audit and ("update", road_id, "bob") in audit
    # a finder made from the store knows the place
    finder = places_store.place_finder(store)
    assert [m.place_id for m in finder.find("腾龙大道")] == [places[0].id]


def test_places_accumulate_as_versions(store):
    places_store.add_place(store, _road_place(), user="bob", access=ANALYST)
    second = places_store.new_place(["青洋路"], (), ["up-road-000001/a"])
    places_store.add_place(store, second, user="carol", access=ANALYST)
    places, revision = places_store.stored_places(store)
    assert [p.id for p in places] == [_road_place().id, second.id] and revision == 2
    assert len(store.report_history(PLACES_ID).versions) == 2


def test_a_name_the_gazetteer_has_is_refused_and_nothing_is_written(store):
    places_store.add_place(store, _road_place(), user="bob", access=ANALYST)
    before = store.revision()
    for names in (["騰龍大道"], ["常州南站"]):  # an analyst's place, a built-in one
        with pytest.raises(GazetteerConflict):
            places_store.add_place(store, places_store.new_place([*names, "别名"]),
                                   user="bob", access=ANALYST)
    assert store.revision() == before


def test_a_viewer_cannot_add_a_place(store):
    before = store.revision()
    with pytest.raises(WriteDenied):
        places_store.add_place(store, _road_place(), user="eve", access=VIEWER)
    assert store.revision() == before and places_store.stored_places(store) == ((), None)


def test_two_analysts_adding_from_the_same_revision_one_is_told(store, monkeypatch):
    """The second save names the revision it read: a conflict, not a lost place."""
    stale = places_store.stored_places(store)
    places_store.add_place(store, _road_place(), user="bob", access=ANALYST)
    monkeypatch.setattr(places_store, "stored_places", lambda _s: stale)
    with pytest.raises(ReportConflict):
        places_store.add_place(store, places_store.new_place(["青洋路"]), user="carol",
                               access=ANALYST)
    monkeypatch.undo()
    assert [p.id for p in places_store.stored_places(store)[0]] == [_road_place().id]


def test_the_catalogue_links_a_report_to_an_analysts_place(store):
    """The map knows what the gazetteer learnt: a report naming an analyst's place links, on
    every page, to the feature the analyst mapped it to (a built-in one here)."""
    from lianghu_map.catalog import load_catalog

    ensure_builtin_report(store)
    road_id = _save(store, ROAD_TEXT, "推进大会")
    place = places_store.new_place(["腾龙大道"], ["Tenglong Avenue"], ["park.xitaihu"])
    places_store.add_place(store, place, user="bob", access=ANALYST)
    cat = load_catalog(store)
    clauses = [lk.directive_id for lk in cat.links.for_feature("park.xitaihu")
               if lk.directive_id.startswith(f"{road_id}/")]
    assert clauses, "the report's mention of 腾龙大道 reaches park.xitaihu"
    evidence = {e.text for lk in cat.links.for_feature("park.xitaihu")
                if lk.directive_id in clauses for e in lk.evidence}
    assert "腾龙大道" in evidence
