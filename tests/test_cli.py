"""`juesuan check` and `juesuan rules`: JSON shape, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import SEED


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_check_json_shape_and_exit_code():
    proc = run("check", str(SEED), "--format", "json")
    assert proc.returncode == 1  # the seed has one real error-level defect
    data = json.loads(proc.stdout)
    assert data["unit"] == "阳泉市大数据管理服务中心" and data["year"] == 2024 and data["source"] == str(SEED)
    assert len(data["ledger"]) >= 40
    assert {e["status"] for e in data["ledger"]} <= {"pass", "fail", "not_applicable", "could_not_check"}
    for f in data["findings"]:
        assert set(f) == {"id", "rule", "severity", "message", "expected", "actual", "difference", "location"}
        assert re.fullmatch(r"F-[0-9a-f]{10}(-\d+)?", f["id"])
        assert {"table", "row", "column", "page", "quote"} <= set(f["location"])
    notes = [f for f in data["findings"] if f["severity"] == "note"]
    assert len(notes) >= 3


def test_check_exit_0_without_errors(tmp_path, seed_text):
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(seed_text.replace("产出指标 (30分)", "产出指标 (50分)"), encoding="utf-8")
    proc = run("check", str(fixed))
    assert proc.returncode == 0, proc.stdout
    assert "错误 0" in proc.stdout


def test_unreadable_input_exits_2_with_one_line(tmp_path):
    for name, content in (("missing.txt", None), ("empty.txt", b""), ("noise.txt", b"\x00\x01\x02" * 100),
                          ("slides.pptx", b"PK")):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        proc = run("check", str(path))
        assert proc.returncode == 2, name
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and name in proc.stderr


def test_budget_document_is_refused(tmp_path, seed_text):
    path = tmp_path / "budget.txt"
    path.write_text(seed_text.replace("2024年度单位决算公开", "2025年度单位预算公开", 1), encoding="utf-8")
    proc = run("check", str(path))
    assert proc.returncode == 2 and "预算" in proc.stderr


def test_rules_lists_every_rule():
    proc = run("rules", "--format", "json")
    rules = json.loads(proc.stdout)
    assert proc.returncode == 0 and len(rules) >= 40
    assert len({r["rule"] for r in rules}) == len(rules)
