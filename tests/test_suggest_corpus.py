"""Upload link suggestions scored against a hand-written corpus (tests/suggest_corpus.py)."""

import geopandas as gpd
import pytest
import shapely
from suggest_corpus import CORPUS, expected

from lianghu_map.catalog import builtin_catalog
from lianghu_map.meeting.suggest import suggest_links
from lianghu_map.meeting.text import to_simplified

CAT = builtin_catalog()
FIVE = ("產業園區內道路", "安全區應急通道", "無錫市濱湖區政府", "常州市域鐵路S1線",
        "核心區域變電站")


def _suggested() -> dict[str, set[str]]:
    names = [name for name, _ in CORPUS]
    gdf = gpd.GeoDataFrame({"name": names, "source_id": [str(i) for i in range(len(names))],
                            "source_index": list(range(len(names)))},
                           geometry=[shapely.Point(119.9, 31.6)] * len(names), crs=4326)
    out: dict[str, set[str]] = {str(i): set() for i in range(len(names))}
    for s in suggest_links(gdf, CAT.meeting, CAT.gazetteer, CAT.links):
        out[s.source_id].add(s.directive_id)
    return {names[int(k)]: v for k, v in out.items()}


@pytest.fixture(scope="module")
def suggested():
    return _suggested()


def test_corpus_is_large_and_covers_both_scripts():
    names = [name for name, _ in CORPUS]
    assert len(names) == len(set(names)) >= 150
    hant = [n for n in names if to_simplified(n) != n]
    assert len(hant) >= 40 and len(names) - len(hant) >= 100
    assert sum(1 for _, e in CORPUS if not e) >= 60  # negatives


def test_precision_and_recall(suggested, record_property):
    tp = fp = fn = 0
    wrong, missed = [], []
    for name, entry in CORPUS:
        want, got = expected(entry), suggested[name]
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if got - want:
            wrong.append((name, sorted(got - want)))
        if want - got:
            missed.append((name, sorted(want - got)))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    line = (f"link suggestions over {len(CORPUS)} names: precision {precision:.3f} "
            f"(tp {tp}, fp {fp}), recall {recall:.3f} (fn {fn})")
    print(line)
    record_property("suggestion_precision", round(precision, 4))
    record_property("suggestion_recall", round(recall, 4))
    assert precision >= 0.95, (line, wrong)
    assert recall >= 0.9, (line, missed)


@pytest.mark.parametrize("name", FIVE)
def test_issue_15_names_get_no_wrong_suggestion(suggested, name):
    assert suggested[name] == set()
    simplified = dict(CORPUS)
    assert simplified[name] == ()
