"""A report's own themes (its headings, issue 17 build 2) in every view, pure functions: the
meeting's theme list (order, labels in three languages, colours), the Present agenda and its
captions, the Directives headings, the PDF pack's sections.  The 2023 six stay the default."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from report_fixtures import (
    HEADING_THEME_EN,
    HEADING_THEMES_HANS,
    HEADING_THEMES_HANT,
    headings_report,
    second_report,
)

from lianghu_map.agenda import build_agenda
from lianghu_map.analysis import theme_statistics
from lianghu_map.catalog import builtin_catalog, combined_meeting
from lianghu_map.compare import compare_choices
from lianghu_map.i18n import t
from lianghu_map.meeting.directives import THEMES
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.view import clause_ids, meeting_view, report_links
from lianghu_map.meeting_pack import meeting_pack_pdf, pack_page_count
from lianghu_map.panels import heading_html, step_caption_html, theme_label

LANGS = ("zh-Hans", "zh-Hant", "en")


def _view(report):
    ids = clause_ids(report, report.id)
    return meeting_view(report, ids), ids


def _links(report, ids):
    cat = builtin_catalog()
    kinds = dict(zip(cat.features.index, cat.features["kind"], strict=True))
    return report_links(report, load_place_finder(), ids, kinds, cat.features.geometry.to_dict())


def test_a_reports_own_headings_are_its_themes_in_order():
    meeting, _ = _view(headings_report())
    keys = [th.key for th in meeting.themes]
    assert keys == [*HEADING_THEMES_HANT, "context"]
    assert [th.key for th in meeting.theme_order()] == list(HEADING_THEMES_HANT)
    # every clause under a heading has that heading's theme, not "context"
    by_theme = {th: [d.text("zh-Hans") for d in meeting.by_theme(th)] for th in keys}
    assert by_theme[HEADING_THEMES_HANT[0]][1].startswith("要加快常州南站")
    assert by_theme[HEADING_THEMES_HANT[1]][1].startswith("推进滆湖")
    assert by_theme["context"] == ["两湖创新区指挥部第三次会议纪要"]
    # colours: one each, not the context grey
    colours = [th.color for th in meeting.themes]
    assert len(set(colours)) == 3
    # ASCII slugs (file names of exports)
    assert all(th.slug.isascii() and "/" not in th.slug for th in meeting.themes)


def test_reports_on_the_six_themes_keep_them():
    meeting, _ = _view(second_report())
    assert meeting.themes == THEMES
    assert builtin_catalog().meeting.themes == THEMES


@pytest.mark.parametrize(("lang", "first", "second"), [
    ("zh-Hans", HEADING_THEMES_HANS[0], HEADING_THEMES_HANS[1]),
    ("zh-Hant", HEADING_THEMES_HANT[0], HEADING_THEMES_HANT[1]),
    ("en", HEADING_THEMES_HANS[0], HEADING_THEME_EN),  # no English given: the Chinese
])
def test_theme_labels_in_three_languages(lang, first, second):
    meeting, _ = _view(headings_report())
    labels = [theme_label(th.key, lang, meeting.themes) for th in meeting.theme_order()]
    assert labels == [first, second]


def test_agenda_steps_through_the_reports_own_themes():
    meeting, _ = _view(headings_report())
    agenda = build_agenda(meeting)
    themes = [s.theme for s in agenda if s.kind == "theme"]
    assert themes == list(HEADING_THEMES_HANT)
    assert [s.kind for s in agenda] == ["title", "theme", "clause", "clause", "theme", "clause",
                                       "clause", "overview"]
    stems = {s.file_stem for s in agenda if s.kind == "theme"}
    assert len(stems) == 2 and all(re.fullmatch(r"theme-[0-9a-f]{8}", s) for s in stems)


@pytest.mark.parametrize("lang", LANGS)
def test_captions_and_headings_escape_the_label(lang):
    report = headings_report()
    meeting, ids = _view(report)
    links = _links(report, ids)
    step = next(s for s in build_agenda(meeting) if s.kind == "theme")
    caption = step_caption_html(step, meeting, links, lang, 10)
    assert "<b>提速</b>" not in caption and "&lt;b&gt;提速&lt;/b&gt;" in caption
    assert html.unescape(re.sub(r"<[^>]+>", "", caption)).startswith(
        theme_label(step.theme, lang, meeting.themes))
    d = meeting.by_theme(step.theme)[1]
    clause = next(s for s in build_agenda(meeting) if s.directive == d.id)
    assert "&lt;b&gt;" in step_caption_html(clause, meeting, links, lang, 10)
    head = heading_html(d, lang, meeting.themes)
    assert "<b>提速" not in head and meeting.theme(d.theme).color in head


def test_combined_meeting_knows_every_reports_themes():
    cat = builtin_catalog()
    view = cat.reports[0]
    mine, _ = _view(headings_report())
    other = type(view)("third", "2025", "t", "", mine)
    combined = combined_meeting((other, view))
    keys = [th.key for th in combined.theme_order()]
    assert keys == [*HEADING_THEMES_HANT, *(th.key for th in THEMES[:-1])]


def _pdf_pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_pack_has_a_section_per_own_theme(lang):
    report = headings_report()
    meeting, ids = _view(report)
    cat = builtin_catalog()
    pdf = meeting_pack_pdf(cat.features, _links(report, ids), meeting, lang, cat.layers,
                           today=date(2026, 1, 1))
    pages = _pdf_pages(pdf)
    assert len(pages) == pack_page_count(cat.features, meeting, lang, cat.layers) == 2 + 2 + 1
    for i, theme in enumerate(meeting.theme_order()):
        label = re.sub(r"\s+", "", theme_label(theme.key, lang, meeting.themes))
        assert label in pages[2 + i], (label, pages[2 + i][:200])
        assert len(meeting.by_theme(theme.key)) == 2  # its heading and its clause
        for d in meeting.by_theme(theme.key):
            if d.text(lang):
                assert re.sub(r"\s+", "", d.text(lang))[:12] in pages[2 + i]
    # the cover's contents list both themes; the sources are on page 5
    assert all(re.sub(r"\s+", "", theme_label(k, lang, meeting.themes)) in pages[0]
               for k in HEADING_THEMES_HANT)


def test_theme_statistics_rows_are_the_reports_own_themes():
    report = headings_report()
    meeting, ids = _view(report)
    cat = builtin_catalog()
    stats = theme_statistics(cat.features, _links(report, ids), meeting)
    assert list(stats["theme"]) == [*HEADING_THEMES_HANT, "context"]
    assert list(stats["directives"]) == [2, 2, 1]
    assert list(theme_statistics(cat.features, cat.links, cat.meeting)["theme"]) == [
        th.key for th in THEMES]


def test_compare_offers_the_reports_own_themes():
    cat = builtin_catalog()
    mine, _ = _view(headings_report())
    combined = combined_meeting((type(cat.reports[0])("third", "2025", "t", "", mine),
                                 cat.reports[0]))
    choices = dict(compare_choices(replace(cat, meeting=combined), "en"))
    labels = [v for k, v in choices.items() if k.startswith("theme:")]
    assert labels[:2] == [t("compare.theme", "en", theme=HEADING_THEMES_HANS[0]),
                          t("compare.theme", "en", theme=HEADING_THEME_EN)]
    assert len(labels) == 2 + 7  # and the six, and context


@pytest.mark.parametrize(("translation", "label"), [
    ("1. Faster <hub> works.", "Faster <hub> works"),
    ("(1) Faster hub works", "Faster hub works"),
    ("I. Faster hub works:", "Faster hub works"),
    ("Faster hub works", "Faster hub works"),
])
def test_a_headings_translation_is_its_themes_english(translation, label):
    finder = load_place_finder()
    report = headings_report()
    first = next(c.id for c in report.clauses if c.kind == "heading")
    notes = {**report.decisions.annotations, first: {"en": translation}}
    meeting, ids = _view(report.revise(finder, annotations=notes))
    key = meeting.theme_order()[0].key
    assert theme_label(key, "en", meeting.themes) == label
    step = next(s for s in build_agenda(meeting) if s.kind == "theme")
    caption = step_caption_html(step, meeting, _links(report, ids), "en", 1)
    assert html.escape(label) in caption and "<hub>" not in caption
