"""Feature ↔ directive links, both ways."""

import pytest

from lianghu_map.catalog import load_catalog
from lianghu_map.links import build_links

CAT = load_catalog()
LINKS = CAT.links


def test_every_link_points_at_real_things():
    ids = set(CAT.features.index)
    for link in LINKS.links:
        assert link.feature_id in ids
        d = CAT.meeting.get(link.directive_id)
        assert d.text_hant[link.start:link.end] == link.evidence
        assert link.origin in ("gazetteer", "curated")


def test_every_located_place_named_in_the_text_is_linked():
    for d in CAT.meeting.directives:
        for m in CAT.gazetteer.find(d.text_hant):
            place = CAT.gazetteer.places[m.place_id]
            linked = {lk.feature_id for lk in LINKS.for_directive(d.id) if lk.place_id == place.id}
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
        ("modern.2", "water.gehu"),  # curated
    ],
)
def test_named_places_link_both_ways(directive, feature):
    assert feature in LINKS.features_of(directive)
    assert directive in LINKS.directives_of(feature)


def test_generic_mentions_link_features_of_their_kind():
    kinds = CAT.features["kind"]
    transport = set(kinds.index[kinds.isin(["hub", "station", "metro", "rail", "road"])])
    assert transport <= set(LINKS.features_of("modern.3"))
    eco = set(LINKS.features_of("ecology.3"))
    assert set(kinds.index[kinds.isin(["ecological_corridor", "greenway"])]) <= eco


def test_clauses_without_place_say_so():
    for did in ("vitality.4", "vitality.2", "modern.1"):
        assert LINKS.features_of(did) == []
    (u,) = LINKS.unlocated_in("synergy.4")
    assert (u.place_id, u.evidence) == ("yangtze_delta", "長三角")
    assert "pocket_park" in {u.place_id for u in LINKS.unlocated_in("ecology.3")}


def test_specific_sites_first_for_fitting():
    assert LINKS.features_of("innovate.2", specific_first=True) == ["park.xitaihu"]
    assert "zone.lianghu" in LINKS.features_of("innovate.2")


def test_unknown_feature_in_gazetteer_is_an_error():
    kinds = dict(zip(CAT.features.index, CAT.features["kind"], strict=True))
    del kinds["park.xitaihu"]
    with pytest.raises(ValueError, match="unknown features"):
        build_links(CAT.meeting, CAT.gazetteer, kinds)
