"""Meeting reports in the layer store: versions, conflicts, soft delete, audit, limits, the
built-in 2023 report as the first stored report, and who may write.

Tests that take the ``store`` fixture run on both backends, ``[gpkg]`` and ``[postgis]``
(PostGIS: ``LIANGHU_REQUIRE_POSTGIS=1`` fails rather than skips without it).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
import tomllib
from pathlib import Path

import geopandas as gpd
import psycopg
import pytest
from shapely.geometry import Point
from store_helpers import create, open_spec, reopen, snapshot, spec, sql

from lianghu_map import paths, reports_store
from lianghu_map.auth import VIEWER, Access, Role
from lianghu_map.errors import (
    ReportConflict,
    ReportDeleted,
    ReportInvalid,
    ReportNotFound,
    ReportTooLarge,
    StoreError,
    WriteDenied,
)
from lianghu_map.meeting.directives import load_meeting
from lianghu_map.meeting.report import Report
from lianghu_map.meeting.report2023 import report_2023
from lianghu_map.reports_store import (
    BUILTIN_FORMAT,
    BUILTIN_ID,
    builtin_document,
    ensure_builtin_report,
)
from lianghu_map.store import LayerStore, reports
from lianghu_map.store.gpkg import GpkgStore
from lianghu_map.store.postgis import SCHEMA_VERSION, PostgisStore

DOC = {"format": 1, "title": "兩湖創新區推進大會", "clauses": [{"id": "c1", "text": "加快建設"}],
       "n": 3.5, "ok": True, "none": None}
META = {"title": "“两湖”创新区推进大会", "date": "2024-03-15", "body": "指挥部",
        "source_url": "https://www.wj.gov.cn/html/czwj/2024/x.html"}
ANALYST = Access(Role.ANALYST, "password")


def save(store: LayerStore, document=DOC, **kw):
    return store.save_report(document, **{**META, "user": "alice", **kw})


def state(store: LayerStore):
    """Everything the store keeps (to show that a refused write changed nothing)."""
    revision = store.revision()  # first: a PostGIS store makes its tables on first use
    return snapshot(store), revision


# -- saving, versions, reading


def test_save_list_get(store: LayerStore) -> None:
    assert store.list_reports() == [] and store.report_audit() == []
    record = save(store)
    assert reports.REPORT_ID_RE.fullmatch(record.report_id)
    assert record.report_id.startswith("rep-2024-03-15-")
    assert (record.title, record.date, record.body, record.source_url) == (
        META["title"], META["date"], META["body"], META["source_url"])
    assert (record.revision, record.deleted) == (1, False)
    assert record.created_by == record.updated_by == "alice"
    assert record.created_at == record.updated_at
    assert store.list_reports() == [record]
    assert store.report(record.report_id) == record
    assert record.meta() == {
        "report_id": record.report_id, **META, "revision": 1, "created_by": "alice",
        "created_at": record.created_at, "updated_by": "alice", "updated_at": record.created_at,
        "deleted": False}
    assert store.get_report(record.report_id) == DOC
    assert store.revision() == "1"  # a report write is a store write (the catalogue's key)
    info = record.current
    text = json.dumps(DOC, ensure_ascii=False)
    assert info.size == len(text.encode()) and info.sha256 == hashlib.sha256(
        text.encode()).hexdigest()
    # another instance (another app process) sees it
    again = reopen(store)
    assert again.list_reports() == [record] and again.get_report(record.report_id) == DOC


def test_new_versions_keep_the_old_ones(store: LayerStore) -> None:
    first = save(store, report_id="rep-a")
    second_doc = {**DOC, "clauses": [{"id": "c1", "text": "加快建設"}, {"id": "c2", "text": "新"}]}
    second = save(store, second_doc, report_id="rep-a", expected_revision=1, user="bob",
                  title="新标题", note="added c2")
    assert second.revision == 2 and len(second.versions) == 2
    assert (second.title, second.created_by, second.updated_by) == ("新标题", "alice", "bob")
    assert store.get_report("rep-a") == second_doc
    assert store.get_report("rep-a", 1) == DOC
    assert store.get_report("rep-a", 2) == second_doc
    assert second.version(1) == first.current  # the old version's metadata is unchanged
    assert second.current.note == "added c2"
    with pytest.raises(ReportNotFound) as err:
        store.get_report("rep-a", 3)
    assert err.value.message("zh-Hans") == "会议报告“rep-a”没有第 3 版。"
    with pytest.raises(ReportNotFound) as err:
        store.get_report("rep-nope")
    assert err.value.message("en") == 'No meeting report "rep-nope".'
    history = store.report_history("rep-a")
    assert [v.revision for v in history.versions] == [1, 2]
    assert [(e.action, e.revision, e.user, e.title) for e in history.audit] == [
        ("create", 1, "alice", META["title"]), ("update", 2, "bob", "新标题")]
    assert [e.sha256 for e in history.audit] == [v.sha256 for v in history.versions]


def test_list_is_in_creation_order_and_ids_are_unique(store: LayerStore) -> None:
    ids = [save(store, date=f"202{i}").report_id for i in range(4)]
    assert len(set(ids)) == 4
    assert [r.report_id for r in store.list_reports()] == ids


# -- conflicts: nothing is lost


def test_a_save_from_an_old_revision_is_a_conflict(store: LayerStore) -> None:
    save(store, report_id="rep-a")
    save(store, {"v": 2}, report_id="rep-a", expected_revision=1, user="bob")
    before = state(store)
    for expected in (1, None, 0, 3):  # stale; "new" on an existing id; ahead of the store
        with pytest.raises(ReportConflict) as err:
            save(store, {"v": "lost?"}, report_id="rep-a", expected_revision=expected)
        assert err.value.params["actual"] == 2
    with pytest.raises(ReportConflict):  # a revision of a report that does not exist
        save(store, report_id="rep-b", expected_revision=1)
    assert state(store) == before
    assert store.get_report("rep-a") == {"v": 2}
    message = err.value.message("zh-Hans")
    assert "rep-a" in message and "第 2 版" in message and "未保存" in message


def _race(store: LayerStore, n: int, expected: int | None) -> list[object]:
    """``n`` writers (each its own store instance) save ``rep-race`` from ``expected`` at once."""
    barrier = threading.Barrier(n)
    results: list[object] = []
    stores = [reopen(store) for _ in range(n)]

    def work(i: int) -> None:
        barrier.wait()
        try:
            results.append(save(stores[i], {"writer": i}, report_id="rep-race",
                                expected_revision=expected, user=f"w{i}"))
        except Exception as exc:  # counted below
            results.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        if isinstance(s, PostgisStore):
            s.close()
    return results


def test_two_writers_from_the_same_revision_one_wins(store: LayerStore) -> None:
    save(store, {"writer": "first"}, report_id="rep-race")
    results = _race(store, 2, expected=1)
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], ReportConflict), results
    record = store.report("rep-race")
    assert record.revision == 2 and len(record.versions) == 2
    assert store.get_report("rep-race") == {"writer": int(won[0].updated_by[1:])}
    assert store.get_report("rep-race", 1) == {"writer": "first"}  # nothing lost


def test_two_creators_of_the_same_id_one_wins(store: LayerStore) -> None:
    results = _race(store, 2, expected=None)
    assert sorted(type(r).__name__ for r in results) == ["ReportConflict", "ReportRecord"]
    assert store.report("rep-race").revision == 1
    assert len(store.report_audit()) == 1


def test_ten_writers_that_retry_lose_nothing(store: LayerStore) -> None:
    """Writers that reload and retry after a conflict all get their version in."""
    save(store, {"writer": "first"}, report_id="rep-race")
    stores = [reopen(store) for _ in range(10)]
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        barrier.wait()
        try:
            for _ in range(200):
                current = stores[i].report("rep-race").revision
                try:
                    save(stores[i], {"writer": i}, report_id="rep-race",
                         expected_revision=current, user=f"w{i}")
                    return
                except ReportConflict:
                    continue
            raise AssertionError(f"writer {i} never got in")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        if isinstance(s, PostgisStore):
            s.close()
    assert errors == []
    record = store.report("rep-race")
    assert record.revision == 11
    docs = [store.get_report("rep-race", r)["writer"] for r in range(2, 12)]
    assert sorted(docs) == list(range(10))
    assert [e.store_revision for e in store.report_audit()] == list(range(1, 12))


def _save_from_process(where, barrier, name: str, queue) -> None:
    """A writer process (spawned): saves ``rep-proc`` from revision 1 once the others start."""
    store = open_spec(where)
    barrier.wait(timeout=120)
    try:
        save(store, {"writer": name}, report_id="rep-proc", expected_revision=1, user=name)
        queue.put("won")
    except ReportConflict:
        queue.put("conflict")


def test_writers_in_four_processes_one_wins(store: LayerStore) -> None:
    save(store, {"writer": "first"}, report_id="rep-proc")
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_save_from_process, args=(spec(store), barrier, f"p{i}", queue))
             for i in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=180)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    outcomes = sorted(queue.get(timeout=5) for _ in procs)
    assert outcomes == ["conflict", "conflict", "conflict", "won"]
    record = store.report("rep-proc")
    assert record.revision == 2 and store.get_report("rep-proc")["writer"] == record.updated_by
    assert store.revision() == "2"


# -- soft delete and restore


def test_delete_and_restore(store: LayerStore) -> None:
    rid = save(store).report_id
    deleted = store.delete_report(rid, user="bob")
    assert deleted.deleted and store.list_reports() == []
    assert store.list_reports(include_deleted=True) == [deleted]
    assert store.get_report(rid) == DOC  # kept, every version
    revision = store.revision()
    assert store.delete_report(rid, user="bob") == deleted  # a no-op: no event, no revision
    assert store.revision() == revision
    with pytest.raises(ReportDeleted) as err:
        save(store, {"v": 2}, report_id=rid, expected_revision=1)
    assert "恢复" in err.value.message("zh-Hans") and "Restore" in err.value.message("en")
    restored = store.restore_report(rid, user="carol")
    assert not restored.deleted and store.list_reports() == [restored]
    assert restored.updated_by == "carol" and restored.revision == 1
    assert [(e.action, e.user) for e in store.report_history(rid).audit] == [
        ("create", "alice"), ("delete", "bob"), ("restore", "carol")]
    assert [(e.action, e.user) for e in restored.events] == [
        ("create", "alice"), ("delete", "bob"), ("restore", "carol")]
    save(store, {"v": 2}, report_id=rid, expected_revision=1)  # writable again
    with pytest.raises(ReportNotFound):
        store.delete_report("rep-nope", user="bob")
    with pytest.raises(ReportNotFound):
        store.restore_report("rep-nope", user="bob")


# -- the audit: one store revision for layers and reports


def test_layer_and_report_writes_share_the_revision(store: LayerStore) -> None:
    sites = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(119.9, 31.6)], crs="EPSG:4326")
    layer_id = create(store, sites).layer_id
    rid = save(store).report_id
    store.delete(layer_id, user="bob")
    store.delete_report(rid, user="bob")
    store.restore_report(rid, user="bob")
    assert store.revision() == "5"
    assert [e.revision for e in store.audit()] == [1, 3]
    assert [e.store_revision for e in store.report_audit()] == [2, 4, 5]
    assert [e.action for e in store.report_audit(limit=2)] == ["delete", "restore"]
    assert store.report_audit(limit=0) == []
    with pytest.raises(StoreError):
        store.report_audit(limit=-1)
    # the layers are untouched by the reports, and the other way round
    assert [r.layer_id for r in store.list_layers(include_deleted=True)] == [layer_id]
    assert [r.report_id for r in store.list_reports()] == [rid]
    assert reopen(store).report(rid) == store.report(rid)


# -- limits and bad input: typed errors, nothing written


@pytest.mark.parametrize(("kw", "problem"), [
    ({"title": "  "}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"title": "a\nb"}, "title"),
    ({"date": ""}, "date"),
    ({"date": "2024-02-30"}, "date"),
    ({"date": "15/03/2024"}, "date"),
    ({"date": "2024-3-5"}, "date"),
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"source_url": "ftp://example.com/x"}, "source_url"),
    ({"source_url": "https://exa mple.com"}, "source_url"),
    ({"body": "x" * 201}, "body"),
    ({"report_id": "../etc"}, "id"),
    ({"report_id": "AB"}, "id"),
    ({"document": ["not", "an", "object"]}, "document"),
    ({"document": {"n": float("nan")}}, "document"),
    ({"document": {"when": object()}}, "document"),
])
def test_bad_metadata_is_refused_naming_the_field(store: LayerStore, kw: dict,
                                                  problem: str) -> None:
    save(store, report_id="rep-a")
    before = state(store)
    kw = dict(kw)  # the parameters are shared by both backends' runs
    document = kw.pop("document", DOC)
    with pytest.raises(ReportInvalid) as err:
        save(store, document, **kw)
    assert err.value.problem == problem
    messages = {lang: err.value.message(lang) for lang in ("zh-Hans", "zh-Hant", "en")}
    field = reports_field_names()[problem]
    assert field[0] in messages["zh-Hans"] and field[1] in messages["en"]
    assert "," not in messages["zh-Hans"].replace(str(kw.get(problem, "")), "")
    assert len(set(messages.values())) == 3  # zh-Hant differs from zh-Hans
    assert state(store) == before


def reports_field_names() -> dict[str, tuple[str, str]]:
    from lianghu_map.errors import REPORT_FIELDS

    return {k: (v[0].zh_hans, v[0].en) for k, v in REPORT_FIELDS.items()}


def test_metadata_is_kept_tidy(store: LayerStore) -> None:
    record = save(store, title="  标题  ", date="2023", body=None, source_url="")
    assert (record.title, record.date, record.body, record.source_url) == ("标题", "2023", "", "")
    assert save(store, date="2023-01").date == "2023-01"


def test_the_size_limit(store: LayerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    assert reports.MAX_REPORT_BYTES == 5 * 1024 * 1024
    big = {"text": "兩" * (2 * 1024 * 1024)}  # 6 MB as UTF-8
    before = state(store)
    with pytest.raises(ReportTooLarge) as err:
        save(store, big)
    assert err.value.params == {"size_mb": "6.0", "limit_mb": "5.0"}
    assert "6.0 MB" in err.value.message("zh-Hant") and "5.0 MB" in err.value.message("en")
    assert state(store) == before
    # the limit is on the JSON text, exactly
    text = json.dumps({"t": "x" * 100})
    monkeypatch.setattr(reports, "MAX_REPORT_BYTES", len(text))
    save(store, {"t": "x" * 100})
    with pytest.raises(ReportTooLarge):
        save(store, {"t": "x" * 101})


# -- damage behind the store's back is named


def test_a_damaged_document_is_named(store: LayerStore) -> None:
    rid = save(store).report_id
    info = store.report(rid).current
    if isinstance(store, PostgisStore):
        sql(store, "UPDATE {s}.report_versions SET document = '{\"forged\": 1}' "
                   "WHERE report_id = %s", (rid,), raw=True)
    else:
        (store.root / info.file).write_text('{"forged": 1}', encoding="utf-8")
    with pytest.raises(StoreError, match=rf"report {rid} r1") as err:
        store.get_report(rid)
    assert store.list_reports()[0].report_id == rid  # the metadata still reads
    if isinstance(store, GpkgStore):
        (store.root / info.file).unlink()
        with pytest.raises(StoreError, match=rf"report {rid} r1: cannot read {info.file}") as err:
            store.get_report(rid)
        assert str(store.root) not in err.value.message("en")  # no server path


# -- each backend's own safety


def test_gpkg_manifest_holds_reports_as_format_2(gpkg_store: GpkgStore) -> None:
    store = gpkg_store
    sites = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(119.9, 31.6)], crs="EPSG:4326")
    layer_id = create(store, sites).layer_id
    data = json.loads((store.root / "manifest.json").read_text(encoding="utf-8"))
    assert data["format"] == 1 and "reports" not in data  # no reports: as before
    rid = save(store).report_id
    data = json.loads((store.root / "manifest.json").read_text(encoding="utf-8"))
    assert data["format"] == 2 and [r["report_id"] for r in data["reports"]] == [rid]
    assert [r["layer_id"] for r in data["layers"]] == [layer_id]
    assert (store.root / f"reports/{rid}/r0001.json").read_text(encoding="utf-8") == json.dumps(
        DOC, ensure_ascii=False)
    assert not list(store.root.rglob("*.tmp*"))
    # an app that does not know reports refuses this manifest instead of dropping them
    data["format"] = 2
    del data["reports"]
    (store.root / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoreError, match="manifest"):
        GpkgStore(store.root).list_reports()


def test_gpkg_crash_before_the_manifest_leaves_the_store_intact(
        gpkg_store: GpkgStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    store = gpkg_store
    save(store, report_id="rep-a")
    before = (store.root / "manifest.json").read_bytes()
    real_replace = os.replace

    def crash(src, dst):
        if Path(dst).name == "manifest.json":
            raise OSError("simulated crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="simulated crash"):
        save(store, {"v": 2}, report_id="rep-a", expected_revision=1)
    monkeypatch.undo()
    assert (store.root / "manifest.json").read_bytes() == before
    again = GpkgStore(store.root)
    assert again.report("rep-a").revision == 1 and again.get_report("rep-a") == DOC
    orphan = store.root / "reports/rep-a/r0002.json"
    assert orphan.exists() and not list(store.root.rglob("*.tmp*"))
    record = save(again, {"v": 2}, report_id="rep-a", expected_revision=1)
    assert record.current.file == "reports/rep-a/r0002-1.json"  # the orphan is not overwritten
    assert again.get_report("rep-a") == {"v": 2}


def test_gpkg_full_disk_is_a_clear_error_and_changes_nothing(
        gpkg_store: GpkgStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from lianghu_map.errors import StoreFull

    store = gpkg_store
    save(store, report_id="rep-a")
    before = state(store)
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreFull) as err:
        save(store, {"v": 2}, report_id="rep-a", expected_revision=1)
    assert "磁盘空间已满" in err.value.message("zh-Hans")
    monkeypatch.undo()
    assert state(store) == before and not list(store.root.rglob("*.tmp*"))


def test_gpkg_an_audit_line_that_cannot_be_written_keeps_the_save(
        gpkg_store: GpkgStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from lianghu_map.store import AuditWarning

    store = gpkg_store
    real_open = os.open

    def refuse(path, *args, **kw):
        if str(path).endswith("report-audit.jsonl"):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.warns(AuditWarning, match="report rep-a saved"):
        save(store, report_id="rep-a")
    monkeypatch.undo()
    assert store.get_report("rep-a") == DOC and store.report_audit() == []
    assert [e.action for e in store.report("rep-a").events] == ["create"]  # kept in the record
    save(store, {"v": 2}, report_id="rep-a", expected_revision=1)
    assert [e.store_revision for e in store.report_audit()] == [2]  # the gap shows


def test_postgis_report_history_is_append_only(postgis_store: PostgisStore) -> None:
    rid = save(postgis_store).report_id
    save(postgis_store, {"v": 2}, report_id=rid, expected_revision=1)
    before = snapshot(postgis_store)
    for table, column in (("report_versions", "document"), ("report_audit", "user_name")):
        for statement in (f"UPDATE {{s}}.{table} SET {column} = 'mallory'",
                          f"DELETE FROM {{s}}.{table}", f"TRUNCATE {{s}}.{table} CASCADE"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                sql(postgis_store, statement)
    assert snapshot(postgis_store) == before


def test_postgis_an_older_schema_gains_the_report_tables(postgis_server,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from lianghu_map.store import postgis

    assert SCHEMA_VERSION >= 4
    schema = "t_reports_migration"
    monkeypatch.setattr(postgis, "SCHEMA_VERSION", 3)  # the app before reports
    old = PostgisStore(postgis_server.url, schema)
    try:
        sites = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(119.9, 31.6)], crs="EPSG:4326")
        layer_id = create(old, sites).layer_id
        assert sql(old, "SELECT to_regclass('{s}.reports')") == [(None,)]
        monkeypatch.undo()
        new = PostgisStore(postgis_server.url, schema)
        assert new.get(layer_id) == old.get(layer_id) and new.list_reports() == []
        rid = save(new).report_id
        assert new.revision() == "2" and new.get_report(rid) == DOC
        assert sql(new, "SELECT max(version) FROM {s}.schema_version") == [(SCHEMA_VERSION,)]
        new.close()
    finally:
        old.close()
        with psycopg.connect(postgis_server.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_both_backends_keep_the_same_records(gpkg_store: GpkgStore,
                                             postgis_store: PostgisStore) -> None:
    def strip(record):  # the file names and times differ by nature
        return ([(v.revision, v.sha256, v.size, v.title, v.date, v.body, v.source_url,
                  v.created_by, v.note) for v in record.versions],
                [(e.action, e.revision, e.user) for e in record.events], record.deleted)

    for s in (gpkg_store, postgis_store):
        save(s, report_id="rep-a")
        save(s, {"v": 2}, report_id="rep-a", expected_revision=1, user="bob", note="n")
        s.delete_report("rep-a", user="carol")
    assert strip(gpkg_store.report("rep-a")) == strip(postgis_store.report("rep-a"))
    assert gpkg_store.get_report("rep-a", 1) == postgis_store.get_report("rep-a", 1)


# -- the built-in 2023 report


def test_the_builtin_report_is_the_first_stored_report(store: LayerStore) -> None:
    record = ensure_builtin_report(store)
    assert record.report_id == BUILTIN_ID and record.revision == 1
    assert [r.report_id for r in store.list_reports()] == [BUILTIN_ID]
    assert record.date == "2023" and "思路研討會" in record.title
    doc = store.get_report(BUILTIN_ID)
    assert doc["schema"] == BUILTIN_FORMAT == 1  # the one format of every stored report
    report = Report.from_dict(doc)
    meeting = load_meeting()
    assert len(report.clauses) == 32 == len(meeting.directives)
    # independent truth: the published file and the curated translations, read here directly
    published = (paths.DIRECTIVES_DIR / "meeting-text-source.txt").read_text(encoding="utf-8")
    assert doc["original"] == published
    with (paths.DIRECTIVES_DIR / "directives.toml").open("rb") as fh:
        curated = tomllib.load(fh)["directive"]
    notes = report.decisions.annotations
    assert [(notes[c.id]["legacy_id"], report.theme_of(c.id), notes[c.id]["en"],
             notes[c.id]["label_en"]) for c in report.clauses] == [
        (c["id"], c["theme"], c["en"], c["label_en"]) for c in curated]
    for c in report.clauses:  # the offsets point into the kept text
        assert report.kept[c.start:c.end] == c.text
        assert c.text.startswith(next(e["starts"] for e in curated
                                      if e["id"] == notes[c.id]["legacy_id"]))
    assert len(report.repairs) == 2  # the two garbled spans, as repaired
    assert report == report_2023().report  # JSON round trip: nothing lost
    assert doc == builtin_document()


def test_seeding_is_idempotent(store: LayerStore) -> None:
    first = ensure_builtin_report(store)
    revision = store.revision()
    assert ensure_builtin_report(store) == first
    assert ensure_builtin_report(reopen(store)) == first
    assert store.revision() == revision and len(store.report_audit()) == 1
    # an analyst's own version of it, or their delete, stands
    save(store, {"edited": True}, report_id=BUILTIN_ID, expected_revision=1)
    store.delete_report(BUILTIN_ID, user="bob")
    revision = store.revision()
    again = ensure_builtin_report(store)
    assert again.deleted and again.revision == 2 and store.revision() == revision
    assert store.get_report(BUILTIN_ID) == {"edited": True}


def test_a_store_with_other_reports_still_gets_the_builtin(store: LayerStore) -> None:
    rid = save(store).report_id
    ensure_builtin_report(store)
    assert [r.report_id for r in store.list_reports()] == [rid, BUILTIN_ID]


def test_instances_seeding_at_once_store_it_once(store: LayerStore) -> None:
    stores = [reopen(store) for _ in range(4)]
    barrier = threading.Barrier(4)
    results: list[object] = []

    def work(s: LayerStore) -> None:
        barrier.wait()
        try:
            results.append(ensure_builtin_report(s))
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        if isinstance(s, PostgisStore):
            s.close()
    assert all(r == results[0] for r in results), results
    assert len(store.report_audit()) == 1 and store.report(BUILTIN_ID).revision == 1


# -- who may write: the page-facing helpers check the role first


def test_a_viewer_cannot_write_reports(store: LayerStore) -> None:
    rid = reports_store.save_report(store, DOC, **META, user="typed", access=ANALYST).report_id
    before = state(store)
    with pytest.raises(WriteDenied) as err:
        reports_store.save_report(store, DOC, **META, user="v", access=VIEWER)
    assert "口令" in err.value.message("zh-Hans") and "password" in err.value.message("en")
    with pytest.raises(WriteDenied):
        reports_store.save_report(store, {"v": 2}, **META, user="v", access=VIEWER,
                                  report_id=rid, expected_revision=1)
    with pytest.raises(WriteDenied):
        reports_store.delete_report(store, rid, "v", VIEWER)
    with pytest.raises(WriteDenied):
        reports_store.restore_report(store, rid, "v", VIEWER)
    with pytest.raises(WriteDenied):  # not an Access at all (a forged session value)
        reports_store.delete_report(store, rid, "v", {"role": "analyst"})
    assert state(store) == before
    # an analyst may; a signed-in analyst's e-mail is the user that is recorded
    sso = Access(Role.ANALYST, "sso", "li@example.org")
    assert reports_store.delete_report(store, rid, "typed", sso).updated_by == "li@example.org"
    assert reports_store.restore_report(store, rid, "typed", ANALYST).updated_by == "typed"
