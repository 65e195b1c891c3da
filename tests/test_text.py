"""The published report → cleaned text → directives."""

import re

import pytest

from lianghu_map import paths
from lianghu_map.meeting.directives import THEME_BY_KEY, build_meeting, load_meeting
from lianghu_map.meeting.text import clean_text, split_sentences, to_simplified

RAW = (paths.DIRECTIVES_DIR / "meeting-text-source.txt").read_text(encoding="utf-8")
SIX_THEMES = ["現代化", "創新", "活力", "協同", "生態", "宜居"]


@pytest.fixture(scope="module")
def clean():
    return clean_text(RAW)


def test_source_kept_as_published():
    assert "區(qū)" in RAW
    assert "??平坛且l(fā)揮" in RAW
    assert "加速?gòu)?ldquo;紙上" in RAW


def test_all_318_reading_aids_removed(clean):
    assert clean.reading_aids_removed == 318
    assert "(" not in clean.text and ")" not in clean.text


def test_no_stray_latin_letter(clean):
    assert re.findall(r"[A-Za-z\u00C0-\u024F\u01CD-\u01DC]", clean.text) == []
    assert "?" not in clean.text and "&" not in clean.text


def test_both_garbled_spans_repaired_and_recorded(clean):
    assert "。科教城要發揮“創新之核”功能" in clean.text
    assert "宏偉藍圖加速從“紙上”落到“地上”" in clean.text
    repaired = {r.repaired: r for r in clean.repairs}
    assert set(repaired) == {"。科教城要發", "從“"}
    for r in clean.repairs:
        assert clean.text[r.start:r.end] == r.repaired
        assert r.explanation_en and r.explanation_zh


def test_garbled_span_must_be_present():
    with pytest.raises(ValueError, match="garbled span"):
        clean_text(RAW.replace("??平坛且l", "。科教城要發"))


def test_sentences_cover_paragraphs_exactly(clean):
    sentences = split_sentences(clean)
    for p, (start, end) in enumerate(clean.paragraphs):
        mine = [s for s in sentences if s.paragraph == p]
        assert "".join(s.text for s in mine) == clean.text[start:end]


def test_every_sentence_in_exactly_one_directive():
    meeting = load_meeting()
    sentences = split_sentences(meeting.clean)
    body, credit = sentences[:-1], sentences[-1]
    assert credit.text.startswith("責編") and meeting.attribution == credit.text
    for s in body:
        owners = [d.id for d in meeting.directives if d.start <= s.start and s.end <= d.end]
        assert len(owners) == 1, (s.text, owners)
    assert sum(len(d.text_hant) for d in meeting.directives) == sum(len(s.text) for s in body)


def test_directive_ids_stable_and_themed():
    a = build_meeting(RAW, _curated(), paths.DIRECTIVES_DIR / "x")
    b = build_meeting(RAW, _curated(), paths.DIRECTIVES_DIR / "x")
    assert [(d.id, d.start, d.end) for d in a.directives] == [
        (d.id, d.start, d.end) for d in b.directives
    ]
    ids = [d.id for d in a.directives]
    assert len(ids) == len(set(ids)) == 32
    assert {d.theme for d in a.directives} == {*SIX_THEMES, "context"}
    assert a.get("modern.3").text_hant.startswith("要全面拉開現代化綜合交通框架")
    assert a.get("innovate.5").text_hant.startswith("科教城要發揮")
    assert a.get("vitality.4").text_hant.startswith("要優化營商環境")
    for d in a.directives:
        assert d.id.split(".")[0] == THEME_BY_KEY[d.theme].slug


def _curated():
    import tomllib

    with (paths.DIRECTIVES_DIR / "directives.toml").open("rb") as fh:
        return tomllib.load(fh)["directive"]


def test_theme_paragraphs_map_to_their_theme():
    meeting = load_meeting()
    for theme in SIX_THEMES:
        first = meeting.by_theme(theme)[0]
        assert f"要把“{theme}”作為" in first.text_hant


def test_repairs_flagged_on_their_directives():
    meeting = load_meeting()
    flagged = {d.id for d in meeting.directives if d.repairs}
    assert {"context.5", "innovate.5"} <= flagged
    assert all(d.repairs == () for d in meeting.by_theme("活力"))


def test_three_scripts():
    d = load_meeting().get("innovate.2")
    assert d.text("zh-Hant").startswith("西太湖科技產業園")
    assert d.text("zh-Hans").startswith("西太湖科技产业园")
    assert d.text("zh-Hans") == to_simplified(d.text_hant)
    assert "West Taihu" in d.text("en")
    assert all(d.en and d.label_en and d.label_hant for d in load_meeting().directives)


def test_anchor_must_match_once():
    curated = _curated()
    curated[3] = {**curated[3], "starts": "不存在的句子"}
    with pytest.raises(ValueError, match="anchor"):
        build_meeting(RAW, curated, paths.DIRECTIVES_DIR / "x")


def test_zhuo_li_is_standard_simplified():
    meeting = load_meeting()
    for did in ("innovate.4", "vitality.2"):
        assert "着力" in meeting.get(did).text_hans and "著力" not in meeting.get(did).text_hans
    assert to_simplified("著力") == "着力"
    assert to_simplified("著作") == "著作"
    assert to_simplified("顯著") == "显著"
    assert to_simplified("顯著力量") == "显著力量"  # 显著 + 力量, not 显 + 着力
    assert len(to_simplified("要著力形成")) == 5


def test_second_repair_note_says_what_the_span_is(clean):
    (r,) = [r for r in clean.repairs if r.repaired == "從“"]
    assert "half of its reading aid" not in r.explanation_en
    assert "gòu" in r.explanation_en and "cóng" in r.explanation_en
    assert "not of 從" in r.explanation_en
    assert "gòu" in r.explanation_zh and "並非“從”的注音" in r.explanation_zh
    assert "從(cóng)" not in RAW  # 從 carries no reading aid anywhere in the source
    assert "發(fā)展從“團(tuán)城”" in RAW
