"""Generic links ("mentions transport in general") shown apart from named ones."""

import html

import pytest
from apptest_helpers import LANGS, map_args

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t
from lianghu_map.layers import display_names
from lianghu_map.panels import clause_html, generic_badge_html

CAT = load_catalog()
LINKS = CAT.links
GENERIC_STATION = "station.lanyuewan"  # in the zone; modern.3 speaks of transport in general


def test_generic_spans_say_so_named_spans_do_not():
    d = CAT.meeting.get("modern.3")
    out = clause_html(d, "zh-Hans", LINKS.for_directive("modern.3"))
    help_text = t("link.generic.help", "zh-Hans")
    assert f'<mark title="{help_text}">综合交通框架</mark>' in out
    assert "<mark>常州南站枢纽</mark>" in out  # named


@pytest.mark.parametrize("lang", LANGS)
def test_badge_only_for_generic_links(lang):
    generic = LINKS.get(GENERIC_STATION, "modern.3")
    named = LINKS.get("hub.changzhou_south", "modern.3")
    assert generic.mention == "generic" and named.mention == "named"
    badge = generic_badge_html([generic], lang)
    assert t("link.generic", lang) in badge and t("link.generic.help", lang) in badge
    assert generic_badge_html([named], lang) == ""
    assert generic_badge_html([], lang) == ""


def _texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.proto.body for e in at.get("html")]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", LANGS)
def test_directives_page_lists_generic_links_apart(app, lang):
    app.session_state["lang"] = lang
    at = app.run()
    at.switch_page("pages/directives.py").run()
    assert not at.exception
    text = _texts(at)
    label = t("dir.features.generic", lang)
    assert text.count(label) == len({lk.directive_id for lk in LINKS.links if lk.generic})
    # modern.3: the hub under the named features, the zone's stations under "in general"
    card = text[text.index(">modern.3<"):text.index(">modern.4<")]
    named_part = card[card.index(t("dir.features", lang)):card.index(label)]
    general_part = card[card.index(label):]
    station = html.escape(display_names(CAT.features.loc[GENERIC_STATION], lang)[0])
    hub = html.escape(display_names(CAT.features.loc["hub.changzhou_south"], lang)[0])
    assert station in general_part and station not in named_part
    assert hub in named_part and hub not in general_part


def test_side_panel_marks_a_generic_link(app):
    at = app.run()
    key = map_args(at)["key"]
    at.session_state[key] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": GENERIC_STATION}},
        "last_object_clicked": {"lat": 31.72, "lng": 119.85},
    }
    at = at.run()
    assert not at.exception
    text = _texts(at)
    assert 'class="lh-generic"' in text and t("link.generic", "zh-Hans") in text
