"""Ruled grids through tabula (lattice mode, called through jpype a page at a time), pdfplumber's table
finder for the pages tabula cannot read, merged cells resolved."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.core.exceptions import JavaUnavailableError
from juesuan.core.normalize import compact, normalise
from juesuan.extract.pdf.java import start_jvm
from juesuan.extract.pdf.textlayer import PageText

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


def read_grids(path: Path, pages: list[PageText]) -> list[Grid]:
    """Every ruled grid of the document, each on its page: tabula (lattice) page by page; a page
    tabula cannot read, or one stored rotated (``/Rotate``), through pdfplumber's table finder.

    A page neither can read is left out and named in the result's ``failed_pages`` (page -> reason):
    the tables printed there become could-not-read, the rest of the document is still read.
    """
    failed: dict[int, str] = {}
    raw = _tables_json(path, [p for p in pages if p.ruled], failed)
    grids = GridList(_place_grids(raw, pages))
    grids.failed_pages = failed
    return grids


class GridList(list):
    """The grids of a document, and the pages whose grids could not be read, with why."""

    failed_pages: dict[int, str]

    def __init__(self, *args):
        super().__init__(*args)
        self.failed_pages = {}


class _Tabula:
    """tabula-java's lattice extraction called through jpype, a page at a time, on one open document."""

    def __init__(self, path: Path):
        jpype = start_jvm()
        self._jpype = jpype
        File = jpype.JClass("java.io.File")
        PDDocument = jpype.JClass("org.apache.pdfbox.pdmodel.PDDocument")
        self._doc = PDDocument.load(File(str(path)))
        self._extractor = jpype.JClass("technology.tabula.ObjectExtractor")(self._doc)
        self._algorithm = jpype.JClass("technology.tabula.extractors.SpreadsheetExtractionAlgorithm")()
        self._writer = jpype.JClass("technology.tabula.writers.JSONWriter")()
        self._builder = jpype.JClass("java.lang.StringBuilder")

    def page(self, number: int, rotation: int = 0) -> list:
        if rotation or self._doc.getPage(number - 1).getRotation() % 360:
            self._turn(number, rotation)
        tables = self._algorithm.extract(self._extractor.extract(number))
        if tables.isEmpty():
            return []
        out = self._builder()
        self._writer.write(out, tables)
        return json.loads(str(out.toString()))

    def _turn(self, number: int, rotation: int) -> None:
        """Redraw the page (in memory) turned clockwise by ``rotation`` with /Rotate 0, so tabula sees
        its text reading left to right, in the same frame as the text layer (textlayer.display)."""
        jp = self._jpype
        page = self._doc.getPage(number - 1)
        box = page.getMediaBox()
        x0, y0, x1, y1 = box.getLowerLeftX(), box.getLowerLeftY(), box.getUpperRightX(), box.getUpperRightY()
        # (x, y) -> (a x + c y + e, b x + d y + f)
        a, b, c, d, e, f = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
                            270: (0, 1, -1, 0, y1, -x0)}[rotation]
        Stream = jp.JClass("org.apache.pdfbox.pdmodel.PDPageContentStream")
        Mode = jp.JClass("org.apache.pdfbox.pdmodel.PDPageContentStream$AppendMode")
        Matrix = jp.JClass("org.apache.pdfbox.util.Matrix")
        Rect = jp.JClass("org.apache.pdfbox.pdmodel.common.PDRectangle")
        stream = Stream(self._doc, page, Mode.PREPEND, False)
        stream.transform(Matrix(float(a), float(b), float(c), float(d), float(e), float(f)))
        stream.close()
        w, h = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)
        page.setRotation(0)
        page.setMediaBox(Rect(0.0, 0.0, float(w), float(h)))
        page.setCropBox(Rect(0.0, 0.0, float(w), float(h)))

    def close(self) -> None:
        try:
            self._doc.close()
        except Exception:  # pragma: no cover - closing a document that failed to read
            pass


def _java_reason(exc: BaseException) -> str:
    """A Java exception in one line: its class and message, never the stack."""
    name = type(exc).__name__
    try:
        java_class = exc.getClass().getSimpleName()  # type: ignore[attr-defined]
        message = exc.getMessage()  # type: ignore[attr-defined]
        name, text = str(java_class), str(message) if message is not None else ""
    except Exception:
        text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{name}: {text}"[:200].strip(": ")


def _tables_json(path: Path, pages: list[PageText], failed: dict[int, str]) -> list:
    """tabula's lattice tables (json with cell coordinates), each tagged with its page."""
    if not pages:
        return []
    out: list = []
    retry: list[tuple[PageText, str]] = []
    tabula = None
    try:
        tabula = _Tabula(path)
    except JavaUnavailableError:
        raise
    except Exception as exc:  # pdfbox cannot open what pdfium could: every page to the fallback
        log.info("tabula cannot open %s: %s", path, _java_reason(exc))
        retry += [(p, _java_reason(exc)) for p in pages]
    if tabula is not None:
        try:
            for page in pages:
                try:
                    tables = tabula.page(page.number, page.rotation)
                except Exception as exc:  # a Java exception on this page only
                    retry.append((page, _java_reason(exc)))
                    continue
                for table in tables:
                    table["page"] = page.number
                out.extend(tables)
        finally:
            tabula.close()
    if retry:
        out.extend(_fallback(path, sorted(retry, key=lambda r: r[0].number), failed))
        out.sort(key=lambda t: (t["page"], float(t.get("top") or 0)))
    return out


def _fallback(path: Path, retry: list[tuple[PageText, str]], failed: dict[int, str]) -> list:
    """pdfplumber's table finder (ruling lines only) on the pages tabula did not read, as tabula json."""
    out: list = []
    try:
        import pdfplumber

        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        for page, reason in retry:
            failed[page.number] = reason or f"{type(exc).__name__}"
        return out
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    try:
        for page, reason in retry:
            try:
                plumber_page = pdf.pages[page.number - 1]
                if (plumber_page.rotation or 0) % 360 != page.rotation:  # another frame than the text layer's
                    failed[page.number] = reason or "页面方向无法确定"
                    continue
                found = plumber_page.find_tables(settings)
                for table in found:
                    out.append(_plumber_json(table, page.number))
            except Exception as exc:
                failed[page.number] = "；".join(x for x in (reason, f"{type(exc).__name__}: {exc}"[:200]) if x)
    finally:
        pdf.close()
    return out


def _plumber_json(table, page: int) -> dict:
    """A pdfplumber table as tabula's json: rows of cells with their box and text (a merged cell once)."""
    texts = table.extract()
    data = []
    for row, row_text in zip(table.rows, texts):
        cells = []
        for box, text in zip(row.cells, row_text):
            if box is None:
                continue
            x0, top, x1, bottom = box
            cells.append({"left": x0, "top": top, "width": x1 - x0, "height": bottom - top, "text": text or ""})
        data.append(cells)
    x0, top, x1, bottom = table.bbox
    return {"page": page, "top": top, "left": x0, "bottom": bottom, "right": x1, "data": data}


def _place_grids(raw: list, pages: list[PageText]) -> list[Grid]:
    grids: list[Grid] = []
    page_index = 0
    numbers = {p.number: i for i, p in enumerate(pages)}
    for table in raw or []:
        rows, spans = _regular_rows(table.get("data", []))
        if not rows:
            continue
        box = (float(table["top"]), float(table["bottom"]), float(table["left"]), float(table["right"]))
        if table.get("page") in numbers:
            page_index = numbers[table["page"]]
        else:  # json without pages (tabula over the whole file): find the page by the table's characters
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
