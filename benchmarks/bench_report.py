"""Time to render report.html from an audit result: page images, font subset, charts. Target: under
2 s for a 25-page PDF with a dozen findings on an unloaded core (it runs inside every unit's notebook).

Run: .venv/bin/python benchmarks/bench_report.py [PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from juesuan.engine import audit
from juesuan.extract import read_document
from juesuan.present import evidence, fonts, report_page

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default=str(ROOT / "data" / "yangquan-bigdata-center-2024.txt"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = audit(read_document(args.path))
    report_page.render_report(result, source=args.path)  # warm-up: imports, matplotlib font cache
    images, totals, sizes = [], [], []
    for _ in range(args.repeat):
        result.__dict__.pop("_page_images", None)
        fonts._subset.cache_clear()
        t0 = time.perf_counter()
        evidence.page_images(result, args.path)
        t1 = time.perf_counter()
        page = report_page.render_report(result, source=args.path)
        t2 = time.perf_counter()
        images.append(t1 - t0)
        totals.append(t2 - t0)
        sizes.append(len(page.encode("utf-8")))
    print(f"{Path(args.path).name}: {len(result.findings)} findings; page images {statistics.median(images):.2f} s, "
          f"whole report {statistics.median(totals):.2f} s (median of {args.repeat}), {sizes[-1] // 1024} KB")


if __name__ == "__main__":
    main()
