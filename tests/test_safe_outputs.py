"""Safe outputs (issue 13 item 1): document text that looks like a formula is written as text in every
xlsx and csv; characters XML cannot carry never break a writer; bidi controls never reach file names.
Checked by opening the xlsx with openpyxl and reading the CSV back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from juesuan.core.safe import clean_text, csv_cell, defang_urls, is_formula_like, safe_filename
from juesuan.run.batch import run_batch

from conftest import SEED

NAME = "阳泉市大数据管理服务中心\n\n2024年度单位决算公开"
SENTENCE = "2024年度收入总计365.65万元，支出总计365.65万元。与上年相比"
EVALUATED = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text,formula", [
    ("=1+1", True), ("＝HYPERLINK(\"x\")", True), ("\t=1", True), ("\r=1", True), (" =1", True),
    ("+86 10 1234", True), ("-1+2", True), ("@SUM(A1)", True), ("－2+3", True),
    ("-2961.38", False), ("+5%", False), ("1,234.50", False), ("阳泉市", False), ("", False), ("a=b", False),
])
def test_formula_like(text, formula):
    assert is_formula_like(text) is formula
    assert (csv_cell(text) != clean_text(text)) is formula


@pytest.mark.parametrize("text, shown", [
    ("见 https://example.cn/x 与 HTTP://a.b", "见 https[:]//example.cn/x 与 HTTP[:]//a.b"),
    ('<img src="http://tracker/p.png">', '<img src="http[:]//tracker/p.png">'),
    ("data:image/png;base64,AAAA ftp://x 无链接", "data:image/png;base64,AAAA ftp://x 无链接"),
])
def test_pages_reference_no_web_address(text, shown):
    assert defang_urls(text) == shown


def test_safe_filename():
    assert safe_filename("report\u202egpj.exe") == "reportgpj.exe"  # no RLO
    assert safe_filename("a\x07b\u2066c") == "a_bc"
    long = safe_filename("财" * 100, max_bytes=200)
    assert len(long.encode("utf-8")) <= 200 and long == "财" * 66
    assert safe_filename("../..") == "unit" and "/" not in safe_filename("a/b")


def _hostile_inputs(folder: Path, seed_text: str) -> None:
    folder.mkdir()
    formula_name = '=HYPERLINK("http://evil.example/x","点击")'
    text = seed_text.replace(NAME, f"{formula_name}\n\n2024年度单位决算公开", 1)
    text = text.replace(SENTENCE, "＝1+1" + SENTENCE, 1)
    # A control character in a table header (08's 项目 column).
    text = text.replace("项目\t\t本年支出", "项\x07目\t\t本年支出", 1)
    (folder / "=cmd|'calc'!A1\u202eexe.txt").write_text(text, encoding="utf-8")
    (folder / "+plain.txt").write_text(seed_text.replace(SENTENCE, "@SUM(A1:A9)" + SENTENCE, 1), encoding="utf-8")
    (folder / "-broken\x07.txt").write_text("这不是决算公开文件\x07=1+1", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory, ):
    base = tmp_path_factory.mktemp("hostile")
    _hostile_inputs(base / "in", SEED.read_text(encoding="utf-8"))
    out = base / "out"
    report = run_batch([str(base / "in")], out, workers=2, show_progress=False)
    return out, report


def _assert_no_formula(path: Path) -> int:
    """No formula cell; every text cell that a spreadsheet could evaluate is marked text. Returns how
    many such cells were seen (so the test knows the hostile text got there)."""
    book = load_workbook(path)
    risky = 0
    for sheet in book.worksheets:
        assert not any(ch in sheet.title for ch in "\x07\u202e")
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert "\x07" not in cell.value
                    if cell.value[:1] in EVALUATED or is_formula_like(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                        risky += 1
    return risky


def test_batch_survives_and_writes_everything(hostile_batch):
    out, report = hostile_batch
    statuses = sorted(r.status for r in report.results)
    assert statuses == ["failed", "ok", "ok"]
    for name in ("index.html", "summary.html", "batch.json", "findings.csv", "findings.xlsx"):
        assert (out / name).stat().st_size > 0, name
    for folder in out.iterdir():
        assert "\u202e" not in folder.name and "\x07" not in folder.name
    json.loads((out / "batch.json").read_text(encoding="utf-8"))
    for page in ("index.html", "summary.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "\x07" not in text and "\u202e" not in text


def test_xlsx_has_no_live_formula(hostile_batch):
    out, report = hostile_batch
    assert _assert_no_formula(out / "findings.xlsx") >= 2  # the =cmd folder and the =HYPERLINK name at least
    workpapers = [out / r.unit / "workpaper.xlsx" for r in report.results if r.status == "ok"]
    assert len(workpapers) == 2
    assert sum(_assert_no_formula(p) for p in workpapers) >= 3  # name, ＝ sentence, @ sentence
    # The control character in the header did not sink the workpaper; the header is still there.
    hostile = next(p for p in workpapers if p.parent.name.startswith("=cmd"))
    sheet = load_workbook(hostile)["公开08表"]
    assert any("\ufffd" in str(c.value) or c.value == "项目" for c in sheet[1])


def test_csv_has_no_evaluated_cell(hostile_batch):
    out, _ = hostile_batch
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) > 1
    seen_hostile = 0
    for row in rows:
        for value in row:
            assert "\x07" not in value
            if value[:1] in EVALUATED:
                assert float(value.replace(",", "").rstrip("%")) is not None  # only plain numbers may start so
            if value.startswith("'="):
                seen_hostile += 1
    assert seen_hostile >= 2  # the unit folder and the unit name
    table_column = rows[0].index("表")
    assert all(not r[table_column].isdigit() for r in rows[1:])  # "公开06表", never 6
