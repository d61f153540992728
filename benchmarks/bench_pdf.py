"""PDF extraction time per document (warm JVM, median of several runs) and how often two extractors agree.

For every document: the median wall time of ``read_document`` over ``--repeat`` runs in this one process,
after a warm-up run that starts the JVM (TOOLING.md: tabula through jpype). Target: median under 1 s.
Budgets (预算) are refused after their text layer is read; their time is the time to refuse.

Agreement: every ruled grid tabula finds is compared with pdfplumber's table extraction of the same
region, cell by cell after the same normalisation; the share is agreeing cells over the non-empty
cells of either extractor.

Run: PYTHONPATH=lib python benchmarks/bench_pdf.py [PDF ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from juesuan.core.exceptions import InputError
from juesuan.extract import read_document

ROOT = Path(__file__).resolve().parents[1]


def _realdocs() -> Path | None:
    """The real published PDFs: JUESUAN_REALDOCS, or ../shared/realdocs beside the repository, when present."""
    import os

    for folder in (os.environ.get("JUESUAN_REALDOCS"), ROOT.parent / "shared" / "realdocs", "/work/shared/realdocs"):
        if folder and Path(folder).is_dir():
            return Path(folder)
    return None


def default_documents() -> list[Path]:
    docs = [ROOT / "data" / "yangquan-bigdata-center-2024.pdf"]
    real = _realdocs()
    if real is not None:
        docs += sorted(real.glob("*.pdf"))
    return docs


def time_document(path: Path, repeat: int) -> tuple[float, str]:
    def once() -> str:
        try:
            read_document(path)
            return "ok"
        except InputError as exc:
            return f"refused ({exc.code})" if hasattr(exc, "code") else "refused"

    status = once()  # warm-up: JVM start, imports, caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), status


def agreement(path: Path) -> tuple[int, int]:
    """(agreeing cells, compared cells) between tabula's grids and pdfplumber's tables."""
    import pdfplumber

    from juesuan.extract.pdf import grids as pdf_grids, textlayer

    try:
        pages = textlayer.read_text_layer(path)
        grids = pdf_grids.read_grids(path, pages)
    except InputError:
        return 0, 0
    agree = total = 0
    with pdfplumber.open(path) as doc:
        for grid in grids:
            page = doc.pages[grid.page - 1]
            best = None
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                overlap = max(0.0, min(x1, grid.right) - max(x0, grid.left)) * max(0.0, min(bottom, grid.bottom) - max(top, grid.top))
                if overlap > 0 and (best is None or overlap > best[0]):
                    best = (overlap, table)
            tabula_cells = [c for row in grid.rows for c in row]
            if best is None:
                total += sum(1 for c in tabula_cells if c)
                continue
            plumber_rows = [[pdf_grids.cell_text(c or "") for c in row] for row in best[1].extract()]
            same_shape = len(plumber_rows) == len(grid.rows) and all(
                len(a) == len(b) for a, b in zip(plumber_rows, grid.rows))
            if same_shape:
                for a_row, b_row in zip(grid.rows, plumber_rows):
                    for a, b in zip(a_row, b_row):
                        if a or b:
                            total += 1
                            agree += a == b
            else:  # different cell structure: compare the cells' texts as multisets
                a = Counter(c for c in tabula_cells if c)
                b = Counter(c for row in plumber_rows for c in row if c)
                total += max(sum(a.values()), sum(b.values()))
                agree += sum((a & b).values())
    return agree, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths] or default_documents()
    print(f"{'document':45} {'median s':>9} {'result':>22} {'cells agree':>14}")
    all_agree = all_total = 0
    for path in paths:
        median, status = time_document(path, args.repeat)
        agree, total = agreement(path)
        all_agree += agree
        all_total += total
        share = f"{agree / total:.1%}" if total else "—"
        flag = "" if median < 1.0 else "  (over 1 s)"
        print(f"{path.name:45} {median:9.3f} {status:>22} {share:>8} of {total:<5}{flag}")
    if all_total:
        print(f"tabula and pdfplumber agree on {all_agree}/{all_total} cells ({all_agree / all_total:.1%})")


if __name__ == "__main__":
    main()
