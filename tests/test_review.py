"""The working paper and the review that survives re-runs: stable finding ids, workpaper.xlsx as a
working paper (numbers, cover, 复核结论 column), the round trip (dismiss in workpaper.xlsx, feed it
back: the finding shows as 排除 and the exit code changes) for `audit` and `batch`, stale entries,
and the delivered notebook running again where it was delivered."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

from juesuan.cli import main
from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.present import review as reviews

from conftest import SEED

UNIT = "yangquan-bigdata-center-2024"


def findings_json(folder: Path) -> dict:
    return json.loads((folder / "findings.json").read_text(encoding="utf-8"))


def dismiss_errors(workpaper: Path, target: Path, note: str = "已与单位核实，评分规则笔误") -> list[str]:
    """Mark every error finding 排除 in the workpaper's findings sheet, as an auditor would in Excel."""
    book = load_workbook(workpaper)
    sheet = book["发现"]
    header = [c.value for c in sheet[1]]
    dismissed = []
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("级别")].value == "错误":
            row[header.index("复核结论")].value = "排除"
            row[header.index("复核意见")].value = note
            dismissed.append(row[header.index("编号")].value)
    book.save(target)
    return dismissed


# --- stable ids ------------------------------------------------------------------------------------

def test_finding_ids_are_stable_and_follow_the_figures(tmp_path, seed_text):
    first = audit(read_document(SEED)).to_json_dict()["findings"]
    again = audit(read_document(SEED)).to_json_dict()["findings"]
    assert [f["id"] for f in first] == [f["id"] for f in again]
    assert len({f["id"] for f in first}) == len(first)  # unique within the document
    # Lines shifted (a blank line at the top): the same findings keep their ids.
    shifted = tmp_path / "shifted.txt"
    shifted.write_text("\n\n" + seed_text, encoding="utf-8")
    moved = audit(read_document(shifted)).to_json_dict()["findings"]
    assert sorted(f["id"] for f in moved) == sorted(f["id"] for f in first)
    # A different figure is a different finding.
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("产出指标50分", "产出指标60分"), encoding="utf-8")
    ids = {f["rule"]: f["id"] for f in audit(read_document(changed)).to_json_dict()["findings"]
           if f["rule"] == "A.weights_consistent"}
    original = {f["rule"]: f["id"] for f in first if f["rule"] == "A.weights_consistent"}
    assert ids and ids != original


# --- audit: working paper and round trip -----------------------------------------------------------

@pytest.fixture(scope="module")
def audit_round_trip(tmp_path_factory):
    """Run 1 plain; dismiss the error in workpaper.xlsx; run 2 with --review; run 3 plain in the same
    --out (the review carries forward)."""
    base = tmp_path_factory.mktemp("review")
    out = base / "out"
    first = main(["audit", str(SEED), "--out", str(out)])
    folder = out / UNIT
    shutil.copy(folder / "workpaper.xlsx", base / "first.xlsx")
    first_json = findings_json(folder)
    dismissed = dismiss_errors(folder / "workpaper.xlsx", base / "reviewed.xlsx")
    second = main(["audit", str(SEED), "--out", str(out), "--review", str(base / "reviewed.xlsx")])
    second_json = findings_json(folder)
    shutil.copy(folder / "workpaper.xlsx", base / "second.xlsx")
    third = main(["audit", str(SEED), "--out", str(out)])
    return {"codes": (first, second, third), "first": first_json, "second": second_json,
            "third": findings_json(folder), "dismissed": dismissed, "base": base, "folder": folder}


def test_audit_round_trip_dismissal_changes_the_exit_code(audit_round_trip):
    r = audit_round_trip
    assert r["codes"] == (1, 0, 0)
    assert r["dismissed"] and r["first"]["counts"]["error"] >= 1
    by_id = {f["id"]: f for f in r["second"]["findings"]}
    for fid in r["dismissed"]:
        assert by_id[fid]["review"] == {"status": "排除", "note": "已与单位核实，评分规则笔误"}  # still listed
    assert r["second"]["counts"]["error"] == 0
    assert r["second"]["review"]["by_status"]["排除"] == len(r["dismissed"])
    report = (r["folder"] / "report.html").read_text(encoding="utf-8")
    assert "排除" in report  # the status reaches the reader
    # ... and the dismissed finding leaves the conclusion's counts (it stays listed below)
    assert "未发现错误或警告" in report and f"复核排除 {len(r['dismissed'])} 处" in report
    audit_page = (r["folder"] / "audit.html").read_text(encoding="utf-8")
    assert "复核排除" in audit_page and "已与单位核实，评分规则笔误" in audit_page
    # Re-run with no --review: the workpaper already in the output folder keeps the review.
    assert {f["id"]: f["review"] for f in r["third"]["findings"]} == {f["id"]: f["review"] for f in r["second"]["findings"]}


def test_reviewed_workpaper_shows_the_review(audit_round_trip):
    book = load_workbook(audit_round_trip["base"] / "second.xlsx")
    sheet = book["发现"]
    header = [c.value for c in sheet[1]]
    statuses = {row[header.index("编号")]: row[header.index("复核结论")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert all(statuses[fid] == "排除" for fid in audit_round_trip["dismissed"])
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True)}
    assert "排除 1 条" in cover["复核情况"]


def test_workpaper_is_a_working_paper(audit_round_trip):
    book = load_workbook(audit_round_trip["base"] / "first.xlsx")
    assert book.sheetnames[0] == "封面"
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True)}
    assert cover["被审计单位"] == "阳泉市大数据管理服务中心" and cover["年度"] == "2024"
    assert cover["来源文件"] == SEED.name and len(cover["来源文件 sha256"]) == 64
    for blank in ("索引号", "编制人", "复核人", "复核日期"):
        assert blank in cover and cover[blank] is None
    assert cover["juesuan 版本"]
    findings = book["发现"]
    header = [c.value for c in findings[1]]
    assert header[0] == "编号" and {"复核结论", "复核意见"} <= set(header)
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref
    assert findings.column_dimensions["D"].width > 10
    assert all(c.font.bold for c in findings[1])
    # Amounts are numbers an auditor can sum, with a thousands format.
    table = book["公开01表"]
    header = [c.value for c in table[1]]
    amounts = [row[header.index("金额")] for row in table.iter_rows(min_row=2)]
    numbers = [c for c in amounts if c.value is not None]
    assert numbers and all(isinstance(c.value, (int, float)) and c.number_format == "#,##0.00" for c in numbers)
    assert 365.65 in [c.value for c in numbers]
    # The evidence's 应为/实为 are numbers too where they are plain figures.
    evidence = book["核对过程"]
    header = [c.value for c in evidence[1]]
    assert any(isinstance(row[header.index("应为")], float) for row in evidence.iter_rows(min_row=2, values_only=True))
    # No sheet stands empty: a table without rows says so.
    for sheet in book.worksheets:
        assert sheet.max_row >= 2, sheet.title


def test_stale_review_entry_is_listed_and_beside_file_is_picked_up(tmp_path, seed_text):
    """A `<stem>.review.csv` beside the input applies by itself; an entry whose finding is gone is stale."""
    source = tmp_path / "unit.txt"
    source.write_text(seed_text, encoding="utf-8")
    error_id = next(f["id"] for f in audit(read_document(source)).to_json_dict()["findings"] if f["severity"] == "error")
    with open(tmp_path / "unit.review.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["编号", "复核结论", "复核意见"])
        writer.writerow([error_id, "排除", "笔误"])
        writer.writerow(["F-0000000000", "确认", "上次的发现"])
        writer.writerow(["F-1111111111", "通过吧", ""])  # not a status: kept as 待定, reported
    assert main(["audit", str(source), "--out", str(tmp_path / "out")]) == 0
    data = findings_json(tmp_path / "out" / "unit")
    assert [e["id"] for e in data["review"]["stale"]] == ["F-0000000000", "F-1111111111"]
    assert data["review"]["stale"][1]["status"] == "待定" and data["review"]["problems"]
    assert data["review"]["sources"] == ["unit.review.csv"]
    page = (tmp_path / "out" / "unit" / "audit.html").read_text(encoding="utf-8")  # report.html: findings.json's review.stale
    assert "失效的复核记录" in page and "F-0000000000" in page
    report = (tmp_path / "out" / "unit" / "report.html").read_text(encoding="utf-8")
    assert "失效的复核记录 2 条" in report and "F-1111111111" in report
    book = load_workbook(tmp_path / "out" / "unit" / "workpaper.xlsx")
    stale = [row[0] for row in book["失效的复核记录"].iter_rows(min_row=2, values_only=True)]
    assert stale == ["F-0000000000", "F-1111111111"]


def test_missing_review_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["audit", str(SEED), "--out", str(tmp_path), "--review", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert "复核文件不存在" in err and "Traceback" not in err


# --- the delivered notebook -------------------------------------------------------------------------

def test_delivered_notebook_shows_its_parameters_and_runs_again(audit_round_trip, tmp_path):
    folder = audit_round_trip["folder"]
    nb = nbformat.read(str(folder / "audit.ipynb"), as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "juesuan"
    assert nb.metadata["kernelspec"]["display_name"] == "juesuan (Python)"
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'output_dir = "."' in injected[0].source
    assert str(SEED) in injected[0].source and ".partial" not in injected[0].source
    page = (folder / "audit.html").read_text(encoding="utf-8")
    assert SEED.name in page  # the real source, not the template's default
    assert "../outputs/notebook" not in page
    # Moved elsewhere and run top to bottom (Run All), in its own folder as Lab would.
    moved = tmp_path / "delivered"
    shutil.copytree(folder, moved)
    (moved / "findings.json").unlink()
    from nbclient import NotebookClient

    from juesuan.run.kernels import default_kernel, ipc_kernel_manager

    client = NotebookClient(nbformat.read(str(moved / "audit.ipynb"), as_version=4), timeout=600,
                            kernel_name=default_kernel(), kernel_manager_class=ipc_kernel_manager(),
                            resources={"metadata": {"path": str(moved)}})
    client.execute()
    again = findings_json(moved)
    assert [f["id"] for f in again["findings"]] == [f["id"] for f in audit_round_trip["third"]["findings"]]
    assert again["counts"] == audit_round_trip["third"]["counts"]  # the review carried in ./workpaper.xlsx


def test_no_tcp_warning_reaches_the_output(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "juesuan.cli", "audit", str(SEED), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr
    assert "TCP" not in run.stderr + run.stdout and "WARNING" not in run.stderr


# --- batch round trip ------------------------------------------------------------------------------

def test_batch_round_trip_with_review_dir(tmp_path, seed_text):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "unit-a.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(inputs), "--out", str(out), "--workers", "1", "--quiet", "--no-summary"]) == 1
    reviewed = tmp_path / "reviewed"
    (reviewed / "unit-a").mkdir(parents=True)
    dismissed = dismiss_errors(out / "unit-a" / "workpaper.xlsx", reviewed / "unit-a" / "workpaper.xlsx")
    assert dismissed
    # --resume must not skip a unit whose review changed.
    code = main(["batch", str(inputs), "--out", str(out), "--workers", "1", "--quiet", "--resume",
                 "--review-dir", str(reviewed)])
    assert code == 0
    batch = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    unit = batch["units"][0]
    assert unit["status"] == "ok" and unit["errors"] == 0 and unit["dismissed"] == len(dismissed)
    assert batch["review"]["排除"] == len(dismissed)
    data = findings_json(out / "unit-a")
    assert {f["id"]: f["review"]["status"] for f in data["findings"] if f["id"] in dismissed} == \
        {fid: "排除" for fid in dismissed}
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["编号"]: r["复核结论"] for r in rows if r["编号"] in dismissed} == {fid: "排除" for fid in dismissed}
    assert {r["级别"] for r in rows} <= {"错误", "警告", "提示"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "排除1" in index and "排除 1 条" in index
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "复核情况" in summary and "排除" in summary
    # Unchanged review: resume skips it now.
    again = main(["batch", str(inputs), "--out", str(out), "--workers", "1", "--quiet", "--resume", "--no-summary",
                  "--review-dir", str(reviewed)])
    assert again == 0
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["units"][0]["status"] == "skipped"


def test_review_reader_accepts_csv_and_english_headers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,status,note\nF-1,dismissed,x\nF-2,,only a note\n,确认,\n", encoding="utf-8")
    review = reviews.read_review(path)
    assert review.status("F-1") == "排除" and review.status("F-2") == "待定" and review.status("F-3") == "未复核"
    assert len(review.entries) == 2
