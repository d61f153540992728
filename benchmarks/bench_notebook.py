"""Time to execute the audit notebook for the sample unit, as `juesuan audit` does. Target: < 10 s (issue #4).

Prints the time per step: reading the document (in the calling process, JVM start included for a PDF)
and running the notebook with papermill plus writing the HTML reports.
Run: make bench   (or: .venv/bin/python benchmarks/bench_notebook.py [PATH ...])
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from juesuan.extract import read_document
from juesuan.run.audit import run_audit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "data" / "yangquan-bigdata-center-2024.pdf", ROOT / "data" / "yangquan-bigdata-center-2024.txt"]


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or DEFAULT
    with tempfile.TemporaryDirectory() as out:
        for path in paths:
            t0 = time.perf_counter()
            doc = read_document(path)
            t1 = time.perf_counter()
            outputs = run_audit(path, out, document=doc)
            t2 = time.perf_counter()
            print(f"{path.name}: read {t1 - t0:5.2f} s + notebook and reports {t2 - t1:5.2f} s = {t2 - t0:5.2f} s"
                  f"   (target < 10 s; {outputs.errors} errors, {outputs.notes} notes)")


if __name__ == "__main__":
    main()
