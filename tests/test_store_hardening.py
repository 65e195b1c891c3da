"""The layer store under stress: concurrent saves, killed writers, broken files, a full disk,
and the audit log that records every write.

Tests that take the ``store`` fixture (tests/conftest.py) run on both backends, ``[gpkg]`` and
``[postgis]``; those about files (a writer killed between its data file and the manifest, a full
disk, the JSON-lines log) are the GeoPackage backend's; their PostGIS counterparts (a writer
killed mid-transaction, the server's "disk full", the append-only tables) are in
test_store_postgis.py.
"""

from __future__ import annotations

import errno
import itertools
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely import points
from shapely.geometry import Polygon
from store_helpers import (
    DAMAGE,
    LINK,
    assert_same,
    create,
    damage,
    leftovers,
    manifest,
    open_spec,
    reopen,
    replace,
    snapshot,
    spec,
    sql,
)

from lianghu_map.errors import StoreError, StoreFull
from lianghu_map.store import (
    AuditEntry,
    AuditWarning,
    LayerStore,
    LinkRecord,
    gpkg,
)
from lianghu_map.store.gpkg import GpkgStore

pytestmark = [pytest.mark.filterwarnings("error::RuntimeWarning"),
              pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
              pytest.mark.filterwarnings("error::lianghu_map.store.AuditWarning")]

SRC = Path(__file__).resolve().parents[1] / "src"
LINK2 = LinkRecord("p2", "d-2023-04", "西太湖", "analyst")


# -- helpers


@pytest.fixture
def parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["p1", "p2", "p3"], "名称": ["滆湖公园", "西太湖湿地", None],
         "area": [1.5, None, 3.0]},
        geometry=[Polygon([(119.9, 31.6), (119.91, 31.6), (119.91, 31.61)]),
                  Polygon([(119.8, 31.5), (119.82, 31.5), (119.82, 31.52)]),
                  Polygon([(119.7, 31.4), (119.71, 31.4), (119.71, 31.41)])],
        crs="EPSG:4326",
    )


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    return many_points(2)


def many_points(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = np.c_[119.5 + rng.random(n), 31.2 + rng.random(n)]
    return gpd.GeoDataFrame({"n": np.arange(n), "name": [f"站点{i}" for i in range(n)]},
                            geometry=points(xy), crs="EPSG:4326")










def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (temporary ones included) with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".tmp" in p.name]


# -- concurrency


def test_twenty_concurrent_saves_in_threads(store: LayerStore, sites: gpd.GeoDataFrame) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)
    others = [reopen(store) for _ in range(10)]

    def work(i: int) -> None:
        target = store if i % 2 else others[i // 2]  # shared and separate instances
        try:
            barrier.wait()
            create(target, sites, title_en=f"Layer {i}", user=f"user{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    if isinstance(store, GpkgStore):
        data = manifest(store.root)  # valid JSON
        assert data["revision"] == 20 and len(data["layers"]) == 20
    assert store.revision() == "20"
    layers = reopen(store).list_layers()
    assert len(layers) == 20
    assert sorted(r.title_en for r in layers) == sorted(f"Layer {i}" for i in range(20))
    for record in layers:
        assert_same(store.read(record.layer_id), sites)
    log = store.audit()
    assert [e.action for e in log] == ["create"] * 20
    assert [e.revision for e in log] == list(range(1, 21))  # appended in commit order
    assert {e.layer_id for e in log} == {r.layer_id for r in layers}
    assert {e.user for e in log} == {f"user{i}" for i in range(20)}
    assert store.check() == {}
    assert leftovers(store) == []


def _save_five(where: tuple[str, ...], name: str, barrier) -> None:
    """A writer process (spawned, so importable by name): five saves after the others start."""
    store = open_spec(where)
    barrier.wait(timeout=120)
    for j in range(5):
        create(store, many_points(3, seed=j), title_en=f"{name} {j}", user=name)


def test_twenty_concurrent_saves_from_four_processes(store: LayerStore) -> None:
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that has GDAL threads
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_save_five, args=(spec(store), f"p{i}", barrier))
             for i in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=180)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    if isinstance(store, GpkgStore):
        data = manifest(store.root)
        assert data["revision"] == 20
    assert store.revision() == "20"
    assert sorted(r.title_en for r in store.list_layers()) == sorted(
        f"p{i} {j}" for i in range(4) for j in range(5))
    assert [e.revision for e in store.audit()] == list(range(1, 21))
    assert store.check() == {}
    last = {r.title_en: r.layer_id for r in store.list_layers()}["p0 4"]
    assert_same(store.read(last), many_points(3, seed=4))
    assert leftovers(store) == []


# -- a writer killed mid-save

KILLED_WRITER = """
import os, sys, time
import geopandas as gpd
import numpy as np
from shapely import points
from lianghu_map.store import gpkg
from lianghu_map.store.gpkg import GpkgStore

store = GpkgStore(sys.argv[1])
small = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points([[120, 31.5], [120.1, 31.6]]),
                         crs="EPSG:4326")
common = dict(conversions=(), links=(), user="w")
store.create(small, title_zh="湖", title_en="Lake", kind="k", color="#000", status="s",
             source="s", original_name="v1.csv", sha256="1" * 64, layer_id="lake", **common)
n = 200_000  # takes GDAL a second or more to write
xy = np.c_[120 + np.random.default_rng(0).random(n), np.full(n, 31.5)]
big = gpd.GeoDataFrame({"n": np.arange(n)}, geometry=points(xy), crs="EPSG:4326")
real_replace = os.replace

def replace_slowly(src, dst):
    if os.path.basename(dst) == "manifest.json":  # the data file is in place by now
        print("committing", flush=True)
        time.sleep(120)
    return real_replace(src, dst)

os.replace = replace_slowly
print("ready", flush=True)
store.replace("lake", big, original_name="v2.csv", sha256="2" * 64, **common)
print("replaced", flush=True)
"""


def _growing(folder: Path) -> bool:
    """Whether a temporary data file with something in it is in ``folder``."""
    for path in folder.glob("*.tmp.gpkg"):
        try:
            if path.stat().st_size > 0:
                return True
        except FileNotFoundError:  # mkstemp's placeholder, removed again before GDAL writes
            pass
    return False


@pytest.mark.parametrize("moment", ["writing the data", "before the manifest"])
def test_writer_killed_mid_save(tmp_path: Path, moment: str) -> None:
    root = tmp_path / "var"
    folder = root / "layers" / "lake"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        if moment == "writing the data":  # GDAL has begun to fill the temporary file
            deadline = time.monotonic() + 60
            while not _growing(folder) and time.monotonic() < deadline:
                time.sleep(0.001)
        else:
            assert proc.stdout.readline().strip() == "committing"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # the crash was where it was meant to be: the new data file renamed into place, or not yet
    assert (folder / "v0002.gpkg").exists() == (moment == "before the manifest")
    assert temp_files(root)  # what the killed writer left

    store = GpkgStore(root)
    assert store.revision() == "1"
    record = store.get("lake")
    assert record.current_version == 1 and len(record.versions) == 1
    small = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points([[120, 31.5], [120.1, 31.6]]),
                             crs="EPSG:4326")
    assert_same(store.read("lake"), small)
    assert store.check() == {}
    assert [(e.action, e.sha256) for e in store.audit()] == [("create", "1" * 64)]
    # the next writer is not blocked (the kernel dropped the lock), sweeps the leftovers and
    # never overwrites the orphan
    record = replace(store, "lake", many_points(5))
    expected = "v0002-1.gpkg" if moment == "before the manifest" else "v0002.gpkg"
    assert record.current.file == f"layers/lake/{expected}"
    assert_same(store.read("lake"), many_points(5))
    assert_same(store.read("lake", 1), small)
    assert temp_files(root) == []
    assert [e.action for e in store.audit()] == ["create", "replace"]


# -- broken data


@pytest.mark.parametrize("how", DAMAGE)
def test_broken_layer_data_is_named_and_the_others_work(
    store: LayerStore, parks: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, how: str,
) -> None:
    broken = create(store, parks, layer_id="broken-parks")
    create(store, sites, layer_id="good-sites")
    damage(store, broken.current.file, how)

    with pytest.raises(StoreError) as err:
        store.read("broken-parks")
    assert "broken-parks" in str(err.value) and broken.current.file in str(err.value)
    assert "broken-parks" in err.value.message("en")
    problems = store.check()
    assert list(problems) == ["broken-parks"]
    assert broken.current.file in problems["broken-parks"]
    assert store.check("broken-parks") == problems
    assert store.check("good-sites") == {}
    # everything else still works
    assert [r.layer_id for r in store.list_layers()] == ["broken-parks", "good-sites"]
    assert_same(store.read("good-sites"), sites)
    replace(store, "good-sites", parks)
    assert_same(reopen(store).read("good-sites"), parks)


def test_revert_to_a_broken_version_is_refused(
    store: LayerStore, parks: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
) -> None:
    first = create(store, parks)
    replace(store, first.layer_id, sites)
    damage(store, first.current.file, "garbage")
    before = snapshot(store)
    with pytest.raises(StoreError, match=first.current.file):
        store.revert(first.layer_id, 1, user="carol")
    assert snapshot(store) == before
    assert_same(store.read(first.layer_id), sites)
    assert store.check() == {}  # the current version is sound


# -- a full disk

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def _fail_after_data_written(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    real = pyogrio.write_dataframe

    def write_then_fail(df, path, **kw):
        real(df, path, **kw)  # a (partial) file exists, and must be removed
        raise exc

    monkeypatch.setattr(pyogrio, "write_dataframe", write_then_fail)


def _fail_on_replace(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = os.replace

    def replace_or_fail(src, dst):
        if Path(dst).name.endswith(name):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace_or_fail)


FULL_AT = {
    "data": lambda mp: _fail_after_data_written(mp, ENOSPC),
    "gdal": lambda mp: _fail_after_data_written(
        mp, pyogrio.errors.FeatureError("failed to execute insert : database or disk is full")),
    "quota": lambda mp: _fail_after_data_written(mp, OSError(errno.EDQUOT, "Quota exceeded")),
    "data-rename": lambda mp: _fail_on_replace(mp, ".gpkg"),
    "manifest": lambda mp: _fail_on_replace(mp, "manifest.json"),
}


@pytest.mark.parametrize("where", list(FULL_AT))
@pytest.mark.parametrize("operation", ["create", "replace"])
def test_full_disk_is_a_clear_error_and_changes_nothing(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
    monkeypatch: pytest.MonkeyPatch, where: str, operation: str,
) -> None:
    store = gpkg_store
    layer_id = create(store, parks).layer_id
    before = files(store.root)
    records = store.list_layers(include_deleted=True)
    FULL_AT[where](monkeypatch)
    save = (lambda: create(store, sites, layer_id="sites")) if operation == "create" else (
        lambda: replace(store, layer_id, sites))
    with pytest.raises(StoreError) as err:
        save()
    monkeypatch.undo()
    assert "no space left on the device" in err.value.message("en")
    assert isinstance(err.value, StoreFull) and "disk is full" in err.value.message("en")
    assert "磁盘空间已满" in err.value.message("zh-Hans")

    again = GpkgStore(store.root)
    assert again.revision() == "1"
    assert again.list_layers(include_deleted=True) == records
    assert_same(again.read(layer_id), parks)
    assert len(again.audit()) == 1
    after = files(store.root)
    assert temp_files(store.root) == []
    new = set(after) - set(before)
    if where == "manifest":  # the data file went first: an orphan nothing refers to, as designed
        assert len(new) == 1 and new.pop().endswith("v0001.gpkg" if operation == "create"
                                                     else "v0002.gpkg")
    else:
        assert new == set()
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_vague_failure_on_a_nearly_full_disk_is_called_full(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GDAL does not always blame the disk (it failed to set up the file): free space decides."""
    store = gpkg_store
    vague = pyogrio.errors.FeatureError("failed: no such table: gpkg_contents")
    _fail_after_data_written(monkeypatch, vague)
    with pytest.raises(StoreError) as err:
        create(store, parks)
    assert "gpkg_contents" in str(err.value) and "no space" not in str(err.value)
    monkeypatch.setattr(gpkg, "LOW_SPACE", 1 << 62)  # now the disk counts as (nearly) full
    with pytest.raises(StoreError, match="no space left on the device") as err:
        create(store, parks)
    assert "gpkg_contents" in str(err.value)  # what GDAL said is kept
    assert store.list_layers() == [] and temp_files(store.root) == []


def test_full_disk_while_logging_keeps_the_save(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The manifest is committed before the log: the save stands, and a warning says so."""
    store = gpkg_store
    layer_id = create(store, parks).layer_id

    def no_space(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)
    with pytest.warns(AuditWarning, match="audit"):
        record = replace(store, layer_id, sites)
    monkeypatch.undo()
    assert record.current_version == 2
    assert GpkgStore(store.root).get(layer_id) == record
    assert_same(store.read(layer_id), sites)
    store.delete(layer_id, user="carol")
    assert [(e.action, e.revision) for e in store.audit()] == [("create", 1), ("delete", 3)]


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True, check=False)
    return probe.returncode == 0


REAL_FULL_DISK = """
import os, sys
import geopandas as gpd
import numpy as np
from shapely import points
from lianghu_map.errors import StoreError, StoreFull
from lianghu_map.store import gpkg
from lianghu_map.store.gpkg import GpkgStore

disk = sys.argv[1]
os.system(f"mount -t tmpfs -o size=3m tmpfs {disk}")
root = os.path.join(disk, "var")
store = GpkgStore(root)
v1 = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points([[120, 31.5], [120.1, 31.6]]), crs=4326)
kw = dict(original_name="a.csv", sha256="", conversions=(), links=(), user="u")
store.create(v1, title_zh="湖", title_en="", kind="k", color="#000", status="s", source="s",
             layer_id="lake", **kw)
n = 20_000
xy = np.c_[120 + np.random.default_rng(0).random(n), np.full(n, 31.5)]
big = gpd.GeoDataFrame({"n": np.arange(n)}, geometry=points(xy), crs=4326)
filler = os.path.join(disk, "filler")
for free in (0, 4096, 65536, 262144, 1 << 20):
    st = os.statvfs(disk)
    with open(filler, "wb") as fh:
        fh.truncate(0)
        try:
            fh.write(b"x" * max(0, st.f_bavail * st.f_frsize - free))
            fh.flush()
        except OSError:
            pass
    revision = store.revision()
    try:
        store.replace("lake", big, **kw)
        outcome = "saved"
    except StoreError as exc:
        assert "no space left on the device" in str(exc), exc
        outcome = "full"
    os.remove(filler)
    again = GpkgStore(root)
    assert again.check() == {}, again.check()
    assert not [f for _, _, fs in os.walk(root) for f in fs if ".tmp" in f]
    if outcome == "full":
        assert again.revision() == revision
    assert again.read("lake", 1).equals(v1)
    print(outcome, flush=True)
"""


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare and a tmpfs mount")
def test_a_really_full_disk(tmp_path: Path) -> None:
    """On a tiny tmpfs: whatever GDAL and SQLite raise when the disk fills, it is understood."""
    disk = tmp_path / "disk"
    disk.mkdir()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    res = subprocess.run(["unshare", "-rm", sys.executable, "-c", REAL_FULL_DISK, str(disk)],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    outcomes = res.stdout.split()
    assert len(outcomes) == 5 and "full" in outcomes, outcomes


# -- the audit log


def test_audit_records_every_write(store: LayerStore, parks: gpd.GeoDataFrame,
                                   sites: gpd.GeoDataFrame) -> None:
    assert store.audit() == []
    layer_id = create(store, parks).layer_id
    replace(store, layer_id, sites)
    store.update_links(layer_id, [LINK, LINK2], user="carol")
    store.delete(layer_id, user="dave")
    store.delete(layer_id, user="dave")  # a no-op: not a write, not logged
    store.restore(layer_id, user="erin")
    store.revert(layer_id, 1, user="frank")

    log = reopen(store).audit()
    assert all(isinstance(e, AuditEntry) for e in log)
    rows = [(e.action, e.user, e.version, e.sha256, e.original_name, e.feature_count, e.links)
            for e in log]
    assert rows == [
        ("create", "alice", 1, "a" * 64, "parks.geojson", 3, 1),
        ("replace", "bob", 2, "b" * 64, "v2.geojson", 2, 0),
        ("update", "carol", 3, "b" * 64, "v2.geojson", 2, 2),
        ("delete", "dave", 3, "", "v2.geojson", 2, 2),
        ("restore", "erin", 3, "", "v2.geojson", 2, 2),
        ("revert", "frank", 4, "a" * 64, "parks.geojson", 3, 1),
    ]
    assert {(e.layer_id, e.title) for e in log} == {(layer_id, "公园")}
    assert [e.revision for e in log] == [1, 2, 3, 4, 5, 6]
    record = store.get(layer_id)
    assert [e.at for e in log] == [e.at for e in record.events]
    for entry in log:
        at = datetime.fromisoformat(entry.at)
        assert at.utcoffset() == timedelta(0)
    assert log[-1].file == record.current.file == record.version(1).file
    assert store.audit(limit=2) == log[-2:]
    assert store.audit(limit=0) == []
    assert store.audit(limit=99) == log
    with pytest.raises(StoreError):
        store.audit(limit=-1)
    if isinstance(store, GpkgStore):  # one JSON object a line: what an analyst exports
        lines = (store.root / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["action"] for line in lines] == [e.action for e in log]
    else:  # a table, one row a write, in revision order
        rows = sql(store, "SELECT action, revision FROM {s}.audit ORDER BY seq")
        assert rows == [(e.action, e.revision) for e in log]


def test_audit_is_append_only_and_survives_a_cut_line(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
) -> None:
    store = gpkg_store
    path = store.root / "audit.jsonl"
    layer_id = create(store, parks).layer_id
    seen = [path.read_bytes()]
    for write in (lambda: replace(store, layer_id, sites),
                  lambda: GpkgStore(store.root).update_links(layer_id, [], user="x"),
                  lambda: store.delete(layer_id, user="x")):
        write()
        seen.append(path.read_bytes())
    for old, new in itertools.pairwise(seen):
        assert new.startswith(old) and len(new) > len(old)

    # a crash in the middle of an append leaves a line without its end
    with open(path, "ab") as fh:
        fh.write(b'{"at": "2024-05-01T08:00:00+00:00", "user": "cut')
    cut = path.read_bytes()
    assert [e.action for e in store.audit()] == ["create", "replace", "update", "delete"]
    store.restore(layer_id, user="y")
    assert path.read_bytes().startswith(cut)
    assert [e.action for e in store.audit()] == [
        "create", "replace", "update", "delete", "restore"]
    with open(path, "ab") as fh:
        fh.write(b"\xff\xfe not json at all\n[1, 2]\n\n")
    assert len(store.audit()) == 5
