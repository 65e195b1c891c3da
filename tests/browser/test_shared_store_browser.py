"""Acceptance: two app instances share one PostGIS store.

Two Streamlit servers run app.py on two ports with the same ``LIANGHU_DATABASE_URL`` and schema
(and ``LIANGHU_LOCAL_MODE=1``), as two instances behind a load balancer would.

* A layer uploaded and saved through instance A's Upload page, in the browser, is drawn on
  instance B's map (a new session there).
* 20 concurrent saves split across the two instances: two worker processes, each started with
  the environment of one of the instances, run the Upload page's save path
  (``publish.prepare`` + ``publish.save_draft`` on ``open_store()``) from 10 threads each,
  released together.  The saves do not go through the servers' websockets (driving 20 browser
  sessions at once is more than 2 cores can do in a test); what the test shows is that 20
  writers in two processes on one database lose nothing, and that both running instances then
  draw all 20 layers (their caches keyed by the store's revision see the other writers).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import conftest as browser_conftest  # tests/browser/conftest.py, imported just before this
import psycopg
import pytest
from browser_helpers import fill_and_commit, map_frame, wait_for_app
from test_upload_browser import COLOR, N_BUILTIN, UPLOAD

from lianghu_map.store.postgis import PostgisStore

WORKERS = 2
SAVES_PER_WORKER = 10

WORKER = """
import json, sys, threading, time
from lianghu_map.auth import resolve_access
from lianghu_map.catalog import builtin_catalog
from lianghu_map.config import load_settings
from lianghu_map.ingest import IngestOptions
from lianghu_map.publish import LayerMeta, prepare, save_draft
from lianghu_map.store import open_store

name, n = sys.argv[1], int(sys.argv[2])
access = resolve_access(load_settings({})).access  # local mode, as the app works it out
assert access.can_write, access
cat = builtin_catalog()
drafts = []
for i in range(n):
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": f"{name}-{i}", "properties": {"name": f"并发点 {name}-{i}"},
        "geometry": {"type": "Point", "coordinates": [119.75 + i / 100, 31.55 + len(name) / 100]}}]}
    draft = prepare(f"{name}-{i}.geojson", json.dumps(doc).encode(), IngestOptions(), cat)
    assert draft.ok, [f.code for f in draft.findings]
    drafts.append(draft)
open_store().revision()  # connected and the schema checked, as in a running instance
go = threading.Event()
saved, errors = [], []

def save(i):
    go.wait()
    try:
        meta = LayerMeta(f"并发 {name}-{i}", f"Concurrent {name} {i}", "other", "existing",
                         "acceptance test")
        record = save_draft(open_store(), drafts[i], meta, (), f"{name}-user{i}", access)
        saved.append(record.layer_id)
    except BaseException as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
print("ready", flush=True)
sys.stdin.readline()
started = time.perf_counter()
go.set()
for t in threads:
    t.join()
print(json.dumps({"saved": saved, "errors": errors,
                  "seconds": time.perf_counter() - started}), flush=True)
"""


@pytest.fixture(scope="module")
def instances(tmp_path_factory, postgis_server):
    """Two app instances (two Streamlit servers) on one PostGIS schema."""
    schema = f"t_{secrets.token_hex(6)}"
    env = {"LIANGHU_DATABASE_URL": postgis_server.url, "LIANGHU_DATABASE_SCHEMA": schema,
           "LIANGHU_LOCAL_MODE": "1"}
    servers = [browser_conftest._serve(tmp_path_factory, **env,
                                       LIANGHU_VAR=str(tmp_path_factory.mktemp("unused-var")))
               for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:  # start both at once
        urls = list(pool.map(next, servers))
    yield SimpleNamespace(a=urls[0], b=urls[1], env=env, schema=schema,
                          store=PostgisStore(postgis_server.url, schema))
    with ThreadPoolExecutor(2) as pool:  # stop both at once
        list(pool.map(lambda server: next(server, None), servers))
    with psycopg.connect(postgis_server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _expect_drawn(page, base: str, uploaded: int) -> None:
    """A new session on ``base``'s Map page draws the built-ins and ``uploaded`` features."""
    page.goto(base + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(
        f"document.querySelectorAll('path.leaflet-interactive').length === "
        f"{N_BUILTIN + uploaded}")
    assert frame.locator(f'path.leaflet-interactive[stroke="{COLOR}"]').count() == uploaded


def test_a_layer_saved_through_one_instance_is_drawn_by_the_other(page, instances):
    assert instances.a != instances.b
    _expect_drawn(page, instances.b, uploaded=0)  # B has read (and cached) the empty store
    page.goto(instances.a + "/upload?basemap=none")
    wait_for_app(page)
    fill_and_commit(page, "upload_user", "甲实例")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{
        "name": "wetland.geojson", "mimeType": "application/geo+json",
        "buffer": json.dumps(UPLOAD, ensure_ascii=False).encode()}])
    page.get_by_text("可以保存", exact=False).wait_for(timeout=30_000)
    wait_for_app(page)
    fill_and_commit(page, "f0_source", "实例 A")
    fill_and_commit(page, "f0_tzh", "共享湿地")
    page.locator(".st-key-f0_save button").click()
    page.get_by_text("已保存：图层", exact=False).wait_for(timeout=30_000)

    # the store has it, saved by instance A …
    [record] = instances.store.list_layers()
    assert record.title_zh == "共享湿地" and record.current.created_by == "甲实例"
    # … and instance B, another process with its own connections and caches, draws it
    _expect_drawn(page, instances.b, uploaded=2)  # the repaired bow-tie and the point
    assert "共享湿地" in page.get_by_test_id("stSidebar").inner_text()
    assert page.offline.external == []


def test_twenty_concurrent_saves_across_the_instances_lose_nothing(page, instances,
                                                                   record_property):
    store = instances.store
    before = {r.layer_id for r in store.list_layers()}
    revision = int(store.revision())
    procs = [subprocess.Popen(
        [sys.executable, "-c", WORKER, name, str(SAVES_PER_WORKER)],
        env={**os.environ, **instances.env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for name in ("a", "b")[:WORKERS]]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:  # release both at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        started = time.perf_counter()
        results = [json.loads(proc.stdout.readline()) for proc in procs]
        elapsed = time.perf_counter() - started
        for proc in procs:
            assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    record_property("concurrent_saves_seconds", round(elapsed, 2))
    print(f"\n20 concurrent saves: {elapsed:.2f} s (per process: "
          f"{[round(r['seconds'], 2) for r in results]})")
    assert [r["errors"] for r in results] == [[]] * WORKERS
    saved = [layer_id for r in results for layer_id in r["saved"]]
    total = WORKERS * SAVES_PER_WORKER
    assert len(saved) == len(set(saved)) == total

    # nothing lost: 20 more layers, 20 more revisions, 20 audit rows in commit order
    again = PostgisStore(store._conninfo, store.schema)
    layers = again.list_layers()
    assert {r.layer_id for r in layers} == before | set(saved)
    assert sorted(r.title_en for r in layers if r.layer_id in saved) == sorted(
        f"Concurrent {w} {i}" for w in ("a", "b")[:WORKERS] for i in range(SAVES_PER_WORKER))
    assert int(again.revision()) == revision + total
    log = again.audit()
    # (store revisions are shared with the meeting reports' writes — the built-in report is
    # seeded on first use — so the two audit logs together have no gaps)
    reports = [e.store_revision for e in again.report_audit()]
    assert sorted([e.revision for e in log] + reports) == list(range(1, revision + total + 1))
    assert {e.layer_id for e in log if e.revision > revision} == set(saved)
    assert again.check() == {}

    # and both instances draw all of them
    uploaded = sum(r.current.feature_count for r in layers)
    for base in (instances.a, instances.b):
        _expect_drawn(page, base, uploaded)
    assert page.offline.external == []
