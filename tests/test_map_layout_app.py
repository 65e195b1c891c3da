"""AppTest: the Map page's caption counts what is highlighted or matched, not only what is drawn;
a name search with no match says so under the search box and over the map and keeps the view;
the clicked feature's details come first in the side column."""

import re

import pytest
from apptest_helpers import LANGS, map_args, map_feature_states, map_fit

from lianghu_map.catalog import load_catalog
from lianghu_map.meeting.gazetteer import normalise

CAT = load_catalog()
N = len(CAT.features)


def _count_caption(at) -> str:
    found = [c.value for c in at.main.caption if re.search(rf"\b{N}\b", c.value)]
    assert len(found) == 1, [c.value for c in at.main.caption]
    return found[0]


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text.split("·")[0])]


@pytest.mark.parametrize("lang", LANGS)
def test_caption_counts_the_directives_features(app, lang):
    app.session_state["lang"] = lang
    at = app.run()
    assert _numbers(_count_caption(at)) == [N, N]  # nothing highlighted: just drawn / total
    at.selectbox(key="f_directive").set_value("synergy.3").run()
    linked = set(CAT.links.features_of("synergy.3"))
    assert len(linked) > 1
    caption = _count_caption(at)
    assert _numbers(caption) == [N, N, len(linked)], caption
    word = {"zh-Hans": "高亮", "zh-Hant": "高亮", "en": "highlighted"}[lang]
    assert word in caption


def test_caption_counts_name_matches_and_dimmed_context(app):
    app.session_state["lang"] = "en"
    at = app.run()
    at.text_input(key="f_name").input("湖").run()
    names = CAT.features["name_zh"] + "\n" + CAT.features["name_en"]
    matching = {f for f, n in names.items() if "湖" in n}  # the truth, read off the names
    states = map_feature_states(at)
    dimmed = {f for f, s in states.items() if s == "context"}
    assert {f for f, s in states.items() if s == "normal"} == matching
    caption = _count_caption(at)
    assert f"{len(matching)} match the filters, {len(dimmed)} dimmed" in caption, caption
    assert _numbers(caption)[:2] == [len(matching) + len(dimmed), N]


@pytest.mark.parametrize("lang", LANGS)
def test_a_name_with_no_match_says_so_and_keeps_the_view(app, lang):
    app.session_state["lang"] = lang
    at = app.run()
    at.text_input(key="f_name").input("湖").run()  # a search that fits the view to the lakes
    before = map_args(at)
    assert map_fit(at) is not None
    query = "Atlantis<b>"
    assert not any(normalise(query) in normalise(n) for n in CAT.features["name_en"])
    at.text_input(key="f_name").input(query).run()
    assert not at.exception
    said = {"zh-Hans": "没有名称含“Atlantis", "zh-Hant": "沒有名稱含“Atlantis",
            "en": "No feature is named like “Atlantis"}[lang]
    # under the search box, and over the map (the main column, above it)
    assert any(said in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    assert any(said in w.value for w in at.main.warning), [w.value for w in at.main.warning]
    after = map_args(at)
    assert map_fit(at) is None  # no refit, no zoom out
    assert (after["center"], after["zoom"]) == (before["center"], before["zoom"])
    assert after["key"] == before["key"] and after["script"] == before["script"]  # no remount
    # a name that matches again: the message is gone
    at.text_input(key="f_name").input("").run()
    assert not any(said in w.value for w in at.warning)


def test_clicked_feature_details_come_first_in_the_side_column(app):
    at = app.run()
    key = map_args(at)["key"]
    at.session_state[key] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": "park.xitaihu"}},
        "last_object_clicked": {"lat": 31.72, "lng": 119.85},
    }
    at = at.run()
    side = at.main.columns[1]
    assert side.markdown[0].value == "#### 要素详情"  # the panel opens the side column
    bodies = [h.proto.body for h in side.get("html")]  # in page order

    def first(marker: str) -> int:
        return next(i for i, b in enumerate(bodies) if marker in b)

    # the feature's name, its first clause, its properties; drawing and legend below
    assert first("lh-feature-title") < first('"lh-clause"') < first("lh-facts") < first(
        "lh-legend"), bodies
