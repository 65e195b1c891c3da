"""The catalogue reads every stored meeting report (issue 17, build 6): the built-in 2023 report
seeded on first use and still exactly today's directives and links; a second report joins the
map under its own clause ids; a feature's history, the mention timeline, the report scope; on
both store backends."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from report_fixtures import (
    SECOND_DATE,
    SECOND_TITLE,
    SOUTH_STATION,
    XITAIHU_PARK,
    clause_of,
    second_report,
    store_second_report,
)

from lianghu_map.catalog import builtin_catalog, date_span, load_catalog
from lianghu_map.meeting.directives import load_meeting
from lianghu_map.meeting.report import Report
from lianghu_map.meeting.view import clause_ids, meeting_view
from lianghu_map.panels import clause_html
from lianghu_map.report_history import feature_history, mention_timeline, report_scope
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.selection import MapFilter, select
from lianghu_map.store import LayerStore


def _links(table) -> list:
    return sorted((lk.feature_id, lk.directive_id, lk.evidence) for lk in table.links)


def test_a_fresh_store_is_seeded_and_yields_todays_meeting_and_links(store: LayerStore) -> None:
    cat = load_catalog(store)
    assert [r.report_id for r in store.list_reports()] == [BUILTIN_ID]  # seeded on first use
    assert cat.store_error is None and not cat.broken_reports
    assert [(r.id, r.date, r.clause_count) for r in cat.reports] == [(BUILTIN_ID, "2023", 32)]
    # independent truth: today's Meeting and links, built from the curated files directly
    base = builtin_catalog()
    assert cat.meeting.directives == load_meeting().directives
    assert _links(cat.links) == _links(base.links)
    assert sorted(map(repr, cat.links.unlocated)) == sorted(map(repr, base.links.unlocated))
    for fid in base.features.index:  # the side panel's order of clauses is today's
        assert cat.links.directives_of(fid) == base.links.directives_of(fid)


def test_a_second_report_joins_the_map_newest_first(store: LayerStore) -> None:
    rid = store_second_report(store).report_id
    cat = load_catalog(store)
    assert [(r.id, r.date, r.title) for r in cat.reports] == [
        (rid, SECOND_DATE, SECOND_TITLE), (BUILTIN_ID, "2023", cat.reports[1].title)]
    report = second_report()
    station = f"{rid}/{clause_of(report, '要加快常州南站')}"
    park = f"{rid}/{clause_of(report, '西太湖科技产业园')}"
    assert cat.meeting.get(station).text_hans.startswith("要加快常州南站")
    assert cat.meeting.get("modern.3") is not None  # the 2023 ids unchanged
    assert cat.report_of(station).id == rid and cat.report_of("modern.3").id == BUILTIN_ID
    assert SOUTH_STATION in cat.links.features_of(station, mention="named")
    assert XITAIHU_PARK in cat.links.features_of(park, mention="named")
    # the 2023 links are all still there
    assert set(_links(builtin_catalog().links)) <= set(_links(cat.links))
    # the side panel's history: both reports, newest first
    history = feature_history(cat, SOUTH_STATION)
    assert [(r.id, [d.id for d in ds]) for r, ds in history] == [
        (rid, [station]), (BUILTIN_ID, ["modern.3"])]


def test_a_simplified_report_reads_in_every_script() -> None:
    report = second_report()
    meeting = meeting_view(report, clause_ids(report, "r"))
    d = next(x for x in meeting.directives if x.text_hans.startswith("西太湖科技产业园"))
    assert d.text("zh-Hant").startswith("西太湖科技產業園") and d.en == ""
    html = clause_html(d, "en")  # no translation supplied: the Chinese, and a note saying so
    assert "西太湖科技产业园" in html and "No English translation" in html
    assert meeting.attribution == "（责编：王明）"  # the byline, out of the clauses


def test_history_timeline_and_scope(store: LayerStore) -> None:
    rid = store_second_report(store).report_id
    cat = load_catalog(store)
    timeline = mention_timeline(cat)
    assert [r.id for r in timeline.reports] == [BUILTIN_ID, rid]  # oldest first
    rows = dict(timeline.rows)
    assert rows[SOUTH_STATION] == (1, 1) and rows[XITAIHU_PARK][1] == 1
    assert all(sum(n) > 0 for n in rows.values())
    mine = set(report_scope(cat, rid))
    assert mine == {d.id for d in cat.report(rid).meeting.directives}
    assert report_scope(cat, None) is None
    assert set(report_scope(cat, None, date(2024, 1, 1))) == mine
    assert set(report_scope(cat, None, None, date(2023, 12, 31))) == {
        d.id for d in cat.report(BUILTIN_ID).meeting.directives}
    assert report_scope(cat, rid, None, date(2024, 5, 19)) == ()
    # the Map's filter with the report chosen: its features, not the 2023 report's alone
    flt = MapFilter(layers=tuple(dict.fromkeys(cat.features["layer_id"])), scope=tuple(mine))
    shown = set(select(cat.features, cat.links, cat.meeting, flt).shown)
    assert {SOUTH_STATION, XITAIHU_PARK, "water.gehu"} <= shown
    assert "park.sino_israel" not in shown  # named in 2023 only


def test_a_deleted_report_leaves_and_an_unreadable_one_is_named(store: LayerStore) -> None:
    rid = store_second_report(store).report_id
    load_catalog(store)
    store.delete_report(rid, user="bob")
    cat = load_catalog(store)
    assert [r.id for r in cat.reports] == [BUILTIN_ID]
    assert not any(d.id.startswith(rid) for d in cat.meeting.directives)
    store.restore_report(rid, user="bob")
    store.save_report({"edited": True}, title="坏报告", date="2024-06-01", user="bob",
                      report_id=rid, expected_revision=1)
    cat = load_catalog(store)
    assert [r.id for r in cat.reports] == [BUILTIN_ID]
    assert any(rid in title for title in cat.broken_reports)
    assert cat.meeting.get("modern.3") is not None


def test_date_spans() -> None:
    assert date_span("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_span("2023-12") == (date(2023, 12, 1), date(2023, 12, 31))
    assert date_span("2024-05-20") == (date(2024, 5, 20), date(2024, 5, 20))
    assert date_span("soon") == (date.min, date.max)


def test_a_report_round_trips() -> None:
    report = second_report()
    assert Report.from_dict(report.to_dict()) == report


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_report_labels(store: LayerStore, lang: str) -> None:
    from lianghu_map.panels import report_heading_html, report_label

    store_second_report(store)
    cat = load_catalog(store)
    new, old = cat.reports
    assert report_label(new, lang).startswith(SECOND_DATE + " · ")
    assert "<script" not in report_heading_html(new, lang)
    if lang == "en":
        assert "Seminar" in report_label(old, lang)  # the curated English title


def test_the_pack_and_the_offline_html_are_made_for_the_chosen_report(gpkg_store) -> None:
    import io

    from pypdf import PdfReader

    from lianghu_map.meeting_pack import meeting_pack_pdf
    from lianghu_map.panels import export_subtitle
    from lianghu_map.standalone import standalone_html

    rid = store_second_report(gpkg_store).report_id
    cat = load_catalog(gpkg_store)
    chosen = cat.report(rid)
    pdf = meeting_pack_pdf(cat.features, cat.links, chosen.meeting, "zh-Hans", cat.layers,
                           today=date(2024, 6, 1))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s", "", text)
    assert "要加快常州南站" in flat and "西太湖科技产业园要聚焦" in flat
    assert "科教城要发挥" not in flat  # a 2023 clause: not in this report's pack
    subtitle = export_subtitle(None, chosen, "zh-Hans")
    assert subtitle == f"{SECOND_DATE} · {SECOND_TITLE}"
    flt = MapFilter(layers=tuple(s.id for s in cat.layers), scope=report_scope(cat, rid))
    page = standalone_html(cat.features, select(cat.features, cat.links, cat.meeting, flt),
                           "zh-Hans", cat.layers, title="两湖", subtitle=subtitle)
    assert html.escape(subtitle) in page


def test_a_store_that_cannot_be_written_still_has_the_2023_report(gpkg_store, monkeypatch
                                                                   ) -> None:
    from lianghu_map.errors import StoreError

    def refuse(*_args, **_kw):
        raise StoreError("read-only")

    monkeypatch.setattr(gpkg_store, "save_report", refuse)
    cat = load_catalog(gpkg_store)
    assert cat.store_error is None and gpkg_store.list_reports() == []
    assert [r.id for r in cat.reports] == [BUILTIN_ID]
    assert cat.meeting.directives == load_meeting().directives
    assert _links(cat.links) == _links(builtin_catalog().links)
