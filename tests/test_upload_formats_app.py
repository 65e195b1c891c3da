"""AppTest (issue 16, the formats analysts send): a workbook with two sheets of points asks for
the sheet, is ready once one is chosen and saves that sheet's points; the report of a GBK CSV in
degrees-minutes-seconds says what was converted, in the UI language."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.store import open_store

CORPUS = Path(__file__).parent / "corpus" / "upload"


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    return tmp_path / "var"


def _upload(rel: str, lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/upload.py").run()
    path = CORPUS / rel
    at.file_uploader(key="upload_files").set_value(
        [(path.name, path.read_bytes(), "application/octet-stream")]).run()
    assert not at.exception
    return at


def _report(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "lh-report" in h.proto.body)


def test_workbook_with_two_sheets_asks_for_one_and_saves_it(store_dir):
    at = _upload("excel/two_point_sheets.xlsx")
    assert "一期" in _report(at) and "二期" in _report(at)
    assert not [s for s in at.success if "可以保存" in s.value]
    at.selectbox(key="f0_layer").set_value("二期").run()
    [ready] = [s.value for s in at.success if "可以保存" in s.value]
    assert "3 个要素" in ready
    at.text_input(key="upload_user").input("测试员").run()
    at.text_input(key="f0_source").input("规划科").run()
    at.button(key="f0_save").click().run()
    assert not at.exception
    store = open_store(store_dir)
    [record] = store.list_layers()
    assert sorted(store.read(record.layer_id)["名称"]) == sorted(["湖塘老街", "嘉泽花木基地",
                                                               "前黄枇杷园"])


@pytest.mark.parametrize(("lang", "said"), [("zh-Hans", "度分秒"), ("zh-Hant", "度分秒"),
                                            ("en", "degrees-minutes-seconds")])
def test_dms_csv_report_says_what_was_converted(lang: str, said: str):
    at = _upload("csv/dms_gbk_chinese.csv", lang)
    report = _report(at)
    assert said in report and "GB18030" in report
    assert len(at.success) == 1
