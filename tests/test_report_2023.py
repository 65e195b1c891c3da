"""The 2023 report through the new pipeline (issue 17, acceptance 6): exactly today's 32
directives, texts, themes and links (compared with load_meeting() and build_links())."""

import pytest

from lianghu_map.catalog import load_catalog
from lianghu_map.meeting.directives import load_meeting
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import Decisions, prepare_report
from lianghu_map.meeting.report2023 import report_2023

CAT = load_catalog()
KINDS = dict(zip(CAT.features.index, CAT.features["kind"], strict=True))
GEOMS = CAT.features.geometry.to_dict()


@pytest.fixture(scope="module")
def new():
    return report_2023()


def test_kept_text_is_todays_cleaned_text_without_the_credit(new):
    meeting = load_meeting()
    old = meeting.clean
    assert new.report.kept == old.text[:meeting.directives[-1].end]
    assert old.text.endswith("\n" + meeting.attribution)
    assert new.report.reading_aids_removed == old.reading_aids_removed == 318
    garbled = [f for f in new.report.flags if f.kind == "garbled"]
    assert {f.suggestion for f in garbled} == {r.repaired for r in old.repairs}
    assert [(a, b) for _, a, b in new.report.repairs] == [(r.start, r.end) for r in old.repairs]
    assert new.report.byline == load_meeting().attribution


def test_exactly_the_32_directives(new):
    meeting = load_meeting()
    mine = [(new.ids[c.id], c.text, c.start, c.end) for c in new.report.clauses
            if c.id in new.ids]
    assert mine == [(d.id, d.text_hant, d.start, d.end) for d in meeting.directives]
    assert len(mine) == len(new.report.clauses) == 32


def test_themes_by_rule_agree_with_the_curated_ones(new):
    r = new.report
    plain = prepare_report(r.original, r.meta, load_place_finder(),
                           Decisions(r.decisions.flags, r.decisions.repairs, r.decisions.merges))
    meeting = load_meeting()
    for c in plain.clauses:
        if c.id in new.ids:
            assert plain.clause_themes[c.id][0] == meeting.get(new.ids[c.id]).theme, c.text


def _key(table, name):
    return sorted((lk.feature_id, name(lk.directive_id),
                   tuple(sorted((e.text, e.start, e.end, e.origin, e.place_id, e.mention, e.area,
                                 e.note_zh, e.note_en) for e in lk.evidence)))
                  for lk in table.links)


def test_exactly_todays_links(new):
    table = new.report.link_table(load_place_finder(), KINDS, GEOMS)
    assert _key(table, new.ids.get) == _key(CAT.links, str)
    mine = sorted((new.ids[u.directive_id], u.place_id, u.evidence, u.start, u.end)
                  for u in table.unlocated)
    assert mine == sorted((u.directive_id, u.place_id, u.evidence, u.start, u.end)
                          for u in CAT.links.unlocated)


def test_translations_kept_as_annotations(new):
    meeting = load_meeting()
    for cid, legacy in new.ids.items():
        note = new.report.decisions.annotations[cid]
        assert note["en"] == meeting.get(legacy).en and note["legacy_id"] == legacy
