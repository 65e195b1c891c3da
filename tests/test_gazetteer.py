"""Gazetteer matching: script-insensitive, longest name wins, English aliases."""

import pytest

from lianghu_map.meeting.directives import load_meeting
from lianghu_map.meeting.gazetteer import Gazetteer, Place, load_gazetteer, normalise


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def test_same_places_in_hant_and_hans(gaz):
    for d in load_meeting().directives:
        hant = [(m.place_id, m.start, m.end) for m in gaz.find(d.text_hant)]
        hans = [(m.place_id, m.start, m.end) for m in gaz.find(d.text_hans)]
        assert hant == hans, d.id


def test_longest_name_wins(gaz):
    found = [(m.place_id, m.text) for m in gaz.find("武進國家高新區在武進")]
    assert found == [("wujin_hitech", "武進國家高新區"), ("wujin", "武進")]


def test_simplified_input_and_evidence_as_written(gaz):
    (m,) = gaz.find("推进常州南站枢纽规划研究")
    assert (m.place_id, m.text) == ("changzhou_south", "常州南站枢纽")


def test_english_aliases_case_insensitive_whole_words(gaz):
    ids = [m.place_id for m in gaz.find("Near changzhou south station and WUJIN.")]
    assert ids == ["changzhou_south", "wujin"]
    assert gaz.find("Wujinese") == []


def test_repaired_kejiaocheng_is_found(gaz):
    d = load_meeting().get("innovate.5")
    assert "kejiaocheng" in [m.place_id for m in gaz.find(d.text_hant)]


def test_normalise_keeps_length():
    s = "鐘樓區與長蕩湖 Changdang"
    assert len(normalise(s)) == len(s)
    assert normalise(s) == "钟楼区与长荡湖 changdang"


def test_conflicting_alias_rejected():
    with pytest.raises(ValueError, match="names two places"):
        Gazetteer([Place("a", ("金壇",), ()), Place("b", ("金坛",), ())])


def test_bureau_and_role_names_are_not_places(gaz):
    assert gaz.find("自然資源和規劃武進分局、武進生態環境局") == []
    assert gaz.find("常州市武進區人民政府辦公室") == []
    found = [m.place_id for m in gaz.find("作為“兩湖”創新區的核心區、先導區、引領區,我區奮力")]
    assert found == ["lianghu", "wujin"]


def test_strict_matching_respects_word_boundaries(gaz):
    def ids(text):
        return [m.place_id for m in gaz.find(text, strict=True)]

    for text in ("產業園區內道路", "安全區應急通道", "無錫市濱湖區政府", "常州市域鐵路S1線",
                 "核心區域變電站", "滆湖路", "全区停车场"):
        assert ids(text) == [], text
    assert ids("常州市武進區湖塘鎮") == ["wujin"]
    assert ids("兩湖核心區綠道") == ["core_area", "green_corridor"]
    assert ids("核心區內道路") == ["core_area"]
    assert ids("滆湖濱湖綠道") == ["gehu", "lakeside", "green_corridor"]  # after a place
    assert ids("兩湖中軸") == ["lianghu", "central_axis"]
    assert ids("中軸線") == ["central_axis"]
    # the report's own voice still finds its deictic names
    assert [m.place_id for m in gaz.find("要立足區內")] == ["wujin"]
