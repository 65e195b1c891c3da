"""Shared helpers of the store tests: a layer created with test defaults, a replacement, equality
of stored layers, the manifest as JSON; and what the backend-neutral tests need to say the same
thing of a GeoPackage store and a PostGIS one (open it again, elsewhere; what it holds; damage)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from lianghu_map.store import LayerRecord, LayerStore, LinkRecord, VersionInfo
from lianghu_map.store.gpkg import GpkgStore
from lianghu_map.store.postgis import PostgisStore

LINK = LinkRecord("p1", "d-2023-01", "湖畔公园", "file")
# Tables of a PostGIS store, parents first (what snapshot() compares)
PG_TABLES = ("state", "layers", "data", "features", "versions", "events", "audit",
             "reports", "report_versions", "report_audit", "schema_version")


def create(store: LayerStore, gdf: gpd.GeoDataFrame, **kw) -> LayerRecord:
    args = {"title_zh": "公园", "title_en": "Parks", "kind": "park", "color": "#2a9d8f",
            "status": "planned", "source": "test", "original_name": "parks.geojson",
            "sha256": "a" * 64, "conversions": ("crs: EPSG:4490 → EPSG:4326",),
            "links": (LINK,), "user": "alice"}
    return store.create(gdf, **{**args, **kw})


def replace(store: LayerStore, layer_id: str, gdf: gpd.GeoDataFrame) -> LayerRecord:
    return store.replace(layer_id, gdf, original_name="v2.geojson", sha256="b" * 64,
                         conversions=(), links=(), user="bob")


def assert_same(actual: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    """Same columns in the same order, same values (nulls alike), geometries within 1e-9."""
    assert list(actual.columns) == list(expected.columns)
    assert actual.crs.to_epsg() == 4326
    assert list(actual.index) == list(range(len(expected)))
    geom = expected.geometry.name
    assert actual.geometry.name == geom
    for a, e in zip(actual.geometry, expected.geometry, strict=True):
        assert a.equals_exact(e, tolerance=1e-9), (a, e)
    pd.testing.assert_frame_equal(
        pd.DataFrame(actual.drop(columns=geom)),
        pd.DataFrame(expected.drop(columns=geom)).reset_index(drop=True),
    )


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


# -- either backend


def spec(store: LayerStore) -> tuple[str, ...]:
    """Where ``store`` is, as plain strings (for another process): see :func:`open_spec`."""
    if isinstance(store, PostgisStore):
        return ("postgis", store._conninfo, store.schema)
    assert isinstance(store, GpkgStore)
    return ("gpkg", str(store.root))


def open_spec(where: tuple[str, ...] | list[str]) -> LayerStore:
    """A new store object (its own connections) on what :func:`spec` describes."""
    if where[0] == "postgis":
        return PostgisStore(where[1], where[2])
    return GpkgStore(Path(where[1]))


def reopen(store: LayerStore) -> LayerStore:
    """The same store as another instance (another process) would open it."""
    return open_spec(spec(store))


def data_file(store: LayerStore, layer_id: str, version: int) -> str:
    """The name the store gives the data of a new version (``VersionInfo.file``)."""
    suffix = ".gpkg" if isinstance(store, GpkgStore) else ""
    return f"layers/{layer_id}/v{version:04d}{suffix}"


def sql(store: PostgisStore, query: str, params: tuple = (), *, raw: bool = False) -> list:
    """Rows of ``query`` run on the store's database as its own (test super)user, ``{s}`` the
    schema; ``raw``: with the append-only triggers off, to damage the store on purpose."""
    import psycopg

    with psycopg.connect(store._conninfo, autocommit=True) as conn:
        if raw:
            conn.execute("SET session_replication_role = replica")
        cur = conn.execute(query.replace("{s}", f'"{store.schema}"'), params or None)
        return cur.fetchall() if cur.description else []


def snapshot(store: LayerStore) -> dict[str, Any]:
    """Everything the store keeps: every file (GeoPackage), every row of every table (PostGIS)."""
    if isinstance(store, PostgisStore):
        return {t: sorted(map(repr, sql(store, f"SELECT * FROM {{s}}.{t}"))) for t in PG_TABLES}
    return {p.relative_to(store.root).as_posix(): p.read_bytes()
            for p in sorted(store.root.rglob("*")) if p.is_file()}


def version_data(store: LayerStore, info: VersionInfo) -> Any:
    """The stored data of one version, as bytes or rows: to show that it never changes."""
    if isinstance(store, PostgisStore):
        return sql(store, "SELECT fid, ST_AsEWKB(geom), props::text FROM {s}.features "
                          "WHERE file = %s ORDER BY fid", (info.file,))
    return (store.root / info.file).read_bytes()


def leftovers(store: LayerStore) -> list[str]:
    """What a write must not leave behind: temporary files (GeoPackage); data sets that no
    version refers to (PostGIS, where a failed write leaves nothing)."""
    if isinstance(store, PostgisStore):
        return [r[0] for r in sql(store, "SELECT file FROM {s}.data d WHERE NOT EXISTS "
                                         "(SELECT 1 FROM {s}.versions v WHERE v.file = d.file)")]
    return sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*")
                  if ".tmp" in p.name)


# -- damage done behind the store's back (the store must name it and go on)


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a geopackage " * 100)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _other_layer(path: Path) -> None:  # a sound GeoPackage, but not what the manifest describes
    import pyogrio
    from shapely import points

    seven = gpd.GeoDataFrame({"n": range(7)}, geometry=points([[120, 31]] * 7), crs=4326)
    pyogrio.write_dataframe(seven, path, layer="features", driver="GPKG")


# The same harm done to a data set in PostGIS, by someone who switched the app's triggers off
# (session_replication_role = replica also switches off the foreign keys).
_PG_DAMAGE = {
    "garbage": ["UPDATE {s}.data SET schema = '\"not a schema\"' WHERE file = %(file)s"],
    "truncated": ["DELETE FROM {s}.features WHERE file = %(file)s AND fid > 0"],
    "missing": ["DELETE FROM {s}.features WHERE file = %(file)s",
                "DELETE FROM {s}.data WHERE file = %(file)s"],
    "other-features": ["DELETE FROM {s}.features WHERE file = %(file)s",
                       "INSERT INTO {s}.features (file, fid, geom, props) SELECT %(file)s, i, "
                       "ST_SetSRID(ST_MakePoint(120, 31), 4326), '{}' "
                       "FROM generate_series(0, 6) i"],
}
_GPKG_DAMAGE = {"garbage": _garbage, "truncated": _truncate, "missing": Path.unlink,
                "other-features": _other_layer}
DAMAGE = tuple(_GPKG_DAMAGE)


def damage(store: LayerStore, file: str, how: str) -> None:
    """Break the data of a version (``VersionInfo.file``): one of :data:`DAMAGE`."""
    if isinstance(store, PostgisStore):
        for statement in _PG_DAMAGE[how]:
            sql(store, statement, {"file": file}, raw=True)
    else:
        _GPKG_DAMAGE[how](store.root / file)


def configured_store(request, tmp_path: Path, monkeypatch):
    """The app's store as configured (``open_store()``), for a fixture parametrised over
    ``["gpkg", "postgis"]``: a GeoPackage directory, or a fresh schema of the test database
    (dropped afterwards).  A generator: ``yield from configured_store(...)``."""
    import secrets

    import psycopg

    from lianghu_map.store import open_store

    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    if request.param == "gpkg":
        yield open_store()
        return
    server = request.getfixturevalue("postgis_server")
    schema = f"t_{secrets.token_hex(6)}"
    monkeypatch.setenv("LIANGHU_DATABASE_URL", server.url)
    monkeypatch.setenv("LIANGHU_DATABASE_SCHEMA", schema)
    store = open_store()
    assert isinstance(store, PostgisStore)
    yield store
    store.close()
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
