"""The PDF text layer through pdfium: characters with pdfminer-equal boxes, grouped into lines."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from juesuan.core.exceptions import InputError
from juesuan.core.normalize import normalise

MAX_BYTES = 200 * 1024 * 1024
# A dense real page (a 10-column table in small type) prints ~6,000 characters; a page of more than
# this is pathological (one of 10 M glyphs took 94 s and 5.7 GB) and is refused before it is read.
MAX_GLYPHS_PER_PAGE = 100_000


Y_TOLERANCE = 6.0  # points: digits on a lower baseline join their line (TOOLING.md)


_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页)?(\s*/\s*(共\s*)?\d+\s*页?)?[-—–\s]*$")


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
    rotation: int = 0  # the clockwise turn (0, 90, 180, 270) that made the page read upright


def open_error(path: Path, exc: BaseException) -> InputError:
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
        raise open_error(path, exc) from exc


def read_text_layer(path: Path) -> list[PageText]:
    """Every page's characters (pdfium: the same glyph boxes pdfminer computes, several times faster
    than pdfminer), grouped into lines; and whether the page draws any path or image."""
    doc = _open_pdf(path)
    pages: list[PageText] = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                width, height, chars, rotation = page_chars(page, path, index + 1)
                lines = group_lines(chars, index + 1, height)
                ruled, has_images = _drawn(page)
            finally:
                page.close()
            pages.append(PageText(number=index + 1, width=width, height=height, lines=lines,
                                  has_images=has_images, chars=chars, ruled=ruled, rotation=rotation))
    except InputError:
        raise
    except Exception as exc:  # pdfium raises PdfiumError for a broken page
        raise open_error(path, exc) from exc
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


def reading_rotation(textpage, count: int, stored: int) -> int:
    """The clockwise turn (0, 90, 180, 270) that makes the page's text read left to right: from the
    direction most of its characters run in user space, whatever the page's /Rotate says (a page
    may store /Rotate 270 over upright text, or draw a landscape table sideways with or without
    a /Rotate that turns it back). ``stored`` (the /Rotate) when the page has no text."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    if count <= 0:
        return stored
    api = _Pdfium.get()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    matrix = pdfium_c.FS_MATRIX()
    matrix_p = ctypes.addressof(matrix)
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    step = max(1, count // 400)
    for k in range(0, count, step):
        if not api.matrix(tp, k, matrix_p):
            continue
        a, b = matrix.a, matrix.b
        if abs(a) >= abs(b):
            votes[0 if a > 0 else 180] += 1
        else:
            votes[90 if b > 0 else 270] += 1
    best = max(votes, key=lambda r: (votes[r], r == 0))
    return best if votes[best] else stored


def page_chars(page, path: Path | None = None, number: int = 0) -> tuple[float, float, list[dict], int]:
    """The page's (width, height, characters, turn), in pdfplumber's coordinates (top-left origin)
    of the page turned so that its text reads left to right (``reading_rotation``), with pdfminer's
    character box: the advance horizontally, and from the font's descent for one font size vertically.

    One difference from pdfminer: pdfium drops some space characters that end or open a text run
    (and generates spaces of its own, skipped here), so a line's text can differ from pdfminer's in
    white space only, and its x0/x1 leave out leading and trailing spaces."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    api = _Pdfium.get()
    x0m, y0m, x1m, y1m = page.get_mediabox()
    textpage = page.get_textpage()
    try:
        count = pdfium_c.FPDFText_CountChars(textpage.raw)
        if count > MAX_GLYPHS_PER_PAGE:
            raise InputError(str(path or ""), f"第{number}页有 {count:,} 个字符，超过每页 {MAX_GLYPHS_PER_PAGE:,} 个的上限"
                             "（不是正常的决算公开页面），为免耗尽时间和内存，不予读取", "too_large")
        rotation = reading_rotation(textpage, count, page.get_rotation() % 360)
    except BaseException:
        textpage.close()
        raise
    if rotation in (90, 270):
        width, height = y1m - y0m, x1m - x0m
    else:
        width, height = x1m - x0m, y1m - y0m

    def display(x: float, y: float) -> tuple[float, float]:  # user space -> the upright reading frame
        if rotation == 90:
            return y - y0m, x1m - x
        if rotation == 180:
            return x1m - x, y1m - y
        if rotation == 270:
            return y1m - y, x - x0m
        return x - x0m, y - y0m

    try:
        if count <= 0:
            return width, height, [], rotation
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
        return width, height, chars, rotation
    finally:
        textpage.close()


def group_lines(chars: list[dict], page: int, height: float) -> list[TextLine]:
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


def check_file(path: Path) -> None:
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
