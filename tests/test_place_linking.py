"""Place linking in report text on a scored corpus (issue 17, acceptance 2): precision ≥ 0.95,
recall ≥ 0.9, printed; evidence spans, generic apart from named, candidates."""

from collections import Counter

import pytest
from place_corpus import CORPUS, HELD_OUT

from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.text import to_simplified

FINDER = load_place_finder()


def _found(sentence: str) -> Counter:
    return Counter(("g:" if m.mention == "generic" else "") + m.place_id
                   for m in FINDER.find(sentence))


def test_corpus_is_large_and_mixed():
    sentences = [s for s, _ in CORPUS]
    assert len(sentences) == len(set(sentences)) >= 120
    assert sum(1 for s in sentences if to_simplified(s) != s) >= 25  # 繁體
    assert sum(1 for s in sentences if "(" in s) >= 10  # reading aids
    assert sum(1 for _, e in CORPUS if not e) >= 40  # traps with nothing to find


def _score(corpus):
    tp = fp = fn = 0
    misses = []
    for sentence, expected in corpus:
        got, want = _found(sentence), Counter(expected)
        hit = sum((got & want).values())
        tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(want.values()) - hit
        if got != want:
            misses.append((sentence, dict(got), dict(want)))
    return tp, fp, fn, misses


@pytest.mark.parametrize(("name", "corpus"), [("corpus", CORPUS), ("held out", HELD_OUT),
                                              ("all", CORPUS + HELD_OUT)])
def test_precision_and_recall(name, corpus):
    tp, fp, fn, misses = _score(corpus)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nplace linking ({name}): {len(corpus)} sentences, {tp} true, {fp} false, {fn} missed;"
          f" precision {precision:.3f}, recall {recall:.3f}")
    for miss in misses:
        print("  differs:", miss)
    assert precision >= 0.95, misses
    assert recall >= 0.9, misses


@pytest.mark.parametrize("sentence", [s for s, e in CORPUS + HELD_OUT if e])
def test_evidence_spans_point_into_the_sentence(sentence):
    for m in FINDER.find(sentence):
        assert sentence[m.start:m.end] == m.text


def test_evidence_keeps_reading_aids():
    (m,) = FINDER.find("推進(jìn)常(cháng)州南站樞(shū)紐規劃")
    assert m.text == "常(cháng)州南站樞(shū)紐" and m.place_id == "changzhou_south"


def test_short_form_follows_context():
    assert [(m.place_id, m.form) for m in FINDER.find("西太湖园区新增企业")] == [
        ("xitaihu_park", "short")]
    assert [(m.place_id, m.form) for m in FINDER.find("西太湖水质改善")] == [("gehu", "name")]
    assert [m.place_id for m in FINDER.find("常泰高速扩容")] == []
    # more lake words than park words: the lake
    assert [m.place_id for m in FINDER.find("西太湖生态修复项目完工")] == ["gehu"]
    assert [m.place_id for m in FINDER.find("西太湖要把技术创新扛在肩上")] == ["xitaihu_park"]


def test_candidates_list_gazetteer_gaps():
    text = "加快建设腾龙大道和青洋路，串联牛塘镇与湖塘站，推进武进南站和西太湖园区建设。"
    assert [c.text for c in FINDER.candidates(text)] == ["腾龙大道", "青洋路", "湖塘站"]
    for c in FINDER.candidates(text):
        assert text[c.start:c.end] == c.text
