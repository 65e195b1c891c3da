"""A new report through the pipeline (issue 17, acceptance 1): cleaning, flags, clauses, ids,
themes, the analyst's edits and the stored JSON form, on report texts written in the shapes real
ones take."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianghu_map.meeting.clauses import split_clauses
from lianghu_map.meeting.cleaning import clean_report_text, strip_reading_aids
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import Report, ReportMeta, prepare_report

FINDER = load_place_finder()
META = ReportMeta("t-1", "2024-03-05", "两湖创新区建设推进会", "指挥部", "推进会", "https://example.org/a")

SIMPLIFIED = """一、要把“现代化”作为最鲜明标识
（一）加快交通建设。要推进常州南站枢纽规划研究。一是完善路网；二是建设轨道；三是优化公交。
（二）优化空间形态。要秉承“中轴引领”的筑城理念，推动城市发展从“团城”走向“滨湖”。
二、要把“生态”作为最靓丽底色
要守护好滆湖的一湖清水。规划建设一批口袋公园、生态廊道。
三、其他工作
西太湖园区要加强招商引资，新增科技企业一百家。
　　要加快腾龙大道建设。"""

# 繁體, the same kind of text, plain; reading aids are added below (all or some characters).
TRADITIONAL = ("喬俊杰強調，要把“創新”作為最核心特質。西太湖科技產業園要把技術創新扛在肩上。"
               "武進國家高新區要把產業創新作為重要方向。")
_SYLLABLES = ("qiáo", "jùn", "jié", "qiáng", "diào", "yào", "bǎ", "chuàng", "xīn", "zuò", "wéi")


def with_aids(text: str, every: int = 1, paren: str = "()") -> str:
    out, n = [], 0
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff":
            if n % every == 0:
                out.append(paren[0] + _SYLLABLES[n % len(_SYLLABLES)] + paren[1])
            n += 1
    return "".join(out)


JUNK = ("首页 > 新闻中心 > 武进要闻\n当前位置：首页 > 要闻\n发布时间：2024-03-06 09:30\n"
        "本报讯（记者 王明 通讯员 李华）昨天上午，两湖创新区建设推进会召开。"
        "会议要求加快常州南站建设。\n"
        "要把“协同”作为最有效途径，加强与金坛、钟楼的联动。\n"
        "来源：武进日报\n责任编辑：张三\n【打印本页】【关闭窗口】")

GARBLED = "会议指出，要推动宏伟蓝图加速?gòu)?ldquo;纸上”落到“地上”。科教城要发挥创新之核功能。"


def _lossless(report):
    assert "".join(c.text + c.tail for c in report.clauses) == report.kept
    for c in report.clauses:
        assert report.kept[c.start:c.end] == c.text
        assert c.tail.strip() == ""


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL, with_aids(TRADITIONAL),
                                  with_aids(TRADITIONAL, 3), JUNK, GARBLED])
def test_split_lossless_and_deterministic(text):
    a = prepare_report(text, META, FINDER)
    b = prepare_report(text, META, FINDER)
    _lossless(a)
    assert a == b
    assert [c.id for c in a.clauses] == [c.id for c in b.clauses]
    assert len({c.id for c in a.clauses}) == len(a.clauses)


@pytest.mark.parametrize(("every", "paren"), [(1, "()"), (3, "()"), (2, "（）"), (7, "()")])
def test_reading_aids_removed_exactly(every, paren):
    raw = with_aids(TRADITIONAL, every, paren)
    assert raw != TRADITIONAL
    clean = clean_report_text(raw)
    assert clean.text == TRADITIONAL
    han = sum(1 for c in TRADITIONAL if "\u4e00" <= c <= "\u9fff")
    assert clean.reading_aids_removed == len(range(0, han, every))


def test_what_is_not_a_reading_aid_stays():
    text = "引进人工智能(AI)企业，开发应用(app)，2023年(上半年)完成，代码(x1)。"
    assert strip_reading_aids(text)[0] == text
    # a toneless syllable right after a character is an aid (的(de)); a toned one anywhere
    assert strip_reading_aids("我们的(de)目标l(fā)")[0] == "我们的目标l"


def test_offset_map_points_back_into_the_source():
    raw = with_aids("常州南站樞紐", 1)
    plain, n, omap = strip_reading_aids(raw)
    assert n == 6 and plain == "常州南站樞紐"
    for i, ch in enumerate(plain):
        assert raw[omap.to_source(i)] == ch


def test_widths_normalised_one_for_one():
    clean = clean_report_text("２０２４年新增ＡＩ企业１２家｡｢两湖｣､常州")
    assert clean.text == "2024年新增AI企业12家。「两湖」、常州"
    assert clean.widths_normalised == 12


def test_junk_flagged_not_removed_until_accepted():
    report = prepare_report(JUNK, META, FINDER)
    kinds = [(f.kind, f.text) for f in report.flags]
    assert kinds == [
        ("navigation", "首页 > 新闻中心 > 武进要闻"),
        ("navigation", "当前位置：首页 > 要闻"),
        ("navigation", "发布时间：2024-03-06 09:30"),
        ("byline", "本报讯（记者 王明 通讯员 李华）"),
        ("byline", "来源：武进日报"),
        ("byline", "责任编辑：张三"),
        ("navigation", "【打印本页】【关闭窗口】"),
    ]
    assert report.kept == report.cleaned  # nothing removed without a decision
    # places in flagged junk (武进要闻, 武进日报) are not linked, before or after removal
    places = {"lianghu", "changzhou_south", "jintan", "zhonglou"}
    assert {lk.place_id for lk in report.links} == places
    for f in report.flags:
        report = report.decide(FINDER, f.id, accept=True)
    assert report.kept == ("昨天上午，两湖创新区建设推进会召开。会议要求加快常州南站建设。\n"
                           "要把“协同”作为最有效途径，加强与金坛、钟楼的联动。")
    _lossless(report)
    assert "来源：武进日报" in report.byline
    assert {lk.place_id for lk in report.links} == places


def test_rejected_flag_keeps_the_text():
    report = prepare_report(JUNK, META, FINDER)
    first = report.flags[0]
    report = report.decide(FINDER, first.id, accept=False)
    assert report.kept.startswith("首页 > 新闻中心")
    assert "wujin" in {lk.place_id for lk in report.links}  # 武进要闻 kept as text
    assert first.id not in {f.id for f in report.pending_flags()}


def test_garbled_span_flagged_not_altered():
    report = prepare_report(GARBLED, META, FINDER)
    (flag,) = [f for f in report.flags if f.kind == "garbled"]
    assert flag.text == "?gòu)?ldquo;"
    assert report.cleaned[flag.start:flag.end] == flag.text
    assert flag.text in report.kept  # never repaired silently
    fixed = report.decide(FINDER, flag.id, accept=True, repair="从“")
    assert "加速从“纸上”落到“地上”" in fixed.kept
    (rid, a, b), = fixed.repairs
    assert rid == flag.id and fixed.kept[a:b] == "从“"


@pytest.mark.parametrize(("text", "garbled"), [
    ("要加快推进??平坛且l揮作用的项目。", ["??平坛且l"]),
    ("常州南站樞紐Ã¤Â¸Â建设", ["Ã¤Â¸Â"]),
    ("推动\ufffd\ufffd创新区发展", ["\ufffd\ufffd"]),
    ("常州南站(zhàn建设", ["(zhàn"]),
    ("规划&rdquo;落地", ["&rdquo;"]),
])
def test_mojibake_shapes_flagged(text, garbled):
    clean = clean_report_text(text)
    assert [f.text for f in clean.flags if f.kind == "garbled"] == garbled


def test_ordinary_latin_and_questions_not_flagged():
    text = "引进AI、5G和GDP统计。怎么办?要靠创新。建设TOD综合体，发布App。"
    assert [f for f in clean_report_text(text).flags if f.kind == "garbled"] == []


def test_headings_and_enumerated_parts():
    clauses = split_clauses(SIMPLIFIED)
    heads = [(c.level, c.marker, c.text) for c in clauses if c.kind == "heading"]
    assert heads == [
        (1, "一、", "一、要把“现代化”作为最鲜明标识"),
        (2, "（一）", "（一）加快交通建设。"),
        (2, "（二）", "（二）优化空间形态。"),
        (1, "二、", "二、要把“生态”作为最靓丽底色"),
        (1, "三、", "三、其他工作"),
    ]
    parts = [c.text for c in clauses if c.kind == "part"]
    assert parts == ["一是完善路网；", "二是建设轨道；", "三是优化公交。"]
    by_id = {c.id: c for c in clauses}
    road = next(c for c in clauses if c.text.startswith("二是"))
    assert by_id[road.section].text == "（一）加快交通建设。"
    assert by_id[by_id[road.section].section].marker == "一、"


def test_ids_stable_across_runs_and_processes():
    ids = [c.id for c in split_clauses(SIMPLIFIED)]
    code = ("from lianghu_map.meeting.clauses import split_clauses; import sys; "
            "print(' '.join(c.id for c in split_clauses(sys.stdin.read())))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], input=SIMPLIFIED, capture_output=True,
                         text=True, env=env, check=True).stdout.split()
    assert out == ids


def test_ids_survive_edits_elsewhere():
    before = {c.text: c.id for c in split_clauses(SIMPLIFIED)}
    edited = SIMPLIFIED.replace("要守护好滆湖的一湖清水。", "要守护好滆湖的一湖碧水。")
    after = {c.text: c.id for c in split_clauses(edited)}
    same = set(before) & set(after)
    assert len(same) == len(before) - 1
    assert all(before[t] == after[t] for t in same)


def test_themes_from_pattern_heading_and_keywords():
    report = prepare_report(SIMPLIFIED, META, FINDER)
    theme = {c.text: report.clause_themes[c.id] for c in report.clauses}
    assert theme["一、要把“现代化”作为最鲜明标识"] == ("現代化", "pattern")
    assert theme["二是建设轨道；"] == ("現代化", "heading")
    assert theme["要守护好滆湖的一湖清水。"] == ("生態", "heading")
    assert theme["西太湖园区要加强招商引资，新增科技企业一百家。"][0] == "context"
    plain = prepare_report("要加快科技创新，强化人才和研发支撑。", META, FINDER)
    assert plain.clause_themes[plain.clauses[0].id] == ("創新", "keywords")


def test_analyst_changes_a_theme_and_uses_document_headings():
    report = prepare_report(SIMPLIFIED, META, FINDER)
    target = next(c for c in report.clauses if c.text.startswith("西太湖园区"))
    changed = report.set_theme(FINDER, target.id, "活力")
    assert changed.clause_themes[target.id] == ("活力", "analyst")
    with pytest.raises(KeyError):
        report.set_theme(FINDER, target.id, "no such theme")
    own = report.use_headings_as_themes(FINDER)
    assert [t.key for t in own.themes] == ["要把“现代化”作为最鲜明标识", "要把“生态”作为最靓丽底色",
                                           "其他工作"]
    assert own.theme_of(target.id) == "其他工作"
    sub = report.use_headings_as_themes(FINDER, level=2)
    assert [t.key for t in sub.themes] == ["加快交通建设", "优化空间形态"]


def test_links_carry_evidence_and_short_forms():
    report = prepare_report(SIMPLIFIED, META, FINDER)
    for lk in report.links:
        assert report.kept[lk.start:lk.end] == lk.text
    found = {(lk.place_id, lk.text, lk.mention, lk.form) for lk in report.links}
    assert ("changzhou_south", "常州南站枢纽", "named", "name") in found
    assert ("xitaihu_park", "西太湖", "named", "short") in found
    assert ("pocket_park", "口袋公园", "generic", "name") in found
    assert [c.text for c in report.candidates] == ["腾龙大道"]


def test_analyst_adds_and_removes_links():
    report = prepare_report(SIMPLIFIED, META, FINDER)
    clause = next(c for c in report.clauses if "腾龙大道" in c.text)
    linked = report.add_link(FINDER, clause.id, "腾龙大道", feature_ids=("upload:roads/7",))
    (new,) = linked.links_of(clause.id)
    assert (new.origin, new.feature_ids, new.text) == ("analyst", ("upload:roads/7",), "腾龙大道")
    lake = next(lk for lk in report.links if lk.place_id == "gehu")
    removed = linked.remove_link(FINDER, lake.id)
    assert lake.id not in {lk.id for lk in removed.links}
    assert new.id in {lk.id for lk in removed.links}
    with pytest.raises(ValueError, match="not in clause"):
        report.add_link(FINDER, clause.id, "不存在")


def test_json_round_trip():
    report = prepare_report(JUNK, META, FINDER)
    report = report.decide(FINDER, report.flags[0].id, accept=True)
    report = report.set_theme(FINDER, report.clauses[0].id, "宜居")
    report = report.merge(FINDER, (report.clauses[1].id, report.clauses[2].id))
    south = next(c for c in report.clauses if "常州南站" in c.text)
    report = report.add_link(FINDER, south.id, "常州南站",
                             feature_ids=("upload:x/1",), note_zh="注", note_en="note")
    report = report.remove_link(FINDER, report.links[0].id)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    back = Report.from_dict(data)
    assert back == report
    assert back.to_dict() == report.to_dict()
    again = back.relink(FINDER)
    assert again == report


def test_merge_clauses_into_one():
    report = prepare_report(TRADITIONAL, META, FINDER)
    a, b, c = report.clauses
    merged = report.merge(FINDER, (b.id, c.id))
    assert [x.text for x in merged.clauses] == [a.text, b.text + c.text]
    _lossless(merged)
    with pytest.raises(ValueError, match="consecutive"):
        report.merge(FINDER, (a.id, c.id))


_PIECES = ["两湖", "创新区", "常州南站", "。", "！", "？", "，", "；", "\n", "　　", " ", "一、",
           "（一）", "1.", "（2）", "①", "一是", "二是", "“", "”", "要把“生态”作为", "?", "gòu)",
           "abc", "樞紐"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_split_is_lossless_on_any_text(pieces):
    text = "".join(pieces).strip(" \t\u3000\n")
    clauses = split_clauses(text)
    assert "".join(c.text + c.tail for c in clauses) == text
    assert [c.id for c in split_clauses(text)] == [c.id for c in clauses]
    assert all(c.text and c.text == c.text.strip(" \t\u3000\n") for c in clauses)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="两湖创新区常州南站樞紐，。“”\n", min_size=1, max_size=60),
       st.lists(st.booleans(), min_size=60, max_size=60))
def test_reading_aids_removed_exactly_anywhere(text, where):
    text = text.strip()
    aided = "".join(ch + ("(qū)" if where[i] and ch not in "，。“”\n" else "")
                    for i, ch in enumerate(text))
    clean = clean_report_text(aided)
    assert clean.text == text
    assert clean.reading_aids_removed == sum(1 for i, ch in enumerate(text)
                                             if where[i] and ch not in "，。“”\n")


def test_decisions_on_a_changed_clause_are_kept_as_stale_not_lost():
    report = prepare_report(GARBLED, META, FINDER)
    clause = next(c for c in report.clauses if "?gòu)" in c.text)
    report = report.set_theme(FINDER, clause.id, "生態")
    report = report.add_link(FINDER, clause.id, "纸上", feature_ids=("upload:x/1",))
    (flag,) = [f for f in report.flags if f.kind == "garbled"]
    fixed = report.decide(FINDER, flag.id, accept=True, repair="从“")
    assert set(fixed.stale) == {f"theme:{clause.id}", f"link:{clause.id}:纸上"}
    assert fixed.decisions.themes == {clause.id: "生態"}  # still recorded
    assert Report.from_dict(fixed.to_dict()).stale == fixed.stale


def test_utf8_read_as_gbk_flagged_with_its_reading():
    garbled = "推进两湖常州南站".encode().decode("gbk")  # every byte survives here
    text = f"会议强调，{garbled}。要把“生态”作为最靓丽底色。"
    (flag,) = clean_report_text(text).flags
    assert (flag.text, flag.reason, flag.suggestion) == (garbled, "utf8-as-gbk", "推进两湖常州南站")
    lossy = "要把生态作为最靓丽底色".encode().decode("gbk", errors="replace")
    (flag,) = clean_report_text(f"会议强调。{lossy}\n要守护好滆湖。").flags
    assert flag.text == lossy and flag.suggestion == ""  # flagged; no guess at lost bytes
    report = prepare_report(text, META, FINDER)
    assert garbled in report.kept  # not repaired without the analyst


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL, JUNK, "發展從團城走向濱湖，再到擁湖。",
                                  "鍾樓區與金壇區協同發展。"])
def test_ordinary_text_is_not_taken_for_gbk_mojibake(text):
    assert [f for f in clean_report_text(text).flags if f.reason == "utf8-as-gbk"] == []


@pytest.mark.parametrize("every", [1, 2, 5])
def test_reading_aids_change_nothing_downstream(every):
    plain = prepare_report(TRADITIONAL, META, FINDER)
    aided = prepare_report(with_aids(TRADITIONAL, every), META, FINDER)
    assert aided.kept == plain.kept
    assert aided.clauses == plain.clauses  # same ids, offsets, texts
    assert aided.links == plain.links
    assert aided.clause_themes == plain.clause_themes
    assert {lk.place_id for lk in plain.links} == {"xitaihu_park", "wujin_hitech"}
