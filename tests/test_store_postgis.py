"""The PostGIS backend's own concerns: choosing it, its schema and migrations, the password,
a server that is down, writers killed mid-transaction, a full disk, append-only history, and
reading back exactly what the GeoPackage backend reads back.

The behaviour both backends share is tested on both in test_store.py and
test_store_hardening.py; the server is tests/pg_cluster.py's (see tests/conftest.py).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest
from shapely import points, wkt
from shapely.geometry import Point
from store_helpers import assert_same, create, leftovers, replace, snapshot, sql

from lianghu_map.config import database_settings, load_settings
from lianghu_map.errors import StoreError, StoreFull
from lianghu_map.store import LayerStore, open_store, postgis
from lianghu_map.store.gpkg import GpkgStore
from lianghu_map.store.postgis import SCHEMA_VERSION, PostgisStore, shared_store

pytestmark = [pytest.mark.filterwarnings("error::RuntimeWarning")]

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = Path(__file__).resolve().parent


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": [1, 2], "name": ["甲", "乙"]},
                            geometry=points([[119.9, 31.6], [119.8, 31.5]]), crs="EPSG:4326")


def _schema() -> str:
    return f"t_{secrets.token_hex(6)}"


def _drop(server, schema: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _dead_url(password: str = "") -> str:
    """A URL where no server listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    auth = f"someone:{quote(password, safe='')}@" if password else ""
    return f"postgresql://{auth}127.0.0.1:{port}/nothing"


# -- choosing the backend


def test_a_database_url_chooses_postgis(postgis_server, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    assert isinstance(open_store(), GpkgStore)  # the default: nothing set
    assert database_settings({}) == (None, "lianghu")
    schema = _schema()
    monkeypatch.setenv("LIANGHU_DATABASE_URL", postgis_server.url)
    monkeypatch.setenv("LIANGHU_DATABASE_SCHEMA", schema)
    try:
        store = open_store()
        assert isinstance(store, PostgisStore) and store.schema == schema
        assert isinstance(store, LayerStore)  # the protocol the app codes against
        assert open_store() is store  # one per process: its connections are reused
        assert store.revision() == "0"  # the schema was created on first use
        assert isinstance(open_store(tmp_path / "w"), GpkgStore)  # an explicit root is a root
        assert not (tmp_path / "var").exists()
    finally:
        _drop(postgis_server, schema)


def test_settings_come_from_the_environment_or_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = {"database_url": "postgresql://u:pw-in-secrets@db/x", "database_schema": "city"}
    assert database_settings(secret) == ("postgresql://u:pw-in-secrets@db/x", "city")
    monkeypatch.setenv("LIANGHU_DATABASE_URL", "postgresql://v:pw-in-env@db2/y")
    assert database_settings(secret) == ("postgresql://v:pw-in-env@db2/y", "city")  # env wins
    settings = load_settings(secret)
    assert settings.database_url == "postgresql://v:pw-in-env@db2/y"
    assert "pw-in-env" not in repr(settings) and "pw-in-secrets" not in repr(settings)


# -- the password is never shown


def _texts(err: StoreError) -> str:
    return " ".join([str(err), repr(err), err.detail, *(err.message(lang)
                                                      for lang in ("zh-Hans", "zh-Hant", "en"))])


def test_the_password_is_never_shown(postgis_server) -> None:
    if postgis_server.password_url is None:
        pytest.skip("needs the test cluster's password role (not with LIANGHU_TEST_DATABASE_URL)")
    from pg_cluster import PASSWORD

    schema = _schema()
    store = PostgisStore(postgis_server.password_url, schema)
    try:
        assert PASSWORD not in repr(store) and PASSWORD not in store.root
        assert "lianghu_pw@127.0.0.1" in store.root and schema in repr(store)
        assert store.revision() == "0"  # it logs in with the password
        assert [r.layer_id for r in store.list_layers()] == []
    finally:
        store.close()
        _drop(postgis_server, schema)
    wrong = "Wrong-" + PASSWORD
    for url, says in ((postgis_server.password_url.replace(PASSWORD, wrong),
                       "password authentication failed"),
                      (_dead_url(wrong), "cannot reach the layer database"),
                      (_dead_url("p@ss w/rd:x"), "cannot reach")):
        bad = PostgisStore(url, _schema())
        with pytest.raises(StoreError) as err:
            bad.revision()
        text = _texts(err.value)
        assert says in text
        for secret in (wrong, "p@ss w/rd:x", "p%40ss%20w%2Frd%3Ax", PASSWORD):
            assert secret not in text and secret not in repr(bad)
    unparseable = PostgisStore(f"host=db password={wrong} nonsense", "lianghu")
    with pytest.raises(StoreError, match="cannot be parsed") as err:  # libpq would quote it
        unparseable.revision()
    assert wrong not in _texts(err.value) and wrong not in repr(unparseable)


def test_a_server_that_is_down_is_a_store_error(sites: gpd.GeoDataFrame,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = PostgisStore(_dead_url(), _schema(), connect_timeout=2)
    real, attempts = psycopg.connect, []
    monkeypatch.setattr(psycopg, "connect", lambda *a, **kw: attempts.append(1) or real(*a, **kw))
    for call in (store.revision, store.list_layers, store.audit, store.check,
                 lambda: create(store, sites)):
        with pytest.raises(StoreError, match="cannot reach the layer database"):
            call()
    # the page's other calls fail at once for a few seconds, not each after a connect timeout
    assert len(attempts) == 1
    monkeypatch.setattr(postgis, "DOWN_FOR", 0.0)
    with pytest.raises(StoreError, match="cannot reach the layer database"):
        store.revision()
    assert len(attempts) == 2  # then it tries again


@pytest.mark.parametrize("schema", ["Lianghu", "1abc", "a;b", "", "x" * 64, 'a"b'])
def test_bad_schema_names_are_refused(postgis_server, schema: str,
                                      sites: gpd.GeoDataFrame) -> None:
    store = PostgisStore(postgis_server.url, schema)  # never raises: the pages call it bare
    for call in (store.revision, store.list_layers, lambda: create(store, sites)):
        with pytest.raises(StoreError, match="schema name"):
            call()


def test_bad_settings_are_a_message_on_the_upload_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """open_store() never raises (the Upload page calls it outside any try): the error comes
    from the store's first call, which the page shows as a message."""
    from apptest_helpers import map_feature_ids
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    from lianghu_map.catalog import builtin_catalog

    monkeypatch.setenv("LIANGHU_DATABASE_URL", "postgresql://u:pw@db/x")
    monkeypatch.setenv("LIANGHU_DATABASE_SCHEMA", "Not-A-Schema")
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert map_feature_ids(at) == set(builtin_catalog().features.index)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert any("schema name" in e.value for e in at.error)


# -- schema and migrations


def test_instances_starting_at_once_create_the_schema_once(postgis_server) -> None:
    schema = _schema()
    stores = [PostgisStore(postgis_server.url, schema) for _ in range(8)]
    barrier = threading.Barrier(len(stores))
    results: list[object] = []

    def start(store: PostgisStore) -> None:
        barrier.wait()
        try:
            results.append(store.revision())
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert results == ["0"] * len(stores)
        versions = sql(stores[0], "SELECT version FROM {s}.schema_version ORDER BY version")
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
        assert sql(stores[0], "SELECT id, revision FROM {s}.state") == [(1, 0)]
    finally:
        for store in stores:
            store.close()
        _drop(postgis_server, schema)


def test_an_older_schema_is_migrated_and_keeps_its_data(
    postgis_server, sites: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = _schema()
    monkeypatch.setattr(postgis, "SCHEMA_VERSION", 1)  # an app that knew only migration 1
    old = PostgisStore(postgis_server.url, schema)
    try:
        layer_id = create(old, sites).layer_id
        assert sql(old, "SELECT to_regclass('{s}.current_features')") == [(None,)]
        monkeypatch.undo()
        new = PostgisStore(postgis_server.url, schema)  # this app, started later
        assert new.get(layer_id) == old.get(layer_id)
        assert_same(new.read(layer_id), sites)
        assert sql(new, "SELECT max(version) FROM {s}.schema_version") == [(SCHEMA_VERSION,)]
        # migration 2: the view of the live layers' current features, for QGIS and SQL
        rows = sql(new, "SELECT layer_id, fid, ST_AsText(geom), props FROM "
                        "{s}.current_features ORDER BY fid")
        assert rows == [(layer_id, 0, "POINT(119.9 31.6)", {"n": 1, "name": "甲"}),
                        (layer_id, 1, "POINT(119.8 31.5)", {"n": 2, "name": "乙"})]
        new.delete(layer_id, user="a")
        assert sql(new, "SELECT count(*) FROM {s}.current_features") == [(0,)]
    finally:
        _drop(postgis_server, schema)


def test_a_schema_newer_than_the_app_is_refused_and_left_alone(
    postgis_store: PostgisStore, sites: gpd.GeoDataFrame,
) -> None:
    layer_id = create(postgis_store, sites).layer_id
    sql(postgis_store, "INSERT INTO {s}.schema_version (version) VALUES (99)")
    before = snapshot(postgis_store)
    later = PostgisStore(postgis_store._conninfo, postgis_store.schema)
    for call in (later.revision, later.list_layers, lambda: create(later, sites),
                 lambda: later.delete(layer_id, user="x")):
        with pytest.raises(StoreError, match="newer than this app"):
            call()
    assert snapshot(postgis_store) == before


def test_without_postgis_the_error_says_what_to_do(postgis_server) -> None:
    if postgis_server.password_url is None:
        pytest.skip("needs the test cluster (a database without PostGIS, a plain user)")
    from pg_cluster import PASSWORD_ROLE

    name = f"nogis_{secrets.token_hex(4)}"
    admin = postgis_server.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"GRANT CREATE ON DATABASE {name} TO {PASSWORD_ROLE}")
    try:
        store = PostgisStore(postgis_server.password_url.rsplit("/", 1)[0] + f"/{name}")
        with pytest.raises(StoreError, match="CREATE EXTENSION postgis"):
            store.revision()
        store.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


# -- connections


def test_connections_the_server_dropped_are_replaced(postgis_store: PostgisStore,
                                                     sites: gpd.GeoDataFrame) -> None:
    layer_id = create(postgis_store, sites).layer_id
    pids = [conn.info.backend_pid for conn, _ in postgis_store._pool._idle]
    assert pids
    sql(postgis_store, "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid", (pids,))
    time.sleep(0.2)  # the server's goodbye arrives
    assert postgis_store.revision() == "1"
    assert_same(postgis_store.read(layer_id), sites)
    assert not {c.info.backend_pid for c, _ in postgis_store._pool._idle} & set(pids)


def test_shared_store_is_one_per_url_and_schema(postgis_server) -> None:
    a, b = _schema(), _schema()
    try:
        assert shared_store(postgis_server.url, a) is shared_store(postgis_server.url, a)
        assert shared_store(postgis_server.url, a) is not shared_store(postgis_server.url, b)
    finally:
        for schema in (a, b):
            shared_store(postgis_server.url, schema).close()
            _drop(postgis_server, schema)


def test_two_schemas_are_two_stores(postgis_store: PostgisStore, postgis_server,
                                    sites: gpd.GeoDataFrame) -> None:
    other = PostgisStore(postgis_server.url, _schema())
    try:
        create(postgis_store, sites, title_en="here")
        assert other.list_layers() == [] and other.revision() == "0"
        assert [r.title_en for r in postgis_store.list_layers()] == ["here"]
    finally:
        other.close()
        _drop(postgis_server, other.schema)


# -- a writer killed mid-transaction

KILLED_WRITER = """
import json, sys, time
import geopandas as gpd
import numpy as np
import psycopg
from shapely import points
from store_helpers import open_spec

store = open_spec(json.loads(sys.argv[1]))
moment = sys.argv[2]
small = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points([[120, 31.5], [120.1, 31.6]]),
                         crs="EPSG:4326")
common = dict(conversions=(), links=(), user="w")
store.create(small, title_zh="湖", title_en="Lake", kind="k", color="#000", status="s",
             source="s", original_name="v1.csv", sha256="1" * 64, layer_id="lake", **common)
n = 20_000
xy = np.c_[120 + np.random.default_rng(0).random(n), np.full(n, 31.5)]
big = gpd.GeoDataFrame({"n": np.arange(n)}, geometry=points(xy), crs="EPSG:4326")

if moment == "writing the data":  # stop in the middle of the COPY of the features
    real_write_row, rows = psycopg.Copy.write_row, [0]

    def write_row(self, row):
        rows[0] += 1
        if rows[0] == n // 2:
            print("writing", flush=True)
            time.sleep(120)
        return real_write_row(self, row)

    psycopg.Copy.write_row = write_row
else:  # stop after the last statement: the audit row is in, the commit is next
    real_execute = psycopg.Connection.execute

    def execute(self, query, *args, **kw):
        cur = real_execute(self, query, *args, **kw)
        if isinstance(query, str) and query.startswith("INSERT INTO") and ".audit" in query:
            print("committing", flush=True)
            time.sleep(120)
        return cur

    psycopg.Connection.execute = execute
print("ready", flush=True)
store.replace("lake", big, original_name="v2.csv", sha256="2" * 64, **common)
print("replaced", flush=True)
"""


@pytest.mark.parametrize("moment", ["writing the data", "before the commit"])
def test_a_writer_killed_mid_transaction_changes_nothing(
    postgis_store: PostgisStore, sites: gpd.GeoDataFrame, moment: str,
) -> None:
    import json

    store = postgis_store
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    where = json.dumps(["postgis", store._conninfo, store.schema])
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, where, moment], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting: list[object] = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        assert proc.stdout.readline().strip() in ("writing", "committing"), proc.stderr.read()
        if moment == "before the commit":
            # the dying writer holds the revision's row lock: another save waits for it
            saver = threading.Thread(target=lambda: waiting.append(
                create(reopen_store(store), sites, layer_id="other")))
            saver.start()
            time.sleep(0.5)
            assert waiting == []
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if moment == "before the commit":
            saver.join(timeout=30)
            assert len(waiting) == 1, "the other save went through once the writer died"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # nothing of the killed write is there: no version, no data set, no feature, no audit row
    again = PostgisStore(store._conninfo, store.schema)
    record = again.get("lake")
    assert record.current_version == 1 and len(record.versions) == 1
    small = gpd.GeoDataFrame({"n": [1, 2]}, geometry=points([[120, 31.5], [120.1, 31.6]]),
                             crs="EPSG:4326")
    assert_same(again.read("lake"), small)
    assert sql(store, "SELECT count(*) FROM {s}.features WHERE file LIKE 'layers/lake/%'") == [
        (2,)]
    assert leftovers(again) == [] and again.check() == {}
    expected = [("create", "lake")] + ([("create", "other")] if waiting else [])
    assert [(e.action, e.layer_id) for e in again.audit()] == expected
    assert again.revision() == str(len(expected))
    # the next writer is not blocked (the server dropped the dead session's locks)
    started = time.monotonic()
    record = replace(again, "lake", sites)
    assert time.monotonic() - started < 10
    assert record.current.file == "layers/lake/v0002"
    assert_same(again.read("lake"), sites)
    assert_same(again.read("lake", 1), small)


def reopen_store(store: PostgisStore) -> PostgisStore:
    return PostgisStore(store._conninfo, store.schema)


# -- a full disk, and history that cannot be rewritten


def _raise_in_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    real = psycopg.Copy.write_row

    def write_row(self, row):
        real(self, row)
        raise psycopg.errors.DiskFull('could not extend file "base/16384/16500": No space left '
                                      "on device")

    monkeypatch.setattr(psycopg.Copy, "write_row", write_row)


def _raise_in_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = psycopg.Connection.execute

    def execute(self, query, *args, **kw):
        if isinstance(query, str) and ".audit" in query and query.startswith("INSERT"):
            raise psycopg.errors.DiskFull("could not write to file \"pg_wal/xlogtemp\": No "
                                          "space left on device")
        return real(self, query, *args, **kw)

    monkeypatch.setattr(psycopg.Connection, "execute", execute)


@pytest.mark.parametrize("where", [_raise_in_copy, _raise_in_audit], ids=["data", "audit"])
@pytest.mark.parametrize("operation", ["create", "replace"])
def test_a_full_disk_is_a_clear_error_and_changes_nothing(
    postgis_store: PostgisStore, sites: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
    where, operation: str,
) -> None:
    """SQLSTATE 53100 is StoreFull; the transaction is rolled back whole — unlike the
    GeoPackage backend, even a failure to log leaves nothing half done."""
    store = postgis_store
    layer_id = create(store, sites).layer_id
    before = snapshot(store)
    where(monkeypatch)
    save = (lambda: create(store, sites, layer_id="more")) if operation == "create" else (
        lambda: replace(store, layer_id, sites))
    with pytest.raises(StoreFull) as err:
        save()
    monkeypatch.undo()
    assert "no space left on the device" in err.value.message("en")
    assert "磁盘空间已满" in err.value.message("zh-Hans")
    assert snapshot(store) == before
    assert store.revision() == "1" and len(store.audit()) == 1
    replace(store, layer_id, sites)  # and the store goes on
    assert store.revision() == "2"


@pytest.mark.parametrize("table", ["versions", "events", "data", "features", "audit"])
def test_history_tables_are_append_only(postgis_store: PostgisStore,
                                        sites: gpd.GeoDataFrame, table: str) -> None:
    layer_id = create(postgis_store, sites).layer_id
    replace(postgis_store, layer_id, sites)
    before = snapshot(postgis_store)
    column = {"versions": "note", "events": "user_name", "data": "layer_id",
              "features": "props", "audit": "user_name"}[table]
    value = "'{}'::jsonb" if column == "props" else "'mallory'"
    for statement in (f"UPDATE {{s}}.{table} SET {column} = {value}",
                      f"DELETE FROM {{s}}.{table}", f"TRUNCATE {{s}}.{table} CASCADE"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            sql(postgis_store, statement)
    assert snapshot(postgis_store) == before


# -- the same frame as the GeoPackage backend


def test_reads_back_exactly_what_the_geopackage_backend_reads(
    postgis_store: PostgisStore, gpkg_store: GpkgStore,
) -> None:
    when = pd.to_datetime(["2024-01-01 08:00", None, "2024-03-01 10:30:15.123", "2024-01-02"],
                          format="ISO8601")
    gdf = gpd.GeoDataFrame(
        {
            "int": [1, 2, 3, 4], "float": [1.5, None, float("inf"), -2.25],
            "bool": [True, False, True, False], "maybe": [True, None, False, None],
            "str": ["a", None, "丙", ""], "Int64": pd.array([1, None, 3, 2**40], dtype="Int64"),
            "naive": when, "shanghai": when.tz_localize("Asia/Shanghai"),
            "category": pd.Categorical(["x", "y", "x", None]), "fid": ["a", "b", "c", "d"],
            "geom": [1, 2, 3, 4], "tags": [["湖", 1], {"a": 1}, None, []],
            "mixed": ["a", 2, None, 3.5], "td": pd.to_timedelta([1, 2, None, 4], unit="s"),
            "u64": np.array([0, 1, 5, 7], dtype="uint64"),
            "f32": np.array([1.5, 2.25, np.nan, 1e10], dtype="float32"),
            "i8": np.array([1, -2, 3, 4], dtype="int8"),
            "F64": pd.array([1.5, None, 2.0, 3.0], dtype="Float64"),
            "sdt": pd.array(["x", None, "y", "z"], dtype="string"),
            "名称 (中文)": ["一", "二", "三", "四"],
        },
        geometry=[Point(119.9, 31.6, 5.0), Point(119.8, 31.5), wkt.loads("POLYGON EMPTY"),
                  None],
        crs="EPSG:4326", index=[7, 8, 9, 10],
    )
    from_gpkg = gpkg_store.read(create(gpkg_store, gdf).layer_id)
    from_pg = postgis_store.read(create(postgis_store, gdf).layer_id)
    pd.testing.assert_frame_equal(pd.DataFrame(from_pg.drop(columns="geometry")),
                                  pd.DataFrame(from_gpkg.drop(columns="geometry")))
    assert from_pg.geometry.to_wkt().tolist() == from_gpkg.geometry.to_wkt().tolist()
    assert from_pg.crs == from_gpkg.crs and from_pg.geometry.name == from_gpkg.geometry.name
    assert postgis_store.list_layers()[0].current.bounds == \
        gpkg_store.list_layers()[0].current.bounds
