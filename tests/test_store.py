"""The layer store: versions, soft delete, atomic writes, locking, attribute round trips.

Tests that take the ``store`` fixture (tests/conftest.py) run on both backends, ``[gpkg]`` and
``[postgis]``; those about the GeoPackage backend's files take ``gpkg_store`` (their PostGIS
counterparts are in test_store_postgis.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon
from store_helpers import (
    LINK,
    assert_same,
    create,
    data_file,
    manifest,
    reopen,
    replace,
    spec,
    sql,
    version_data,
)

from lianghu_map import paths
from lianghu_map.errors import LayerNotFound, StoreError
from lianghu_map.store import (
    LAYER_ID_RE,
    LayerStore,
    LinkRecord,
    gpkg,
    new_layer_id,
    open_store,
    record_from_dict,
)
from lianghu_map.store.gpkg import GpkgStore

# GDAL reports trouble (a non-conformant file, an odd datetime) as RuntimeWarning, sometimes from
# a callback (then pytest sees an "unraisable exception"): none is expected.
pytestmark = [pytest.mark.filterwarnings("error::RuntimeWarning"),
              pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")]

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = Path(__file__).resolve().parent


# -- fixtures and helpers


@pytest.fixture
def parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["p1", "p2", "p3"],
            "名称": ["滆湖公园", "西太湖湿地", None],
            "area_ha": [12.5, None, 3.25],
            "count": [1, 2, 3],
            "open": [True, False, True],
        },
        geometry=[
            Polygon([(119.9, 31.6), (119.91, 31.6), (119.91, 31.61)]),
            Polygon([(119.8, 31.5), (119.82, 31.5), (119.82, 31.52), (119.8, 31.52)]),
            Polygon([(119.7, 31.4), (119.71, 31.4), (119.71, 31.41)]),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["A", "B"], "lanes": [4, 6]},
        geometry=[LineString([(119.9, 31.6), (120.0, 31.7)]),
                  LineString([(119.8, 31.5), (119.85, 31.55)])],
        crs="EPSG:4326",
    )


# -- records and ids


def test_new_layer_id_is_safe() -> None:
    assert LAYER_ID_RE.fullmatch(new_layer_id("Lake Park 2"))
    assert new_layer_id("Lake Park 2").startswith("up-lake-park-2-")
    chinese = new_layer_id("滆湖公园")
    assert LAYER_ID_RE.fullmatch(chinese) and len(chinese) == len("up-") + 8
    assert LAYER_ID_RE.fullmatch(new_layer_id("x" * 200 + "!"))
    assert new_layer_id("a") != new_layer_id("a")


@pytest.mark.parametrize("bad", ["../x", "a/b", "UP-X", "ab", "x" * 65, "", "up_x", "up.x"])
def test_bad_layer_id_is_refused(store: LayerStore, parks: gpd.GeoDataFrame, bad: str) -> None:
    for call in (lambda: store.get(bad), lambda: store.read(bad),
                 lambda: create(store, parks, layer_id=bad),
                 lambda: replace(store, bad, parks), lambda: store.delete(bad, user="x")):
        with pytest.raises(StoreError) as err:
            call()
        assert not isinstance(err.value, LayerNotFound)
    if isinstance(store, GpkgStore):
        assert not (store.root / "manifest.json").exists()
        assert not (store.root.parent / "x").exists()
    assert store.list_layers(include_deleted=True) == []
    assert store.revision() == "0"


def test_record_is_json_and_round_trips(store: LayerStore, parks: gpd.GeoDataFrame) -> None:
    record = create(store, parks, title_en="")
    assert record_from_dict(json.loads(json.dumps(asdict(record)))) == record
    assert record.title("en") == "公园"  # falls back to the Chinese title
    assert record.title("zh-Hans") == "公园"
    assert record.current.links == (LINK,)
    with pytest.raises(StoreError):
        LinkRecord("p1", "d1", "", "guessed")


# -- the life of a layer


def test_create_list_read(store: LayerStore, parks: gpd.GeoDataFrame,
                          roads: gpd.GeoDataFrame) -> None:
    first = create(store, parks)
    second = create(store, roads, title_zh="道路", title_en="Roads", layer_id="roads")
    assert second.layer_id == "roads"
    assert [r.layer_id for r in store.list_layers()] == [first.layer_id, "roads"]
    info = first.current
    assert (info.version, info.feature_count, info.geometry_types) == (1, 3, ("Polygon",))
    assert info.bounds == pytest.approx((119.7, 31.4, 119.91, 31.61))
    assert info.file == data_file(store, first.layer_id, 1)
    assert [e.action for e in first.events] == ["create"]
    assert store.get(first.layer_id) == first
    assert_same(store.read(first.layer_id), parks)
    assert_same(store.read("roads", 1), roads)
    with pytest.raises(StoreError):
        create(store, parks, layer_id="roads")  # ids are unique


def test_unknown_layer_or_version(store: LayerStore, parks: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    with pytest.raises(LayerNotFound):
        store.get("nope")
    with pytest.raises(LayerNotFound):
        store.read("nope")
    with pytest.raises(LayerNotFound):
        store.read(layer_id, 2)


def test_replace_keeps_the_old_version(store: LayerStore, parks: gpd.GeoDataFrame,
                                       roads: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    old = store.get(layer_id).current
    old_data = version_data(store, old)
    record = replace(store, layer_id, roads)
    assert [v.version for v in record.versions] == [1, 2]
    assert record.current_version == 2 and record.current.created_by == "bob"
    assert record.current.original_name == "v2.geojson" and record.current.links == ()
    assert [e.action for e in record.events] == ["create", "replace"]
    assert_same(store.read(layer_id), roads)
    assert_same(store.read(layer_id, 1), parks)
    assert version_data(store, old) == old_data  # never modified
    assert record.current.file == data_file(store, layer_id, 2) != old.file


def test_update_links_shares_the_data_file(store: LayerStore, parks: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    link = LinkRecord("p2", "d-2023-04", "西太湖", "analyst")
    record = store.update_links(layer_id, [link], user="carol")
    assert record.current_version == 2
    assert record.current.links == (link,)
    assert record.version(1).links == (LINK,)
    assert record.current.file == record.version(1).file
    assert record.events[-1].action == "update" and record.events[-1].user == "carol"
    assert_same(store.read(layer_id), parks)


def test_delete_and_restore(store: LayerStore, parks: gpd.GeoDataFrame,
                            roads: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    create(store, roads, layer_id="roads")
    deleted = store.delete(layer_id, user="bob")
    assert deleted.deleted
    assert [r.layer_id for r in store.list_layers()] == ["roads"]
    assert [r.layer_id for r in store.list_layers(include_deleted=True)] == [layer_id, "roads"]
    assert store.get(layer_id).deleted
    assert_same(store.read(layer_id), parks)  # history stays readable
    with pytest.raises(StoreError):
        replace(store, layer_id, roads)
    with pytest.raises(StoreError):
        store.update_links(layer_id, [], user="bob")
    with pytest.raises(StoreError):
        store.revert(layer_id, 1, user="bob")
    # deleting a deleted layer is a no-op: no event, no new revision
    revision = store.revision()
    assert store.delete(layer_id, user="bob") == deleted
    assert store.revision() == revision
    restored = store.restore(layer_id, user="carol")
    assert not restored.deleted
    assert [e.action for e in restored.events] == ["create", "delete", "restore"]
    assert [r.layer_id for r in store.list_layers()] == [layer_id, "roads"]
    assert store.restore(layer_id, user="carol") == restored  # no-op too
    with pytest.raises(LayerNotFound):
        store.delete("nope", user="bob")


def test_revert_appends_a_copy(store: LayerStore, parks: gpd.GeoDataFrame,
                               roads: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    replace(store, layer_id, roads)
    record = store.revert(layer_id, 1, user="carol")
    assert [v.version for v in record.versions] == [1, 2, 3]
    assert record.current_version == 3
    v1, v3 = record.version(1), record.version(3)
    assert (v3.file, v3.sha256, v3.links, v3.original_name) == (
        v1.file, v1.sha256, v1.links, v1.original_name)
    assert v3.created_by == "carol" and v3.note == "reverted to v1"
    assert record.events[-1].action == "revert"
    assert_same(store.read(layer_id), parks)
    assert_same(store.read(layer_id, 2), roads)
    with pytest.raises(LayerNotFound):
        store.revert(layer_id, 9, user="carol")


def test_revision_changes_on_every_write(store: LayerStore, parks: gpd.GeoDataFrame,
                                         roads: gpd.GeoDataFrame) -> None:
    seen = [store.revision()]
    layer_id = create(store, parks).layer_id
    seen.append(store.revision())
    for write in (lambda: replace(store, layer_id, roads),
                  lambda: store.update_links(layer_id, [LINK], user="a"),
                  lambda: store.revert(layer_id, 1, user="a"),
                  lambda: store.delete(layer_id, user="a"),
                  lambda: store.restore(layer_id, user="a")):
        write()
        seen.append(store.revision())
    assert len(set(seen)) == len(seen) == 7
    # another instance (another process) writing is seen at once, though this one caches
    other = reopen(store)
    before = store.revision()
    assert not store.get(layer_id).deleted  # this instance has read (and cached) the layer
    other.delete(layer_id, user="b")
    assert store.revision() != before
    assert store.get(layer_id).deleted
    assert store.revision() == other.revision() == "7"
    if isinstance(store, GpkgStore):
        assert manifest(store.root)["revision"] == 7


def test_recent_manifest_is_reread_though_its_stat_looks_unchanged(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = gpkg_store
    """Coarse mtimes and reused inodes can hide a change; a recent manifest is not trusted."""
    monkeypatch.setattr(gpkg, "RACY_NS", 60 * 10**9)
    layer_id = create(store, parks, title_en="Layer A").layer_id
    path = store.root / "manifest.json"
    stamp = path.stat().st_mtime_ns
    assert store.get(layer_id).title_en == "Layer A"  # cached now
    text = path.read_text(encoding="utf-8").replace('"Layer A"', '"Layer B"')
    with open(path, "r+", encoding="utf-8") as fh:  # same inode, same size, same mtime
        fh.write(text)
    os.utime(path, ns=(stamp, stamp))
    assert store.get(layer_id).title_en == "Layer B"


def test_restart_sees_everything(store: LayerStore, parks: gpd.GeoDataFrame,
                                 roads: gpd.GeoDataFrame) -> None:
    layer_id = create(store, parks).layer_id
    replace(store, layer_id, roads)
    create(store, roads, layer_id="roads")
    store.delete("roads", user="a")
    again = reopen(store)
    assert again.list_layers(include_deleted=True) == store.list_layers(include_deleted=True)
    assert again.revision() == store.revision()
    assert_same(again.read(layer_id, 1), parks)
    assert_same(again.read(layer_id), roads)


def test_open_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.VAR_DIR.name == "var" or "LIANGHU_VAR" in os.environ
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "v"))
    store = open_store()
    assert isinstance(store, LayerStore)
    assert store.root == (tmp_path / "v").resolve()
    assert open_store(tmp_path / "w").root == (tmp_path / "w").resolve()
    assert not (tmp_path / "v").exists()  # nothing is created until the first write


def test_root_under_static_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    static = paths.PROJECT_ROOT / "static"
    with pytest.raises(StoreError):
        GpkgStore(static / "uploads")
    with pytest.raises(StoreError):
        GpkgStore(static)
    assert not (static / "uploads").exists()
    monkeypatch.setenv("LIANGHU_VAR", str(static / "var"))
    with pytest.raises(StoreError):
        open_store()
    # a symlink does not get round it
    (tmp_path / "link").symlink_to(static, target_is_directory=True)
    with pytest.raises(StoreError):
        GpkgStore(tmp_path / "link" / "var")
    GpkgStore(paths.PROJECT_ROOT / "static-not")  # a name that merely starts alike is fine


# -- safety


CHILD = """
import json, sys
import geopandas as gpd
from shapely.geometry import Point
from store_helpers import open_spec
store = open_spec(json.loads(sys.argv[1]))
gdf = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(120, 31.5)], crs="EPSG:4326")
for i in range(3):
    store.create(gdf, title_zh="", title_en=f"{sys.argv[2]} {i}", kind="k", color="#000",
                 status="s", source="s", original_name="a.csv", sha256="", conversions=(),
                 links=(), user=sys.argv[2])
"""


def test_concurrent_creates_in_processes(store: LayerStore) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)])}
    where = json.dumps(spec(store))
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, where, f"p{i}"], env=env,
                              stderr=subprocess.PIPE, text=True) for i in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert store.revision() == "9"
    assert sorted(r.title_en for r in store.list_layers()) == [
        f"p{i} {j}" for i in range(3) for j in range(3)]
    if isinstance(store, GpkgStore):
        assert manifest(store.root)["revision"] == 9


def test_crash_before_the_manifest_leaves_the_store_intact(
    gpkg_store: GpkgStore, parks: gpd.GeoDataFrame, roads: gpd.GeoDataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = gpkg_store
    layer_id = create(store, parks).layer_id
    before = (store.root / "manifest.json").read_bytes()
    revision = store.revision()
    real_replace = os.replace

    def crash(src, dst):
        if Path(dst).name == "manifest.json":
            raise OSError("simulated crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="simulated crash"):
        replace(store, layer_id, roads)
    with pytest.raises(StoreError, match="simulated crash"):
        create(store, roads, layer_id="roads")
    monkeypatch.undo()

    assert (store.root / "manifest.json").read_bytes() == before
    again = GpkgStore(store.root)
    assert again.revision() == revision
    assert [r.layer_id for r in again.list_layers(include_deleted=True)] == [layer_id]
    assert again.get(layer_id).current_version == 1
    assert_same(again.read(layer_id), parks)
    # the data file went first: an orphan, referenced by nothing; no temp files left behind
    orphan = store.root / "layers" / layer_id / "v0002.gpkg"
    assert orphan.exists() and (store.root / "layers" / "roads" / "v0001.gpkg").exists()
    assert not list(store.root.rglob("*.tmp*"))
    # the next write does not overwrite the orphan
    orphan_bytes = orphan.read_bytes()
    record = replace(again, layer_id, roads)
    assert record.current.file == f"layers/{layer_id}/v0002-1.gpkg"
    assert orphan.read_bytes() == orphan_bytes
    assert_same(again.read(layer_id), roads)


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": 2, "revision": 1, "layers": []}',
                                  '{"format": 1, "revision": 1, "layers": [{"layer_id": "x"}]}'])
def test_corrupt_manifest_is_an_error(gpkg_store: GpkgStore, parks: gpd.GeoDataFrame,
                                      text: str) -> None:
    store = gpkg_store
    store.root.mkdir(parents=True)
    (store.root / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match=r"manifest\.json"):
        store.list_layers()
    with pytest.raises(StoreError, match=r"manifest\.json"):
        store.revision()
    with pytest.raises(StoreError, match=r"manifest\.json"):
        create(store, parks)
    assert (store.root / "manifest.json").read_text(encoding="utf-8") == text  # not overwritten
    assert not (store.root / "layers").exists()


def test_missing_manifest_is_an_empty_store(store: LayerStore) -> None:
    assert store.list_layers(include_deleted=True) == []
    assert store.revision() == "0"


def test_refuses_frames_it_cannot_store(store: LayerStore, parks: gpd.GeoDataFrame) -> None:
    with pytest.raises(StoreError):
        create(store, parks.set_crs(None, allow_override=True))
    with pytest.raises(StoreError):
        create(store, parks.assign(geometry=None))
    assert store.list_layers() == []


# -- attribute and geometry round trips


def test_read_rows_is_those_rows_of_read(store: LayerStore, roads: gpd.GeoDataFrame) -> None:
    """A click on one of a million parcels reads its row alone (catalog.feature_attributes):
    the rows are the ones :meth:`read` has at those positions, in every version, also after a
    revert, and with the reserved and Chinese column names the store renames."""
    many = gpd.GeoDataFrame(
        {"fid": [f"f{i}" for i in range(12)], "名称": [f"地块{i}" for i in range(12)],
         "面积": [i / 4 for i in range(12)], "maybe": [None if i % 3 else i for i in range(12)]},
        geometry=[Point(119.9 + i / 1000, 31.6) for i in range(12)], crs="EPSG:4326")
    layer_id = create(store, many).layer_id
    replace(store, layer_id, roads)
    store.revert(layer_id, 1, user="carol")
    for version, frame in ((1, many), (2, roads), (3, many)):
        whole = store.read(layer_id, version)
        for rows in ([0], [len(frame) - 1], [7, 2, 7, 11][: len(frame)] if len(frame) > 11
                     else [1, 0]):
            got = store.read_rows(layer_id, version, rows)
            want = whole.iloc[sorted(set(rows))]
            assert list(got.index) == sorted(set(rows))
            assert list(got.columns) == list(whole.columns)
            pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                          pd.DataFrame(want.drop(columns="geometry")))
            assert all(a.equals_exact(b, 1e-9) for a, b in zip(got.geometry, want.geometry,
                                                               strict=True))
    for bad in ([12], [-1]):
        with pytest.raises(StoreError, match=f"{layer_id} v1.*holds 12"):
            store.read_rows(layer_id, 1, bad)
    with pytest.raises(LayerNotFound):
        store.read_rows(layer_id, 9, [0])


def test_read_columns_is_those_columns_of_read(store: LayerStore) -> None:
    """The catalogue reads a big layer's names, not every attribute: the columns asked for
    that the layer has (reserved and Chinese names too), in the layer's order, and its
    geometry; names it does not have are no error."""
    gdf = gpd.GeoDataFrame(
        {"fid": ["a-1", "a-2"], "名称": ["滆湖", "西太湖"], "note": ["长", None],
         "面积（公顷）": [1.5, 2.0], "n": pd.array([1, None], dtype="Int64")},
        geometry=[Point(119.9, 31.6), Point(119.8, 31.5)], crs="EPSG:4326")
    layer_id = create(store, gdf).layer_id
    whole = store.read(layer_id)
    for columns in (["名称", "fid"], ["n", "nowhere", "面积（公顷）"], [], ["nowhere"]):
        got = store.read(layer_id, columns=columns)
        keep = [c for c in whole.columns if c in columns or c == "geometry"]
        assert list(got.columns) == keep, columns
        assert_same(got, whole[keep])
    assert_same(store.read(layer_id, 1, columns=list(whole.columns)), whole)


def test_fid_and_chinese_columns_round_trip(store: LayerStore) -> None:
    gdf = gpd.GeoDataFrame(
        {"fid": ["a-1", "a-2"], "FID": [10, 20], "名称": ["滆湖", "西太湖"],
         "面积（公顷）": [1.5, 2.0], "geom": [1, 2],
         "Name": ["x", "y"], "name": ["p", "q"], "fid_1": [7, 8]},
        geometry=[Point(119.9, 31.6), Point(119.8, 31.5)], crs="EPSG:4326",
    )
    layer_id = create(store, gdf).layer_id
    assert_same(store.read(layer_id), gdf)
    if isinstance(store, GpkgStore):
        # in the file, the names GeoPackage reserves are renamed (the mapping is in the file)
        path = store.root / store.get(layer_id).current.file
        fields = list(pyogrio.read_info(path, layer="features")["fields"])
        assert "名称" in fields and "fid" not in [f.casefold() for f in fields]
    else:  # in the database, the properties keep their own names (for SQL and QGIS users)
        props = sql(store, "SELECT props FROM {s}.features WHERE file = %s ORDER BY fid",
                    (store.get(layer_id).current.file,))[0][0]
        assert props == {"fid": "a-1", "FID": 10, "名称": "滆湖", "面积（公顷）": 1.5, "geom": 1,
                         "Name": "x", "name": "p", "fid_1": 7}


def test_mixed_geometry_round_trips(store: LayerStore) -> None:
    gdf = gpd.GeoDataFrame(
        {"kind": ["site", "zone", "road"]},
        geometry=[Point(119.9, 31.6), Polygon([(119.8, 31.5), (119.9, 31.5), (119.9, 31.6)]),
                  LineString([(119.7, 31.4), (119.75, 31.45)])],
        crs="EPSG:4326",
    )
    record = create(store, gdf)
    assert record.current.geometry_types == ("LineString", "Point", "Polygon")
    assert_same(store.read(record.layer_id), gdf)
    if isinstance(store, GpkgStore):
        info = pyogrio.read_info(store.root / record.current.file, layer="features")
        assert info["geometry_type"] == "Unknown"
    else:  # one PostGIS geometry column holds them all, in EPSG:4326
        rows = sql(store, "SELECT ST_GeometryType(geom), ST_SRID(geom) FROM {s}.features "
                          "WHERE file = %s ORDER BY fid", (record.current.file,))
        assert rows == [("ST_Point", 4326), ("ST_Polygon", 4326), ("ST_LineString", 4326)]


def test_values_round_trip(store: LayerStore) -> None:
    when = pd.to_datetime(["2024-01-01 08:00", None, "2024-03-01 10:30:15.123"], format="ISO8601")
    gdf = gpd.GeoDataFrame(
        {
            "int": [1, 2, 3],
            "float": [1.5, None, -2.25],
            "bool": [True, False, True],
            "maybe": [True, None, False],  # object column of bools and None
            "str": ["a", None, "丙"],
            "Int64": pd.array([1, None, 3], dtype="Int64"),
            "naive": when,
            "shanghai": when.tz_localize("Asia/Shanghai"),
            "category": pd.Categorical(["x", "y", "x"]),
        },
        geometry=[Point(119.9, 31.6), Point(119.8, 31.5), Point(119.7, 31.4)],
        crs="EPSG:4326",
        index=[10, 20, 30],
    )
    layer_id = create(store, gdf).layer_id
    back = store.read(layer_id)
    assert_same(back, gdf)
    assert back["maybe"].tolist() == [True, None, False]


def test_lists_and_mixed_values_become_text(store: LayerStore) -> None:
    gdf = gpd.GeoDataFrame(
        {"tags": [["湖", 1], {"a": 1}, None], "mixed": ["a", 2, None]},
        geometry=[Point(119.9, 31.6), Point(119.8, 31.5), Point(119.7, 31.4)],
        crs="EPSG:4326",
    )
    back = store.read(create(store, gdf).layer_id)
    assert back["tags"].tolist() == ['["湖", 1]', '{"a": 1}', None]
    assert json.loads(back["tags"][0]) == ["湖", 1]
    assert back["mixed"].tolist() == ["a", "2", None]


def test_other_crs_and_geometry_name(store: LayerStore, parks: gpd.GeoDataFrame) -> None:
    projected = parks.rename_geometry("shape").to_crs("EPSG:32650")
    back = store.read(create(store, projected).layer_id)
    assert back.geometry.name == "shape"
    assert list(back.columns) == list(projected.columns)
    for a, e in zip(back.geometry, parks.geometry, strict=True):
        assert a.equals_exact(e, tolerance=1e-6)
