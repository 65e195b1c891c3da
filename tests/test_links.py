"""Feature ↔ directive links, both ways: one link per (feature, clause), all its evidence."""

from collections import Counter

import pytest

from lianghu_map.catalog import load_catalog
from lianghu_map.meeting.links import Evidence, Link, LinkTable, Unlocated, build_links

CAT = load_catalog()
LINKS = CAT.links
KINDS = dict(zip(CAT.features.index, CAT.features["kind"], strict=True))
GEOMS = CAT.features.geometry.to_dict()


def test_every_link_points_at_real_things():
    ids = set(CAT.features.index)
    for link in LINKS.links:
        assert link.feature_id in ids
        d = CAT.meeting.get(link.directive_id)
        assert link.evidence
        for e in link.evidence:
            assert d.text_hant[e.start:e.end] == e.text
            assert e.origin in ("gazetteer", "curated")
            assert e.mention in ("named", "generic")


def test_no_two_links_with_the_same_feature_and_clause():
    pairs = Counter((lk.feature_id, lk.directive_id) for lk in LINKS.links)
    assert pairs and max(pairs.values()) == 1
    # the pair keeps all its evidence: modern.3 names 常州南站 four ways
    south = LINKS.get("hub.changzhou_south", "modern.3")
    assert {"常州南站樞紐", "中央車站", "第一門戶"} <= {e.text for e in south.evidence}


def test_link_table_merges_duplicate_pairs():
    a = Evidence("武進", 0, 2, "gazetteer", "wujin")
    b = Evidence("我區", 5, 7, "gazetteer", "wujin")
    table = LinkTable([Link("f", "d", (a,)), Link("f", "d", (b,)), Link("f", "d", (a,))], [])
    (link,) = table.links
    assert link.evidence == (a, b) and table.features_of("d") == ["f"]


def test_every_located_place_named_in_the_text_is_linked():
    for d in CAT.meeting.directives:
        for m in CAT.gazetteer.find(d.text_hant):
            place = CAT.gazetteer.places[m.place_id]
            linked = {lk.feature_id for lk in LINKS.for_directive(d.id)
                      if any(e.place_id == place.id for e in lk.evidence)}
            if place.features:
                assert linked >= set(place.features), (d.id, place.id)
            elif not linked:  # a generic kind with no feature, or a place with no location
                assert any(u.place_id == place.id for u in LINKS.unlocated_in(d.id)), place.id
                assert place.unlocated_zh and place.unlocated_en


@pytest.mark.parametrize(
    ("directive", "feature"),
    [
        ("modern.3", "hub.changzhou_south"),
        ("modern.4", "axis.central"),
        ("innovate.2", "park.xitaihu"),
        ("innovate.3", "park.sino_israel"),
        ("innovate.4", "park.wujin_hitech"),
        ("innovate.5", "park.kejiaocheng"),  # garbled in the source, repaired
        ("synergy.3", "district.jintan"),
        ("synergy.3", "district.zhonglou"),
        ("ecology.3", "green.changbei_corridor"),
        ("livable.3", "heritage.yancheng"),
        ("livable.3", "green.xitaihu_wetland"),  # curated: Wujin's wetland park, a scenic area
        ("modern.2", "water.gehu"),  # curated
        ("context.4", "district.wujin"),  # 我區
    ],
)
def test_named_places_link_both_ways(directive, feature):
    assert feature in LINKS.features_of(directive)
    assert directive in LINKS.directives_of(feature)


@pytest.mark.parametrize(
    ("directive", "feature"),
    [
        ("context.4", "zone.core"),  # 核心區、先導區、引領區: Wujin's roles, not the core area
        ("livable.3", "resort.changdang"),  # in 金壇, not in 全域旅游武進畫卷
        ("ecology.3", "green.xitaihu_wetland"),  # a wetland park point is not a corridor
        ("modern.3", "station.changzhou"),  # 常州站, 常州北站, 文化宮, 金壇站: outside the zone
        ("modern.3", "station.changzhou_north"),
        ("modern.3", "station.wenhuagong"),
        ("modern.3", "station.jintan"),
    ],
)
def test_wrong_links_are_gone(directive, feature):
    assert LINKS.get(feature, directive) is None


def test_bureau_names_are_not_the_district():
    d = CAT.meeting.get("context.6")
    bureaus = [d.text_hant.index(b) for b in ("自然資源和規劃武進分局", "武進生態環境局")]
    wujin = LINKS.get("district.wujin", "context.6")
    starts = {e.start for e in wujin.evidence} if wujin else set()
    for b in bureaus:
        assert not any(b <= s < b + 12 for s in starts)
    assert all(m.place_id != "wujin" or m.text == "武進區"
               for m in CAT.gazetteer.find(d.text_hant))


def test_the_headquarters_name_is_an_organisation_not_wujin():
    """context.6: 武進區“兩湖”創新區建設工作指揮部 is the zone's headquarters, an organisation:
    its 武進區 is not the district as a place; the headquarters' report is the zone's work."""
    d = CAT.meeting.get("context.6")
    assert LINKS.get("district.wujin", "context.6") is None
    assert not any(m.place_id in ("wujin", "lianghu") for m in CAT.gazetteer.find(d.text_hant))
    zone = LINKS.get("zone.lianghu", "context.6")
    assert zone is not None and zone.mention == "named"
    hq = "“兩湖”創新區建設工作指揮部"
    assert [(e.text, e.origin) for e in zone.evidence] == [(hq, "curated")]
    assert "organisation" in zone.evidence[0].note_en
    assert set(LINKS.features_of("context.6")) == {"zone.lianghu", "park.xitaihu"}


def test_generic_mentions_follow_the_rule():
    """A generic mention (kinds) links only features of its kinds in or crossing its `within`
    feature, marked generic unless the clause also names them."""
    zone = GEOMS["zone.lianghu"]
    generic = LINKS.features_of("modern.3", mention="generic")
    assert generic and "hub.changzhou_south" not in generic  # named: 常州南站樞紐
    transport = {"hub", "station", "metro", "rail", "road"}
    expected = {f for f, k in KINDS.items() if k in transport and GEOMS[f].intersects(zone)}
    assert set(LINKS.features_of("modern.3")) - {"zone.lianghu"} == expected
    assert LINKS.get("hub.changzhou_south", "modern.3").mention == "named"
    for fid in generic:
        assert LINKS.get(fid, "modern.3").generic
        assert GEOMS[fid].intersects(zone)
    eco = LINKS.features_of("ecology.3", mention="generic")
    assert {"green.changbei_corridor", "green.gehu_greenway"} <= set(eco)
    assert {KINDS[f] for f in eco} <= {"ecological_corridor", "greenway"}
    tour = LINKS.features_of("livable.3", mention="generic")
    assert all(GEOMS[f].intersects(GEOMS["district.wujin"]) for f in tour)


def test_generic_rule_needs_geometry():
    with pytest.raises(ValueError, match="geometries"):
        build_links(CAT.meeting, CAT.gazetteer, KINDS)


def test_clauses_without_place_say_so():
    for did in ("vitality.4", "vitality.2", "modern.1"):
        assert LINKS.features_of(did) == []
    (u,) = LINKS.unlocated_in("synergy.4")
    assert (u.place_id, u.evidence) == ("yangtze_delta", "長三角")
    assert "pocket_park" in {u.place_id for u in LINKS.unlocated_in("ecology.3")}


@pytest.mark.parametrize(
    ("directive", "mention"),
    [
        ("synergy.2", "區鎮"),
        ("synergy.2", "組團發展"),
        ("context.1", "現代化新城"),
        ("context.2", "現代化新城"),
        ("context.7", "現代化新城"),
        ("modern.2", "城"),  # the 城 of 人、城、湖
        ("modern.4", "團城"),
    ],
)
def test_missing_mentions_are_listed_with_a_reason(directive, mention):
    d = CAT.meeting.get(directive)
    found = [u for u in LINKS.unlocated_in(directive) if u.evidence == mention]
    assert len(found) == 1
    u = found[0]
    assert d.text_hant[u.start:u.end] == mention and u.reason_zh and u.reason_en
    if mention == "城":
        assert d.text_hant[u.start - 2:u.end + 2] == "人、城、湖"


def test_compact_city_is_clustered_not_compact():
    place = CAT.gazetteer.places["compact_city"]
    assert place.en[0] == "clustered city" and "compact" not in place.unlocated_en.lower()
    assert "組團式城區" in place.unlocated_zh and "出處" in place.unlocated_zh


def test_curated_evidence_must_be_unambiguous(tmp_path):
    path = tmp_path / "links.toml"
    path.write_text('[[link]]\ndirective = "context.2"\nfeatures = ["zone.lianghu"]\n'
                    'evidence = "兩湖"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ambiguous"):
        build_links(CAT.meeting, CAT.gazetteer, KINDS, path, geometries=GEOMS)


def test_specific_sites_first_for_fitting():
    assert LINKS.features_of("innovate.2", specific_first=True) == ["park.xitaihu"]
    assert "zone.lianghu" in LINKS.features_of("innovate.2")


def test_unknown_feature_in_gazetteer_is_an_error():
    kinds = dict(KINDS)
    del kinds["park.xitaihu"]
    with pytest.raises(ValueError, match="unknown features"):
        build_links(CAT.meeting, CAT.gazetteer, kinds, geometries=GEOMS)


def test_unlocated_spans():
    assert Unlocated("d", "p", "x", 3, 5, "", "").spans == [(3, 5)]
    assert Link("f", "d", (Evidence("", 0, 0, "upload:file"),)).spans == []
