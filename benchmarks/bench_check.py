"""Time to read and check the seed, after imports. Target: under 0.3 s (issue #2).

Run: make bench   (or: .venv/bin/python benchmarks/bench_check.py [PATH] [--repeat N])
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from juesuan.engine import audit
from juesuan.extract import read_document

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default=str(ROOT / "data" / "yangquan-bigdata-center-2024.txt"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    audit(read_document(args.path))  # warm-up: first-call costs (regex compilation) are not the steady state
    read_times, check_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        doc = read_document(args.path)
        t1 = time.perf_counter()
        result = audit(doc)
        t2 = time.perf_counter()
        read_times.append(t1 - t0)
        check_times.append(t2 - t1)
    total = [r + c for r, c in zip(read_times, check_times)]
    print(f"document: {args.path}")
    print(f"rules: {len(result.outcomes)}, findings: {len(result.findings)}, runs: {args.repeat}")
    print(f"read   median {statistics.median(read_times) * 1000:7.1f} ms")
    print(f"check  median {statistics.median(check_times) * 1000:7.1f} ms")
    print(f"total  median {statistics.median(total) * 1000:7.1f} ms   max {max(total) * 1000:7.1f} ms   (target < 300 ms)")


if __name__ == "__main__":
    main()
