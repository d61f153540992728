"""Hostile and broken input: every bad file ends in a clear reason or proper findings, never a
traceback; a batch over all of them finishes with the good units intact; no markup gets through.

The corpus is generated here. The closing test prints the figures: inputs tried, clean errors,
crashes, lost outputs, markup let through.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.run.batch import run_batch
from juesuan.run.audit import OUTPUT_FILES

from conftest import ROOT, SEED

SAMPLE_PDF = ROOT / "data" / "yangquan-bigdata-center-2024.pdf"
HOSTILE_NAME = "阳泉<script>alert('x')</script><b>中心</b>"


def _pdf_with_reportlab(path: Path, pages: int = 1, text: str | None = "Hello", encrypt: str | None = None,
                        image: bool = False) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=0)
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    for i in range(pages):
        if image:
            from PIL import Image

            img_path = path.with_suffix(".png")
            Image.new("RGB", (200, 100), "white").save(img_path)
            c.drawImage(str(img_path), 50, 500, width=400, height=200)
        if text:
            c.drawString(72, 720, f"{text} {i}")
        c.showPage()
    c.save()


def build_corpus(folder: Path, seed_text: str) -> dict[str, dict]:
    """name -> {file, expect: 'refused' | 'findings', code(s)}"""
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, dict] = {}

    def add(name: str, data: bytes | str, expect: str, codes=(), rules=()):
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        cases[name] = {"file": path, "expect": expect, "codes": set(codes), "rules": set(rules)}

    add("empty.pdf", b"", "refused", {"empty", "broken_pdf"})
    add("empty.txt", b"", "refused", {"empty"})
    add("random bytes.pdf", os.urandom(4096), "refused", {"broken_pdf"})
    add("binary.txt", b"\x00\x01\x02\x03" * 500, "refused", {"encoding"})
    if SAMPLE_PDF.exists():
        data = SAMPLE_PDF.read_bytes()
        add("truncated.pdf", data[: len(data) // 3], "refused", {"broken_pdf"})
    enc = folder / "encrypted.pdf"
    _pdf_with_reportlab(enc, encrypt="secret")
    cases["encrypted.pdf"] = {"file": enc, "expect": "refused", "codes": {"encrypted"}, "rules": set()}
    scan = folder / "scan.pdf"
    _pdf_with_reportlab(scan, pages=2, text=None, image=True)
    cases["scan.pdf"] = {"file": scan, "expect": "refused", "codes": {"scanned"}, "rules": set()}
    huge = folder / "huge.pdf"
    _pdf_with_reportlab(huge, pages=2500, text="page")
    cases["huge.pdf"] = {"file": huge, "expect": "refused", "codes": {"too_large"}, "rules": set()}
    add("budget.txt", seed_text.replace("2024年度单位决算公开", "2025年度单位预算公开", 1), "refused", {"not_final_accounts"})
    add("not a disclosure.txt", "会议纪要\n\n今天讨论了工作安排。\n", "refused", {"no_tables"})
    narrative_only = seed_text[: seed_text.index("第二部分 2024年部门决算表\n\n收入支出决算总表")] + \
        seed_text[seed_text.index("第三部分 情况说明\n\n一、"):]
    add("tables missing.txt", narrative_only, "findings", rules={"C.required_tables"})
    tables_only = seed_text[: seed_text.index("第三部分 情况说明\n\n一、")] + "\n第四部分 名词解释\n\n无\n"
    add("no narrative.txt", tables_only, "findings", rules={"C.narrative_sections"})
    add("名称 with spaces '\"quotes\".txt", seed_text, "findings")
    add("..hidden-dots.txt", seed_text, "findings")
    hostile = seed_text.replace("阳泉市大数据管理服务中心\n\n2024年度单位决算公开", f"{HOSTILE_NAME}\n\n2024年度单位决算公开", 1)
    hostile = hostile.replace("主要原因是2024年调出参公人员5名。", "主要原因是<img src=x onerror=alert(2)><a href='https://evil.example'>点此</a>。", 1)
    add("markup.txt", hostile, "findings", rules={"C.unit_name"})
    return cases


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("hostile"), SEED.read_text(encoding="utf-8"))


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True, timeout=600)


def test_check_on_every_bad_input(corpus):
    for name, case in corpus.items():
        proc = run_cli("check", str(case["file"]), "--format", "json")
        assert "Traceback" not in proc.stderr, (name, proc.stderr[-2000:])
        if case["expect"] == "refused":
            assert proc.returncode == 2, (name, proc.returncode, proc.stdout[:300])
            line = proc.stderr.strip()
            assert len(line.splitlines()) == 1 and case["file"].name in line, (name, line)
        else:
            assert proc.returncode in (0, 1, 3), (name, proc.stderr)
            data = json.loads(proc.stdout)
            failing = {e["rule"] for e in data["ledger"] if e["status"] == "fail"}
            assert case["rules"] <= failing, (name, case["rules"] - failing)


def test_reader_error_codes(corpus):
    from juesuan.core.exceptions import InputError
    from juesuan.extract import read_document

    for name, case in corpus.items():
        if case["expect"] != "refused":
            continue
        with pytest.raises(InputError) as info:
            read_document(case["file"])
        assert info.value.code in case["codes"], (name, info.value.code, info.value.reason)


def test_batch_over_the_corpus_keeps_good_units_and_escapes(corpus, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([str(good)], out, workers=1, show_progress=False, summary=False)
    assert [r.status for r in first.results] == ["ok"]
    kept = (out / "good" / "report.html").read_bytes()
    inputs = [str(c["file"]) for c in corpus.values()] + [str(good)]
    report = run_batch(inputs, out, workers=2, resume=True, show_progress=False)
    statuses = {r.source: r for r in report.results}
    crashed = [r for r in report.results if r.code in ("internal", "crashed")]
    refused = [c for c in corpus.values() if c["expect"] == "refused"]
    clean_errors = [c for c in refused if statuses[str(c["file"].resolve())].status == "failed"
                    and statuses[str(c["file"].resolve())].reason]
    audited = [c for c in corpus.values() if c["expect"] == "findings"
               and statuses[str(c["file"].resolve())].status == "ok"]
    # Nothing written outside the output folder, nothing lost.
    assert (out / "good" / "report.html").read_bytes() == kept
    assert statuses[str(good.resolve())].status == "skipped"
    for r in report.results:
        if r.status == "ok":
            folder = (out / r.unit).resolve()
            assert folder.parent == out.resolve()
            assert all((folder / f).exists() for f in OUTPUT_FILES)
    # No markup from a document reaches any HTML we wrote.
    leaks = []
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for bad in ("<script>alert", "<img src=x", "<b>中心</b>", "https://evil", "href='https"):
            if bad in text:
                leaks.append((page.name, bad))
    print(f"\nhostile corpus: tried {len(corpus)}, refused with a clear reason {len(clean_errors)}/{len(refused)}, "
          f"audited {len(audited)}/{len(corpus) - len(refused)}, crashed {len(crashed)}, lost outputs 0, markup leaks {len(leaks)}")
    assert not crashed
    assert len(clean_errors) == len(refused)
    assert len(audited) == len(corpus) - len(refused)
    assert not leaks
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in index and "<script>alert" not in index


def test_audit_gives_reasons_not_tracebacks(corpus, tmp_path):
    for name in ("random bytes.pdf", "budget.txt"):
        proc = run_cli("audit", str(corpus[name]["file"]), "--out", str(tmp_path))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_unit_folder_cannot_escape(tmp_path, seed_text):
    from juesuan.run.audit import run_audit

    tricky = tmp_path / "a" / ".." / "..evil name.txt"
    (tmp_path / "a").mkdir()
    Path(os.path.normpath(tricky)).write_text(seed_text, encoding="utf-8")
    outputs = run_audit(tricky, tmp_path / "out")
    assert outputs.folder.parent == (tmp_path / "out").resolve()
    assert not re.search(r"[/\\]|^\.", outputs.folder.name)


def test_memory_cap_fails_the_unit_with_its_reason(tmp_path, seed_text):
    unit = tmp_path / "unit.txt"
    unit.write_text(seed_text, encoding="utf-8")
    report = run_batch([str(unit)], tmp_path / "out", workers=1, memory_limit_mb=200, show_progress=False,
                       summary=False)
    (result,) = report.results
    assert result.status == "failed" and result.code == "memory" and "200 MB" in result.reason
    assert not (tmp_path / "out" / "unit").exists()


def test_time_limit_kills_the_unit_and_the_batch_goes_on(tmp_path, seed_text):
    from juesuan.run.batch import BatchSettings, Unit, run_local

    paths = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.txt"
        path.write_text(seed_text, encoding="utf-8")
        paths.append(path)
    settings = BatchSettings(out=str(tmp_path / "out"), unit_timeout=0, grace_seconds=0)
    results = run_local([Unit(str(p), p.stem) for p in paths], settings, workers=1)
    assert [(r.unit, r.status, r.code) for r in results] == [("a", "failed", "timeout"), ("b", "failed", "timeout")]
    assert all("超时" in r.reason for r in results)
    # A killed unit leaves no folder that looks complete (only a hidden *.partial, cleaned by the next run).
    assert not [p for p in (tmp_path / "out").glob("*") if not p.name.startswith(".")]
