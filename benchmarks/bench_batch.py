"""Batch throughput: `juesuan batch` with N workers against the naive baseline, in the same run.

The baseline is what a bureau would script without juesuan's batch: for each unit, one after another,
`papermill` (a fresh kernel) and `jupyter nbconvert --to html`, each a new process. It is measured
on a sample of the units (it is slow) and reported as units per second.
Targets (issue #5): at least 0.5 units/s with 2 workers on a 2-core machine, and at least 3 × baseline.

Real units (issue #13): the synthetic units are mostly text files, a third of the cost of a real
PDF, so the batch is also run on the real 决算 PDFs (``../shared/realdocs``, or ``--realdocs``, or
``JUESUAN_REALDOCS``; budgets left out), repeated to ``--real`` units: units/s, pages/s, CPU-s per
unit (the whole process tree) and the peak RSS of each worker with any kernel it runs. ``--against DIR``
runs the same real batch with another checkout's ``lib`` (e.g. ``git worktree add /tmp/base 75c6a30``,
the main issue #13 was measured against) in the same run, for a before/after on the same machine load.
Units/s counts the units audited: a checkout that fails a unit early is not charged for its work.
``--marginal`` also runs each checkout at half the size and prints the seconds each further unit costs
(start-up cancels out): the rate a batch of hundreds of units approaches.

Run: make bench-batch   (or: .venv/bin/python benchmarks/bench_batch.py [--units 100] [--workers 2] [--baseline 8]
                         [--real 24] [--against /tmp/base] [--marginal])
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from juesuan.run.batch import run_batch
from juesuan.run.audit import NOTEBOOK

ROOT = Path(__file__).resolve().parents[1]


def make_units(folder: Path, count: int) -> list[Path]:
    try:
        from juesuan_dev.synth import generate

        generate(count, folder, faults=True, seed=7, pdf_share=0.2)
        return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".pdf"))
    except ImportError:  # no generator: copies of the sample unit
        seed = ROOT / "data" / "yangquan-bigdata-center-2024.txt"
        paths = []
        for i in range(count):
            path = folder / f"unit-{i:03d}.txt"
            shutil.copy(seed, path)
            paths.append(path)
        return paths


def baseline(units: list[Path], out: Path) -> float:
    """papermill + nbconvert per unit, sequentially, as separate commands; returns seconds."""
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    for unit in units:
        target = out / unit.stem
        target.mkdir(parents=True, exist_ok=True)
        executed = target / "audit.ipynb"
        subprocess.run([str(bin_dir / "papermill"), str(NOTEBOOK), str(executed), "-p", "source", str(unit),
                        "-p", "output_dir", str(target), "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"],
                       check=False, capture_output=True)
        subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", str(executed)], check=False,
                       capture_output=True)
    return time.perf_counter() - start


def realdocs(explicit: str | None) -> Path | None:
    for candidate in (explicit, os.environ.get("JUESUAN_REALDOCS"), ROOT.parent / "shared" / "realdocs",
                      Path("/work/shared/realdocs")):
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.pdf")):
            return Path(candidate)
    return None


def real_units(folder: Path, source: Path, count: int) -> list[Path]:
    """``count`` copies, round robin, of the real final-account PDFs (not the budgets)."""
    docs = sorted(p for p in source.glob("*.pdf") if not p.name.startswith("not-final-accounts"))
    folder.mkdir(parents=True, exist_ok=True)
    units = []
    for i in range(count):
        doc = docs[i % len(docs)]
        target = folder / f"{i:03d}-{doc.name}"
        shutil.copy(doc, target)
        units.append(target)
    return units


_DRIVER = """
import json, sys
try:
    from juesuan.run.batch import run_batch
except ImportError:  # a checkout from before the run/ package (the issue-13 baseline, 75c6a30)
    from juesuan.batch import run_batch
report = run_batch([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]), show_progress=False)
print(json.dumps({"ok": report.count("ok"), "failed": {r.unit: r.reason for r in report.results if r.status == "failed"}}))
"""


def _tree_rss(pid: int) -> dict[int, int]:
    """Per direct child of ``pid`` (a batch worker): its RSS plus its descendants' (its kernel)."""
    import psutil

    out: dict[int, int] = {}
    try:
        children = psutil.Process(pid).children()
    except psutil.Error:
        return out
    for child in children:
        total = 0
        for proc in [child, *child.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        out[child.pid] = total
    return out


def run_real(units_dir: Path, out: Path, workers: int, lib: Path | None) -> dict:
    """The batch on the real units in a child process (``lib`` first on its path, when given):
    seconds, CPU seconds of the whole process tree, peak RSS of a worker with its kernel."""
    env = dict(os.environ)
    if lib is not None:
        env["PYTHONPATH"] = str(lib) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _DRIVER, str(units_dir), str(out), str(workers)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()
    cpu_by_pid: dict[int, tuple[str, float]] = {}

    def sample() -> None:
        import psutil

        nonlocal peak
        while not done.is_set():
            for rss in _tree_rss(proc.pid).values():
                peak = max(peak, rss)
            try:
                tree = [psutil.Process(proc.pid)]
                tree += tree[0].children(recursive=True)
                for p in tree:
                    with p.oneshot():
                        times = p.cpu_times()
                        kind = ("kernel" if any("ipykernel" in a for a in p.cmdline()) else
                                "batch" if p.pid == proc.pid else "worker")
                    cpu_by_pid[p.pid] = (kind, times.user + times.system)
            except psutil.Error:
                pass
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    stdout = proc.stdout.read() if proc.stdout else ""
    stderr = proc.stderr.read() if proc.stderr else ""
    result = json.loads(stdout.strip().splitlines()[-1]) if stdout.strip() else {"ok": 0, "failed": {"?": stderr[-300:]}}
    split: dict[str, float] = {}
    for kind, used in cpu_by_pid.values():
        split[kind] = split.get(kind, 0.0) + used
    result.update(seconds=seconds, cpu=usage.ru_utime + usage.ru_stime, peak_rss_mb=peak / 2**20, split=split)
    return result


def _pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in paths:
        doc = pdfium.PdfDocument(str(path))
        total += len(doc)
        doc.close()
    return total


def real_benchmark(args) -> None:
    source = realdocs(args.realdocs)
    if source is None or args.real <= 0:
        print("real PDFs: none found (../shared/realdocs, --realdocs or JUESUAN_REALDOCS): skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        units = real_units(tmp / "real", source, args.real)
        pages = _pages(units)
        runs = [("this checkout", None)]
        if args.against:
            runs.append((f"against {args.against}", Path(args.against) / "lib"))
        rates = {}
        print(f"real units: {len(units)} copies of the final-account PDFs in {source} ({pages} pages), "
              f"{args.workers} workers; load average before: {os.getloadavg()[0]:.1f}")
        for label, lib in runs:
            r = run_real(tmp / "real", tmp / f"out-{len(rates)}", args.workers, lib)
            rate = r["ok"] / r["seconds"] if r["seconds"] else 0.0
            rates[label] = rate
            print(f"  {label:28} {r['seconds']:6.1f} s  {rate:5.3f} units/s  {pages / r['seconds']:5.1f} pages/s  "
                  f"{r['cpu'] / len(units):5.2f} CPU-s/unit  peak RSS per worker (with any kernel it runs) "
                  f"{r['peak_rss_mb']:5.0f} MB  ok {r['ok']}/{len(units)}")
            print("    CPU-s by process (sampled): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["split"].items())))
            for unit, reason in sorted(r["failed"].items()):
                print(f"    failed {unit}: {reason}")
        if len(rates) == 2:
            mine, theirs = rates.values()
            print(f"  real-unit speed-up: {mine / theirs if theirs else float('inf'):4.2f} x   (target >= 2)")
        if args.marginal:
            _marginal(args, source, tmp, runs)


def _marginal(args, source: Path, tmp: Path, runs) -> None:
    """Seconds per further unit: the batch at half the size and at the full size, for each checkout.
    Start-up (imports, JVM, kernels, the summary) cancels out; what is left is a unit's own cost, the
    figure a batch of hundreds of units approaches."""
    half = real_units(tmp / "half", source, max(1, args.real // 2))
    full = real_units(tmp / "full", source, args.real)
    per_unit = {}
    for label, lib in runs:
        small = run_real(tmp / "half", tmp / f"m-half-{len(per_unit)}", args.workers, lib)
        large = run_real(tmp / "full", tmp / f"m-full-{len(per_unit)}", args.workers, lib)
        extra = large["ok"] - small["ok"]
        per_unit[label] = (large["seconds"] - small["seconds"]) / extra if extra > 0 else float("inf")
        print(f"  marginal, {label:28} {per_unit[label]:5.2f} s per further audited unit "
              f"({len(half)} -> {len(full)} units: {small['seconds']:.1f} -> {large['seconds']:.1f} s)")
    if len(per_unit) == 2:
        mine, theirs = per_unit.values()
        print(f"  marginal speed-up: {theirs / mine if mine else float('inf'):4.2f} x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=8, help="units to time the baseline on")
    parser.add_argument("--real", type=int, default=24,
                        help="real PDF units (copies of the real documents; 24: the real batch issue #13 measured)")
    parser.add_argument("--marginal", action="store_true",
                        help="also run the real batch at half the size: seconds per further unit, start-up cancelled")
    parser.add_argument("--realdocs", help="folder of the real PDFs (default ../shared/realdocs)")
    parser.add_argument("--against", help="another checkout (its lib/) to run the real batch with, for comparison")
    parser.add_argument("--real-only", action="store_true", help="only the real-PDF batch")
    args = parser.parse_args()
    real_benchmark(args)
    if args.real_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        units = make_units(tmp / "in", args.units)
        # Corrupt files among them: each must fail alone, with its reason.
        (tmp / "in" / "corrupt-truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
        (tmp / "in" / "corrupt-empty.txt").write_bytes(b"")
        (tmp / "in" / "corrupt-random.pdf").write_bytes(bytes(range(256)) * 16)
        t0 = time.perf_counter()
        report = run_batch([str(tmp / "in")], tmp / "out", workers=args.workers, show_progress=False)
        batch_seconds = time.perf_counter() - t0
        done = report.count("ok")
        failed = {r.unit: r.reason for r in report.results if r.status == "failed"}
        key_file = tmp / "in" / "answer_key.json"
        misses, faults = [], 0
        if key_file.exists():
            import json

            key = json.loads(key_file.read_text(encoding="utf-8"))
            for name, entry in key["units"].items():
                ledger = json.loads((tmp / "out" / Path(name).stem / "findings.json").read_text(encoding="utf-8"))["ledger"]
                failing = {e["rule"] for e in ledger if e["status"] == "fail"}
                for fault in entry["faults"]:
                    faults += 1
                    if not set(fault["rules"]) <= failing:
                        misses.append((name, fault["kind"]))
        sample = [u for u in units if u.suffix == ".txt"][: args.baseline]
        base_seconds = baseline(sample, tmp / "baseline")
    rate = done / batch_seconds
    base_rate = len(sample) / base_seconds
    print(f"units: {len(units)} ({sum(u.suffix == '.pdf' for u in units)} PDF) + 3 corrupt files; audited {done}, failed {len(failed)}")
    for unit, reason in sorted(failed.items()):
        print(f"  failed {unit}: {reason}")
    print(f"answer key: {faults - len(misses)}/{faults} injected faults found" + (f"; missed {misses}" if misses else ""))
    print(f"juesuan batch, {args.workers} workers: {batch_seconds:6.1f} s  -> {rate:5.2f} units/s   (target >= 0.5)")
    print(f"baseline (papermill + nbconvert per unit, sequential, {len(sample)} units): {base_seconds:6.1f} s"
          f"  -> {base_rate:5.2f} units/s")
    print(f"speed-up: {rate / base_rate:4.1f} x   (target >= 3)")


if __name__ == "__main__":
    main()
