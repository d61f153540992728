"""Batch throughput: `juesuan batch` with N workers against the naive baseline, in the same run.

The baseline is what a bureau would script without juesuan's batch: for each unit, one after another,
`papermill` (a fresh kernel) and `jupyter nbconvert --to html`, each a new process. It is measured
on a sample of the units (it is slow) and reported as units per second.
Targets (issue #5): at least 0.5 units/s with 2 workers on a 2-core machine, and at least 3 × baseline.

Run: make bench-batch   (or: .venv/bin/python benchmarks/bench_batch.py [--units 100] [--workers 2] [--baseline 8])
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=8, help="units to time the baseline on")
    args = parser.parse_args()
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
