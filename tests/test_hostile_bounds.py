"""Hostile input, part two: bounds that hold, a batch no unit or neighbour can take down, no
silent drops. Every case is generated here and small. The figures are printed (`-s` shows them).

- Inputs that are not regular files (FIFO, device, dangling link) are refused at once, never opened;
  in a batch folder they, and hidden files, are listed with the reason.
- Oversized or pathological text is refused before it is read whole or split.
- A number no disclosure prints (a million digits, NaN, 1e308, (123.45), 123.45万) is a reason or a
  finding of its own, never an overflow and never a silently skipped comparison.
- One control character in one unit does not cost the batch its index, batch.json or summary.
- Two batches on one --out: neither removes the other's work, the index lists both.
- A read-only or full --out: one line, exit 2.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from juesuan.core.exceptions import InputError, OutputError
from juesuan.core.money import CellKind, classify_cell, parse_decimal, NumberFormatError
from juesuan.run.audit import MANIFEST, OUTPUT_FILES, unit_folder_name

from conftest import ROOT, SEED, set_cells

FIXED = ("产出指标 (30分)", "产出指标 (50分)")  # the seed's one error-level defect, repaired
FIGURES: dict[str, str] = {}


def run_cli(*args, timeout=600, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return lines[0]


# --- inputs that are not regular files ------------------------------------------------------------

def test_special_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    dangling = tmp_path / "gone.pdf"
    dangling.symlink_to(tmp_path / "nowhere.pdf")
    cases = {fifo: "not_regular", dangling: "not_found", Path("/dev/zero"): "not_regular"}
    for path, code in cases.items():
        start = time.monotonic()
        proc = run_cli("check", str(path), timeout=60)  # a FIFO that were opened would block here
        assert proc.returncode == 2, (path, proc.returncode)
        assert path.name in one_line(proc)
        assert time.monotonic() - start < 30
        from juesuan.extract import read_document

        with pytest.raises(InputError) as info:
            read_document(path)
        assert info.value.code == code, (path, info.value.code)
    FIGURES["special files refused"] = f"{len(cases)}/{len(cases)} (FIFO, dangling link, /dev/zero)"


def test_batch_lists_every_input_it_does_not_audit(tmp_path):
    from juesuan.run.batch import UnitStatus, discover_inputs, run_batch

    folder = tmp_path / "in"
    (folder / ".svn").mkdir(parents=True)
    (folder / ".svn" / "copy.txt").write_text("x", encoding="utf-8")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (folder / "notes.docx").write_text("x", encoding="utf-8")  # not a candidate: not listed
    found = discover_inputs([str(folder), str(tmp_path / "missing.pdf")])
    reasons = {Path(p).name: r for p, r in found.ignored}
    assert set(reasons) == {".svn", ".hidden.txt", "pipe.txt", "gone.pdf"}, reasons
    assert "隐藏" in reasons[".hidden.txt"] and "FIFO" in reasons["pipe.txt"] and "符号链接" in reasons["gone.pdf"]
    assert found.units == [] and found.missing == [str(tmp_path / "missing.pdf")]
    # A FIFO named on the command line is a failed unit with its reason, not a hang.
    report = run_batch([str(folder), str(folder / "pipe.txt")], tmp_path / "out", workers=1, show_progress=False,
                       summary=False)
    batch = json.loads((tmp_path / "out" / "batch.json").read_text(encoding="utf-8"))
    assert {Path(e["path"]).name for e in batch["skipped_inputs"]} == set(reasons)
    named = [r for r in report.results if r.status == UnitStatus.FAILED]
    assert [r.code for r in named] == ["not_regular"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert all(name.lstrip(".").split(".")[0] in index for name in reasons)
    FIGURES["inputs listed, not audited"] = f"{len(batch['skipped_inputs'])}/4 (hidden file, hidden folder, FIFO, dangling link)"


# --- bounds on text -------------------------------------------------------------------------------

def test_text_bounds_refuse_before_reading(tmp_path):
    from juesuan.extract.text import MAX_BYTES, MAX_LINES

    sparse = tmp_path / "huge.txt"
    with open(sparse, "wb") as fh:
        fh.truncate(3 * 1024 ** 3)  # 3 GB that costs no disk: reading it whole would cost 3 GB of memory
    blank = tmp_path / "blank lines.txt"
    blank.write_text("决算\n" + "\n" * (19 * 1024 * 1024), encoding="utf-8")  # once 193 s and 6.2 GB
    many = tmp_path / "many lines.txt"
    many.write_text("决算\n" + "一\n" * (MAX_LINES + 10), encoding="utf-8")
    # Peak memory from VmHWM: ru_maxrss would carry the forking parent's peak across exec.
    probe = ("import json, re, sys, time\n"
             "from juesuan.core.exceptions import InputError\n"
             "from juesuan.extract import read_document\n"
             "import juesuan.extract.text\n"
             "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
             "base = peak()\n"
             "start = time.monotonic()\n"
             "try:\n    read_document(sys.argv[1]); code = None\n"
             "except InputError as exc:\n    code = exc.code\n"
             "print(json.dumps([code, time.monotonic() - start, (peak() - base) / 1024]))\n")
    for path, code in ((sparse, "too_large"), (blank, "too_large"), (many, "too_large")):
        done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "lib")})
        got, seconds, grown_mb = json.loads(done.stdout)
        assert got == code, (path.name, got, done.stderr[-1000:])
        assert seconds < 5, (path.name, seconds)
        assert grown_mb < 4 * MAX_BYTES / 1024 / 1024, (path.name, grown_mb)
        FIGURES[f"refused {path.name}"] = f"{seconds:.2f} s, peak memory +{grown_mb:.0f} MB ({got})"


# --- numbers no disclosure prints -----------------------------------------------------------------

BAD_AMOUNTS = ["NaN", "1e308", "(123.45)", "123.45万", "1" * 1_000_000, "9" * 40 + ".5", "-inf"]


def test_every_number_parse_is_bounded():
    for text in BAD_AMOUNTS:
        with pytest.raises(NumberFormatError):
            parse_decimal(text)
        assert classify_cell(text)[0] is CellKind.UNREADABLE, text[:20]
    for text in ("一、基本支出", "合计", "2024年", "其中：", "项目"):
        assert classify_cell(text)[0] is CellKind.TEXT, text
    assert parse_decimal("123,456,789,012.34") == parse_decimal("123456789012.34")


@pytest.mark.parametrize("bad", BAD_AMOUNTS, ids=lambda b: b[:12])
def test_an_unreadable_amount_cell_is_a_finding_and_its_rules_could_not_check(seed_text, bad):
    from juesuan.engine import audit
    from juesuan.extract.text import read_text

    text = set_cells(seed_text.replace(*FIXED), "收入支出决算总表", "一、一般公共预算财政拨款收入", {2: bad})
    result = audit(read_text(text))
    unreadable = [f for f in result.findings if f.message.startswith("无法读取此单元格")]
    assert unreadable, bad[:20]
    for f in unreadable:
        assert f.location.table == "01" and f.location.line and f.location.quote and f.location.quote[:3] == bad[:3]
    could_not = {o.rule for o in result.outcomes if o.status.value == "could_not_check"}
    assert {f.rule for f in unreadable} <= could_not
    # no rule that needed the cell passed with one comparison fewer
    passed = {o.rule for o in result.outcomes if o.status.value == "pass"}
    assert not passed & {f.rule for f in unreadable}
    FIGURES[f"cell {bad[:10]!r}"] = f"{len(unreadable)} findings, {len(could_not)} rules could not check"


def test_a_million_digits_in_the_narrative_is_no_overflow(tmp_path, seed_text):
    path = tmp_path / "digits.txt"
    path.write_text(seed_text.replace("基本工资86.11万元", "基本工资" + "8" * 1_000_000 + "万元"), encoding="utf-8")
    proc = run_cli("check", str(path), "--format", "json", timeout=120)
    assert "Traceback" not in proc.stderr and proc.returncode in (1, 3), proc.stderr[-1500:]
    json.loads(proc.stdout)


def test_exit_code_3_when_rules_could_not_run(tmp_path, seed_text):
    clean = tmp_path / "clean.txt"
    clean.write_text(seed_text.replace(*FIXED), encoding="utf-8")
    nan = tmp_path / "nan.txt"
    nan.write_text(set_cells(seed_text.replace(*FIXED), "收入支出决算总表", "一、一般公共预算财政拨款收入", {2: "NaN"}),
                   encoding="utf-8")
    assert run_cli("check", str(clean)).returncode == 0
    proc = run_cli("check", str(nan))
    assert proc.returncode == 3, proc.stdout[-1500:]
    assert "无法读取此单元格" in proc.stdout and "[无法检查]" in proc.stdout


# --- folder names ---------------------------------------------------------------------------------

def test_folder_names_are_cut_by_bytes(tmp_path):
    long_name = "阳泉市" + "大数据管理服务中心" * 8 + "单位决算公开.txt"  # 81 characters + .txt: 247 bytes, a valid file
    (tmp_path / long_name).write_text("x", encoding="utf-8")
    # cut by characters (120), its partial folder was 378 bytes: "File name too long", a traceback
    assert len(f".{long_name[:120]}.abcdefgh.partial".encode("utf-8")) > 255
    name = unit_folder_name(tmp_path / long_name)
    assert len(name.encode("utf-8")) <= 200 and name.startswith("阳泉市")
    # with every suffix a run may add, still a valid file name
    for variant in (name, f"{name}-0123abcd", f".{name}-0123abcd.old-{2 ** 22}-{time.time_ns()}",
                    f".{name}-0123abcd.abcdefgh.partial"):
        assert len(variant.encode("utf-8")) <= 255
        (tmp_path / variant).mkdir()


# --- the batch outputs survive a unit's content ---------------------------------------------------

def test_batch_with_a_control_character_unit_writes_every_output(tmp_path, seed_text):
    from juesuan.run.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"good-{i}.txt").write_text(seed_text, encoding="utf-8")
    bell = seed_text.replace("项目\t行次\t金额\t项目\t行次\t金额", "项目\x07\t行次\t金额\t项目\t行次\t金额", 1)
    assert bell != seed_text
    (folder / "bell\x07unit.txt").write_text(bell, encoding="utf-8")
    out = tmp_path / "out"
    report = run_batch([str(folder)], out, workers=2, show_progress=False)
    for name in ("index.html", "batch.json", "summary.html", "findings.csv"):
        assert (out / name).stat().st_size > 0, name
    batch = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert len(batch["units"]) == 3 and batch["summary_error"] is None, batch["output_errors"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(r.unit in index for r in report.results)
    FIGURES["control-character batch"] = (f"{len(batch['units'])}/3 units in batch.json, statuses "
                                          f"{sorted(str(r.status) for r in report.results)}, writers failed: "
                                          f"{sorted(batch['output_errors']) or 'none'}")


def test_one_failing_writer_is_recorded_not_fatal(tmp_path, monkeypatch):
    from juesuan.run import batch_outputs
    from juesuan.run.batch import BatchReport, UnitResult, UnitStatus

    report = BatchReport(started="now", seconds=1.0, results=[
        UnitResult(unit="u\x07", source="/in/u\x07.txt", status=UnitStatus.FAILED, reason="表头含\x07\x1b[31m与\ud800"),
        UnitResult(unit="ok", source="/in/ok.txt", status=UnitStatus.OK)])

    def broken(*args, **kwargs):
        raise ValueError("IllegalCharacterError: \x07")

    monkeypatch.setattr(batch_outputs, "_write_xlsx", broken)
    written = batch_outputs.write_batch_outputs(report, tmp_path, summary=False)
    assert {"index.html", "batch.json", "findings.csv"} <= set(written)
    batch = json.loads((tmp_path / "batch.json").read_text(encoding="utf-8"))
    assert "findings.xlsx" in batch["output_errors"] and len(batch["units"]) == 2


# --- --resume checks what it skips ----------------------------------------------------------------

def test_resume_redoes_a_unit_whose_report_was_damaged(tmp_path, seed_text):
    from juesuan.run.batch import Unit, fingerprint, is_complete, run_batch

    source = tmp_path / "u.txt"
    source.write_text(seed_text, encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(source)], out, workers=1, show_progress=False, summary=False)
    unit = fingerprint(Unit(str(source.resolve()), "u"))
    assert is_complete(unit, out)
    originals = {name: (out / "u" / name).read_bytes() for name in OUTPUT_FILES + (MANIFEST,)}
    damages = {
        "report.html": lambda b: b[: len(b) // 2],  # truncated
        "findings.json": lambda b: b[:-2],  # unparseable
        "workpaper.xlsx": lambda b: b[:100] + b"\0" * 50 + b[150:],  # a broken zip, same size
        "audit.html": lambda b: b.replace(b"</body>", b"</body><!-- x -->", 1),  # still complete, digest differs
    }
    caught = 0
    for name, damage in damages.items():
        (out / "u" / name).write_bytes(damage(originals[name]))
        caught += not is_complete(unit, out)
        (out / "u" / name).write_bytes(originals[name])
        assert is_complete(unit, out)
    manifest = json.loads(originals[MANIFEST])
    del manifest["outputs"]
    (out / "u" / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    caught += not is_complete(unit, out)
    assert caught == len(damages) + 1
    FIGURES["--resume refuses damaged outputs"] = f"{caught}/{len(damages) + 1}"


# --- two batches, one --out -----------------------------------------------------------------------

def test_two_concurrent_batches_on_one_out(tmp_path, seed_text):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, names in ((a, ("a1", "a2")), (b, ("b1",))):
        folder.mkdir()
        for name in names:
            (folder / f"{name}.txt").write_text(seed_text, encoding="utf-8")
    (b / "b-empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    first = subprocess.Popen([sys.executable, "-m", "juesuan.cli", "batch", str(a), "--out", str(out), "--workers", "1",
                              "--quiet", "--no-summary"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # The second starts while the first has a unit half-built (a hidden *.partial folder).
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(out.glob(".a1.*.partial")):
        time.sleep(0.05)
    assert list(out.glob(".a1.*.partial")), "the first batch never started its unit"
    second = run_cli("batch", str(b), "--out", str(out), "--workers", "1", "--quiet", "--no-summary")
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 1, (first_out.decode()[-1500:], first_err.decode()[-1500:])  # the seed has one error
    assert second.returncode == 2 and "b-empty" in second.stdout  # its empty file failed, nothing else
    for name in ("a1", "a2", "b1"):
        assert all((out / name / f).stat().st_size > 0 for f in OUTPUT_FILES + (MANIFEST,)), name
    batch = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    listed = {u["unit"]: u["status"] for u in batch["units"]}
    assert {"a1", "a2", "b1", "b-empty"} <= set(listed), listed
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}/report.html"' in index for name in ("a1", "a2", "b1"))
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    FIGURES["two batches on one --out"] = f"index lists {len(listed)} units ({listed}); no partial lost"


# --- a read-only or full --out --------------------------------------------------------------------

def _limit_file_size():  # a full disk, simulated: every write past 1 KB fails (EFBIG), no signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_full_out_is_one_line_and_exit_2(tmp_path, seed_text):
    source = tmp_path / "u.txt"
    source.write_text(seed_text, encoding="utf-8")
    for command in (("batch", str(source), "--out", str(tmp_path / "out-b"), "--quiet"),
                    ("audit", str(source), "--out", str(tmp_path / "out-a"))):
        proc = run_cli(*command, preexec_fn=_limit_file_size, timeout=120)
        assert proc.returncode == 2, (command[0], proc.stdout, proc.stderr[-1500:])
        line = one_line(proc)
        assert "输出目录无法写入" in line, line
    FIGURES["full --out"] = f"exit 2, {line!r}"


def test_full_disk_while_writing_the_batch_outputs_is_one_reason(tmp_path, monkeypatch):
    import errno

    from juesuan.run import batch, batch_outputs

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch_outputs, "write_atomic", full)
    monkeypatch.setattr(batch_outputs, "_write_xlsx", full)
    report = batch.BatchReport(started="now", seconds=1.0)
    with pytest.raises(OutputError) as info:
        batch._write_outputs(report, tmp_path, summary=False)
    assert "输出目录无法写入" in info.value.reason and "\n" not in info.value.reason


def test_read_only_out_is_one_line_and_exit_2(seed_text):
    work = Path(tempfile.mkdtemp(prefix="juesuan-ro-"))
    mounted = False
    try:
        os.chmod(work, 0o755)
        source = work / "u.txt"
        source.write_text(seed_text, encoding="utf-8")
        locked = work / "locked"
        locked.mkdir()
        if os.geteuid() == 0:  # root writes anywhere: make it truly read-only, or skip
            done = subprocess.run(["mount", "--bind", "-o", "ro", str(locked), str(locked)], capture_output=True)
            if done.returncode != 0:
                pytest.skip("running as root without mount: cannot make a read-only folder")
            mounted = True
        else:
            os.chmod(locked, 0o555)
        for command in (("batch", str(source), "--out", str(locked / "out"), "--quiet"),
                        ("audit", str(source), "--out", str(locked)),
                        ("batch", str(source), "--out", str(source), "--quiet")):  # a file, not a folder
            proc = run_cli(*command, timeout=120)
            assert proc.returncode == 2, (command, proc.stdout, proc.stderr[-1500:])
            line = one_line(proc)
            assert "输出目录无法写入" in line, line
            FIGURES[f"{command[0]} --out {Path(command[3]).name}"] = f"exit 2, {line!r}"
    finally:
        if mounted:
            subprocess.run(["umount", str(locked)], capture_output=True)
        os.chmod(locked, 0o755)
        import shutil

        shutil.rmtree(work, ignore_errors=True)


def test_summary_ignores_partial_folders(tmp_path):
    from juesuan.present.summary import load_batch

    for name in ("unit", ".unit.abc123.partial", ".unit.old-1-2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "metrics.json").write_text(json.dumps({"unit": name, "year": 2024, "metrics": {}}),
                                                     encoding="utf-8")
    metrics = load_batch(tmp_path)["metrics"]
    assert list(metrics["单位目录"]) == ["unit"]


def test_timeouts_are_named_for_what_they_bound(tmp_path):
    help_text = run_cli("batch", "--help").stdout
    assert "--unit-timeout" in help_text and "--cell-timeout" in help_text
    assert "--cell-timeout" in run_cli("audit", "--help").stdout
    # --timeout stays as a deprecated alias of --unit-timeout
    proc = run_cli("batch", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"), "--timeout", "5", "--quiet",
                   "--no-summary")
    assert proc.returncode == 2 and "unrecognized" not in proc.stderr and "missing" in proc.stdout


def test_zz_print_the_figures():
    print("\nhostile bounds:")
    for key, value in FIGURES.items():
        print(f"  {key}: {value}")
