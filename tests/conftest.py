"""Shared fixtures: the app's root, AppTest factory, layer stores on both backends."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from store_helpers import configured_store
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

# Tests never touch the real layer store (./var): every run gets its own, empty unless a test
# writes to it.  Set before anything opens a store; inherited by browser-test servers.
os.environ["LIANGHU_VAR"] = tempfile.mkdtemp(prefix="lianghu-test-var-")


@pytest.fixture
def app() -> AppTest:
    """A fresh app (main script), not yet run."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


@pytest.fixture(autouse=True)
def _fresh_password_failures():
    """Wrong-password counts live in the store; tests must not inherit each other's delays."""
    from lianghu_map.store import open_store

    open_store().auth_reset()


# -- the layer store, on either backend (tests/test_store*.py)

# Tests never write to a configured database either: a PostGIS store is what a fixture makes.
for _name in ("LIANGHU_DATABASE_URL", "LIANGHU_DATABASE_SCHEMA"):
    os.environ.pop(_name, None)

# In CI (CI=true, or .ci/run's LIANGHU_REQUIRE_POSTGIS=1) a missing PostGIS fails, never skips.
REQUIRE_POSTGIS = any(os.environ.get(name, "").strip().lower() in ("1", "true", "yes")
                      for name in ("CI", "LIANGHU_REQUIRE_POSTGIS"))


@pytest.fixture(scope="session")
def postgis_server():
    """A PostgreSQL + PostGIS server for the session: ``$LIANGHU_TEST_DATABASE_URL`` (a database
    where the user may create schemas, PostGIS installed), else a throwaway cluster that
    tests/pg_cluster.py starts on 127.0.0.1 and stops at the end.  Without PostgreSQL/PostGIS
    the PostGIS tests are skipped on a developer's machine, and fail in CI (``CI=true`` or
    ``LIANGHU_REQUIRE_POSTGIS=1``)."""
    from pg_cluster import Unavailable, start

    given = os.environ.get("LIANGHU_TEST_DATABASE_URL", "").strip()
    if given:
        yield SimpleNamespace(url=given, password_url=None)
        return
    try:
        cluster = start()
    except Unavailable as exc:
        if REQUIRE_POSTGIS:
            pytest.fail(f"PostGIS is required here (CI) but unavailable: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL/PostGIS not available: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgis_store(postgis_server):
    """A PostGIS store in a schema of its own (created on first use, dropped afterwards)."""
    from lianghu_map.store.postgis import PostgisStore

    store = PostgisStore(postgis_server.url, f"t_{secrets.token_hex(6)}")
    yield store
    store.close()
    with psycopg.connect(postgis_server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE')


@pytest.fixture
def gpkg_store(tmp_path: Path):
    from lianghu_map.store.gpkg import GpkgStore

    return GpkgStore(tmp_path / "var")


@pytest.fixture(params=["gpkg", "postgis"])
def store(request):
    """The same store tests on both backends: a fresh GeoPackage store, a fresh PostGIS one."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(params=["gpkg", "postgis"])
def analyst_store(request, tmp_path, monkeypatch):
    """An analyst's app (local mode: writes open, no password) on each store engine."""
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    yield from configured_store(request, tmp_path, monkeypatch)


@pytest.fixture
def analyst_gpkg(tmp_path, monkeypatch):
    """An analyst's app (local mode) on a GeoPackage store of its own; the store."""
    from lianghu_map.store import open_store

    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    return open_store()
