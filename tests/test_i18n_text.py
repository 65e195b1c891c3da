"""The UI's text tables: every Chinese string uses Chinese punctuation (no ASCII comma or colon
inside Chinese text), in 简体 and in 繁體 (after OpenCC), and every key has all three languages."""

from __future__ import annotations

import html
import re

import pytest

from lianghu_map import analysis, basemaps, crs, drawing, errors, fonts, i18n, mapview, tilewatch
from lianghu_map.i18n import LANGS, localise, t

# an ASCII "," or ":" is fine only between two ASCII letters or digits ("EPSG:4549", "1,000",
# "12:30"); anywhere else in a Chinese string it is Chinese text written with ASCII punctuation
_ASCII_PUNCT = re.compile(r"(?<![A-Za-z0-9])[,:]|[,:](?![A-Za-z0-9])")
_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def ascii_punctuation(text: str) -> list[str]:
    """The ASCII commas and colons of a Chinese string that are not between ASCII words (with
    a little context each); [] for a string with no Chinese in it."""
    if not _CJK.search(text):
        return []
    text = re.sub(r"\{[a-z_0-9]*\}", "0", text)  # a placeholder holds a value: "{ratio}:1"
    return [text[max(m.start() - 8, 0):m.end() + 8] for m in _ASCII_PUNCT.finditer(text)]


def _pairs() -> dict[str, tuple[str, str]]:
    """Every (简体, English) pair of the UI and the messages, named by where it comes from."""
    out = {f"i18n.{k}": (v[0], v[1]) for k, v in i18n._STRINGS.items()}
    out.update({f"errors.{k}": v for k, v in errors.MESSAGES.items()})
    out.update({f"analysis.{k}": v for k, v in analysis._MESSAGES.items()})
    out.update({f"draw.{k}": v for k, v in mapview._DRAW_TEXTS.items()})
    out.update({f"datum.{k}": v for k, v in crs.DATUM_LABELS.items()})
    out.update({f"basemaps.reason.{k}": v
                for k, v in basemaps.BasemapUnavailable.reasons.items()})
    for cls in (basemaps.BasemapUnavailable, drawing.DrawingError, fonts.FontMissing,
                *(c for c in vars(errors).values()
                  if isinstance(c, type) and issubclass(c, errors.LianghuError))):
        if isinstance(getattr(cls, "texts", None), tuple):
            out[f"{cls.__module__}.{cls.__name__}"] = cls.texts
    return out


PAIRS = _pairs()


def test_the_tables_are_found():
    assert len(PAIRS) > 400
    assert {"i18n.tiles.failed", "errors.empty_file", "lianghu_map.errors.StoreError"} <= set(
        PAIRS)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_no_ascii_comma_or_colon_inside_chinese_text(lang):
    bad = {}
    for name, (zh_hans, en) in PAIRS.items():
        text = (t(name.removeprefix("i18n."), lang) if name.startswith("i18n.")
                else localise(zh_hans, en, lang))
        found = ascii_punctuation(text)
        if found:
            bad[name] = found
    assert not bad, bad


def test_the_check_finds_ascii_punctuation():
    assert len(ascii_punctuation("图层: 湖泊, 公园")) == 2
    assert ascii_punctuation("第 {n} 个, 共 {m} 个")
    assert ascii_punctuation("{a}: {b}（简体）")
    assert not ascii_punctuation("压缩比 {ratio}:1")
    assert not ascii_punctuation("坐标系 EPSG:4549，共 1,000 个要素，12:30")
    assert not ascii_punctuation("Layer: lakes, parks")  # English: not checked here


def test_every_ui_string_in_three_languages():
    for key, entry in i18n._STRINGS.items():
        assert 2 <= len(entry) <= 3, key
        for lang in LANGS:
            assert t(key, lang).strip() or key in {"rings.none"}, (key, lang)


def test_tile_notice_texts_are_in_every_language():
    texts = tilewatch.TileWatch().texts
    assert set(texts) == set(LANGS)
    assert texts["zh-Hant"]["failed"] == t("tiles.failed", "zh-Hant") != texts["zh-Hans"]["failed"]


def test_english_directive_headings_do_not_repeat_the_theme():
    from lianghu_map.catalog import builtin_catalog
    from lianghu_map.panels import directive_title, heading_html, theme_label

    meeting = builtin_catalog().meeting
    repeated = 0
    for d in meeting.directives:
        theme, title = theme_label(d.theme, "en"), directive_title(d, "en")
        in_label = d.label("en").lower().count(theme.lower())
        repeated += bool(in_label)
        assert title.lower().count(theme.lower()) == max(in_label, 1)  # never one more
        assert html.escape(title) in heading_html(d, "en")
        assert directive_title(d, "zh-Hans") == f"{theme_label(d.theme, 'zh-Hans')} · " \
            f"{d.label('zh-Hans')}"
    assert repeated  # the report has such labels ("Innovation-led development")
