"""`juesuan batch`: failures isolated, outputs complete, resumable after SIGKILL, and the dask path."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juesuan.run.batch import discover, run_batch
from juesuan.run.audit import MANIFEST, OUTPUT_FILES

from conftest import SEED


def make_corpus(folder: Path, seed_text: str, good: int = 3) -> dict[str, str]:
    """Good units, one faulty unit, and broken files; returns the expected status per unit folder."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for i in range(good):
        (folder / f"good-{i}.txt").write_text(seed_text, encoding="utf-8")
        expected[f"good-{i}"] = "ok"
    (folder / "faulty.txt").write_text(seed_text.replace("基本工资86.11万元", "基本工资68.11万元"), encoding="utf-8")
    expected["faulty"] = "ok"
    (folder / "random.pdf").write_bytes(os.urandom(2048))
    expected["random"] = "failed"
    (folder / "empty.txt").write_bytes(b"")
    expected["empty"] = "failed"
    (folder / "budget.txt").write_text(seed_text.replace("2024年度单位决算公开", "2025年度单位预算公开", 1), encoding="utf-8")
    expected["budget"] = "failed"
    return expected


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    expected = make_corpus(folder, SEED.read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("batch")
    report = run_batch([str(folder), str(folder / "no-such-file.pdf")], out, workers=2, show_progress=False)
    return expected, out, report


def test_every_unit_ends_with_a_status_and_failures_are_isolated(corpus_run):
    expected, out, report = corpus_run
    statuses = {r.unit: r.status for r in report.results}
    assert {k: statuses[k] for k in expected} == expected
    assert statuses["no-such-file"] == "failed"
    reasons = {r.unit: r.reason for r in report.results if r.status == "failed"}
    assert "预算" in reasons["budget"] and "空" in reasons["empty"] and reasons["random"]
    for name, status in expected.items():
        folder = out / name
        if status == "ok":
            assert all((folder / f).stat().st_size > 0 for f in OUTPUT_FILES + (MANIFEST,))
        else:
            assert not folder.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_batch_outputs(corpus_run):
    expected, out, report = corpus_run
    for name in ("index.html", "summary.html", "findings.csv", "findings.xlsx", "batch.json"):
        assert (out / name).stat().st_size > 0, name
    batch = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert batch["counts"] == {"ok": 4, "failed": 4, "skipped": 0, "earlier": 0, "ignored": 0}
    assert batch["summary_error"] is None and batch["versions"]["juesuan"]
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    total = sum(len(json.loads((out / r.unit / "findings.json").read_text(encoding="utf-8"))["findings"])
                for r in report.results if r.status == "ok")
    assert len(rows) == total
    assert any(r["单位目录"] == "faulty" and r["规则"] == "N.amount_matches_table" for r in rows)
    for name in ("index.html", "summary.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert "http://" not in page and "https://" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="good-0/report.html"' in index and "random" in index
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "N.amount_matches_table" in summary and "阳泉市大数据管理服务中心" in summary


def test_resume_skips_complete_units(corpus_run, tmp_path):
    expected, out, _ = corpus_run
    before = {p.name: (p / MANIFEST).read_text(encoding="utf-8") for p in out.iterdir() if (p / MANIFEST).exists()}
    folder = next(Path(r.source).parent for r in corpus_run[2].results if r.unit == "good-0")
    report = run_batch([str(folder)], out, workers=1, resume=True, show_progress=False, summary=False)
    statuses = {r.unit: r.status for r in report.results}
    assert all(statuses[name] == "skipped" for name in before)
    assert {p.name: (p / MANIFEST).read_text(encoding="utf-8") for p in out.iterdir() if (p / MANIFEST).exists()} == before


def test_resume_after_sigkill(tmp_path, seed_text):
    psutil = pytest.importorskip("psutil")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"u{i}.txt").write_text(seed_text.replace("基本工资86.11", f"基本工资86.1{i}"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "juesuan.cli", "batch", str(folder), "--out", str(out),
                             "--workers", "1", "--quiet", "--no-summary"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(out.glob(f"*/{MANIFEST}"))) < 2:
        time.sleep(0.2)
    # A hard crash of the whole run: the batch, its workers and their kernels, all at once.
    family = [proc.pid] + [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)
    done_before = {p.parent.name: p.read_text(encoding="utf-8") for p in out.glob(f"*/{MANIFEST}")}
    assert 2 <= len(done_before) < 5
    report = run_batch([str(folder)], out, workers=2, resume=True, show_progress=False, summary=False)
    statuses = {r.unit: r.status for r in report.results}
    assert {name for name, s in statuses.items() if s == "skipped"} == set(done_before)
    assert all(s in ("ok", "skipped") for s in statuses.values())
    for name in done_before:  # finished units were not redone
        assert (out / name / MANIFEST).read_text(encoding="utf-8") == done_before[name]
    for i in range(5):  # and no broken report anywhere
        assert all((out / f"u{i}" / f).stat().st_size > 0 for f in OUTPUT_FILES)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_changed_input_is_redone_on_resume(tmp_path, seed_text):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(folder)], out, workers=1, show_progress=False, summary=False)
    (folder / "a.txt").write_text(seed_text.replace("基本工资86.11万元", "基本工资68.11万元"), encoding="utf-8")
    report = run_batch([str(folder)], out, workers=1, resume=True, show_progress=False, summary=False)
    assert [r.status for r in report.results] == ["ok"]
    assert report.results[0].errors == 2


def test_dask_local_cluster(tmp_path, seed_text):
    pytest.importorskip("distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"d{i}.txt").write_text(seed_text, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    report = run_batch([str(folder)], tmp_path / "out", workers=2, scheduler="local", show_progress=False,
                       summary=False)
    statuses = {r.unit: r.status for r in report.results}
    assert statuses == {"broken": "failed", "d0": "ok", "d1": "ok"}
    assert report.scheduler == "local"
    assert all((tmp_path / "out" / "d0" / f).exists() for f in OUTPUT_FILES)


def test_discover_keeps_same_named_files_apart(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "unit.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "notes.docx").write_text("x", encoding="utf-8")
    units, missing = discover([str(tmp_path), str(tmp_path / "a" / "unit.txt"), str(tmp_path / "nope")])
    assert len(units) == 2 and len({u.name for u in units}) == 2 and missing == [str(tmp_path / "nope")]


def answer_key_misses(key: dict, out: Path) -> list[str]:
    """Faults of the answer key whose rules did not fail in the unit's ledger."""
    misses = []
    for file_name, entry in key["units"].items():
        ledger = json.loads((out / Path(file_name).stem / "findings.json").read_text(encoding="utf-8"))["ledger"]
        failed = {e["rule"] for e in ledger if e["status"] == "fail"}
        for fault in entry["faults"]:
            missing = set(fault["rules"]) - failed
            if missing:
                misses.append(f"{file_name}: {fault['kind']} -> {sorted(missing)}")
    return misses


def test_synthetic_batch_with_corrupt_files_finds_every_fault(tmp_path):
    from juesuan_dev.synth import generate

    folder = tmp_path / "in"
    generate(12, folder, faults=True, seed=11, pdf_share=0.2)
    (folder / "corrupt-1.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    (folder / "corrupt-2.txt").write_bytes(b"")
    out = tmp_path / "out"
    report = run_batch([str(folder)], out, workers=2, show_progress=False, summary=False)
    key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
    statuses = {r.unit: r for r in report.results}
    assert statuses["corrupt-1"].status == "failed" and statuses["corrupt-1"].reason
    assert statuses["corrupt-2"].status == "failed" and statuses["corrupt-2"].reason
    assert all(statuses[Path(name).stem].status == "ok" for name in key["units"])
    assert answer_key_misses(key, out) == []
    clean = [Path(n).stem for n, e in key["units"].items() if not e["faults"]]
    assert clean and all(statuses[name].errors == 0 and statuses[name].warnings == 0 for name in clean)


def test_a_cell_error_fails_its_unit_alone_and_the_worker_goes_on(tmp_path, seed_text):
    """The notebook runs inside the worker: a cell that raises (here: a review file in no known
    encoding) fails that unit with the cell's exception, and the same worker audits the next unit."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(seed_text, encoding="utf-8")
    (folder / "a.review.csv").write_bytes(b"\xff\xfe\x00garbage\x00,,,\n")
    report = run_batch([str(folder)], tmp_path / "out", workers=1, show_progress=False, summary=False)
    results = {r.unit: r for r in report.results}
    assert (results["a"].status, results["a"].code) == ("failed", "notebook")
    assert "ReviewError" in results["a"].reason and "a.review.csv" in results["a"].reason
    assert results["b"].status == "ok" and results["b"].errors >= 1
    assert not (tmp_path / "out" / "a").exists() and (tmp_path / "out" / "b" / "report.html").is_file()
