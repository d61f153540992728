"""Page evidence: the region of a PDF page around the figures a finding names, each boxed in red.

The figures are found through pdfium's text layer (the same character boxes the reader uses): the
numbers the finding prints (actual and expected), narrowed to the quoted sentence, or to the row and
column the finding names. A finding whose rule set no page (template residue, years, names) gets its
page from its quote (:func:`attach_pages`). Text-form sources have no page images; they keep the line.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

RED = (220, 0, 0)
GREYS = 15  # grey levels of a page image; the red box is palette entry GREYS
SCALE = 1.5  # pixels per point: 108 dpi, small text still legible
MARGIN = 70.0  # points of context above and below the boxed figures
BOX_PAD = 1.5  # points between a character box and the red rectangle
MAX_IMAGES = 200  # a document with thousands of findings gets images for the first ones only

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@dataclass
class PageImage:
    """A rendered region of one page: PNG bytes plus how it maps to page points (for tests)."""

    page: int
    png: bytes
    origin: tuple[float, float]  # (left, top) of the region, in page points, top-left origin
    scale: float  # pixels per point
    boxes: list[tuple[float, float, float, float]]  # the boxed figures (x0, top, x1, bottom), points
    source_name: str = ""

    @property
    def located(self) -> bool:
        return bool(self.boxes)

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def link(self) -> str:
        return f"{self.source_name}#page={self.page}"

    def img_tag(self, alt: str = "") -> str:
        import html

        return (f'<img class="page-evidence" src="{self.data_uri()}" '
                f'alt="{html.escape(alt or f"第{self.page}页")}">')

    def _repr_html_(self) -> str:  # shown under the finding in the notebook
        import html

        caption = f"第{self.page}页" + ("" if self.located else "（未能在页面上定位数字，显示该页上部）")
        return (f'<figure style="margin:4px 0 12px 0">{self.img_tag()}'
                f'<figcaption style="font-size:12px;color:#57606a">{html.escape(caption)} · '
                f'<a href="{html.escape(self.link())}">{html.escape(self.link())}</a></figcaption></figure>')


@dataclass
class _PageText:
    width: float
    height: float
    chars: list[dict]
    compact: str  # the page's text, NFKC, no white space
    index: list[int]  # compact position -> index into chars
    runs: list[tuple[int, int]]  # compact spans printed as one run (no gap, one line): numbers never span two
    turn: int = 0  # clockwise degrees to add to the page's own /Rotate so it renders in the chars' frame

    def numbers(self) -> list[tuple[int, int, Decimal]]:
        """Every printed number: (start, end, value); adjacent cells never merge into one."""
        out = []
        for a, b in self.runs:
            for m in _NUMBER.finditer(self.compact, a, b):
                value = _decimal(m.group(0))
                if value is not None:
                    out.append((m.start(), m.end(), value))
        return out


def _squash(text: str) -> str:
    from juesuan.core.normalize import normalise

    return re.sub(r"\s+", "", normalise(text or ""))


class PdfPages:
    """One PDF opened once: page texts loaded on demand, regions rendered with the figures boxed."""

    def __init__(self, path: str | Path):
        import pypdfium2 as pdfium

        self.path = Path(path)
        self.pdf = pdfium.PdfDocument(str(self.path))
        self._texts: dict[int, _PageText] = {}
        self._pages: dict = {}  # open pages: findings share pages, and loading one costs ~0.7 ms

    def _page(self, number: int):
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self.pdf[number - 1]
        return page

    def __len__(self) -> int:
        return len(self.pdf)

    def close(self) -> None:
        for page in self._pages.values():
            page.close()
        self._pages.clear()
        self.pdf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- text ------------------------------------------------------------------------------------

    def text(self, number: int) -> _PageText:
        cached = self._texts.get(number)
        if cached is None:
            from juesuan.extract.pdf.textlayer import page_chars

            page = self._page(number)
            width, height, chars, rotation = page_chars(page)  # chars in the frame the text reads upright
            turn = (rotation - page.get_rotation()) % 360  # what rendering must add to show that frame
            compact, index, runs = [], [], []
            previous = None
            for i, c in enumerate(chars):
                text = _squash(c["text"])
                if not text:
                    continue
                if previous is None or not _continues(previous, c):
                    runs.append([len(compact), len(compact)])
                for ch in text:
                    compact.append(ch)
                    index.append(i)
                runs[-1][1] = len(compact)
                previous = c
            cached = self._texts[number] = _PageText(width, height, chars, "".join(compact), index,
                                                     [tuple(r) for r in runs], turn)
        return cached

    def find_page(self, quote: str | None) -> int | None:
        """The first page whose text holds the quote (its first 16 characters; a quote may run on)."""
        needle = _squash(quote or "")[:16]
        if len(needle) < 2:
            return None
        for number in range(1, len(self) + 1):
            if needle in self.text(number).compact:
                return number
        return None

    # --- locating figures ------------------------------------------------------------------------

    def locate(self, number: int, figures: list[Decimal], *, quote: str | None = None, row: str | None = None,
               column: str | None = None) -> list[tuple[float, float, float, float]]:
        """Boxes (points) of the printed figures equal to one of ``figures``, within the quoted
        sentence, or on the row (and under the column) named; the quoted sentence itself when it
        holds none of them."""
        page = self.text(number)
        tokens = page.numbers()
        span = _find_span(page.compact, _squash(quote)) if quote else None
        if span is not None:
            inside = [t for t in tokens if span[0] <= t[0] and t[1] <= span[1]]
            hits = _matching(inside, figures)
            if hits:
                return [self._box(page, s, e) for s, e, _ in hits]
            return self._line_boxes(page, *span)
        hits = _matching(tokens, figures)
        if len(hits) > 1 and row:
            bands = self._label_bands(page, row)
            if bands:
                near = [h for h in hits if any(_overlaps(self._box(page, h[0], h[1])[1::2], b) for b in bands)]
                hits = near or hits
        if len(hits) > 1 and column:
            columns = self._label_columns(page, column)
            if columns:
                under = [h for h in hits if any(_overlaps(self._box(page, h[0], h[1])[0::2], c) for c in columns)]
                hits = under or hits
        return [self._box(page, s, e) for s, e, _ in hits[:6]]

    def locate_words(self, number: int, quote: str, words: list[str]) -> list[tuple[float, float, float, float]]:
        """Boxes of ``words`` inside the quoted sentence; the sentence's lines when none is in it."""
        page = self.text(number)
        span = _find_span(page.compact, _squash(quote))
        if span is None:
            return []
        boxes = []
        for word in filter(None, (_squash(w) for w in words)):
            at = page.compact.find(word, span[0], span[1])
            while at >= 0 and len(boxes) < 6:
                boxes.append(self._box(page, at, at + len(word)))
                at = page.compact.find(word, at + len(word), span[1])
        return boxes or self._line_boxes(page, *span)

    def locate_text(self, number: int, texts: list[str | None]) -> list[tuple[float, float, float, float]]:
        """Boxes of the first of ``texts`` (four characters or more) printed on the page."""
        page = self.text(number)
        for text in texts:
            needle = _squash(text or "")
            if len(needle) < 4:
                continue
            boxes = []
            for m in re.finditer(re.escape(needle), page.compact):
                boxes.extend(self._line_boxes(page, m.start(), m.end()))
                if len(boxes) >= 6:
                    break
            if boxes:
                return boxes
        return []

    def _box(self, page: _PageText, start: int, end: int) -> tuple[float, float, float, float]:
        chars = [page.chars[page.index[i]] for i in range(start, end)]
        return (min(c["x0"] for c in chars), min(c["top"] for c in chars),
                max(c["x1"] for c in chars), max(c["bottom"] for c in chars))

    def _line_boxes(self, page: _PageText, start: int, end: int) -> list[tuple[float, float, float, float]]:
        """A span of text as one box per printed line."""
        boxes: list[list[float]] = []
        for i in range(start, end):
            c = page.chars[page.index[i]]
            if boxes and abs(c["top"] - boxes[-1][1]) < 3 and c["x0"] >= boxes[-1][0] - 1:
                box = boxes[-1]
                box[2], box[3] = max(box[2], c["x1"]), max(box[3], c["bottom"])
            else:
                boxes.append([c["x0"], c["top"], c["x1"], c["bottom"]])
        return [tuple(b) for b in boxes]

    def _label_bands(self, page: _PageText, row: str) -> list[tuple[float, float]]:
        """Vertical bands of the row's label (its code, else its words)."""
        label = _squash(row)
        code = re.match(r"\d{3,}", label)
        for needle in filter(None, [code.group(0) if code else None, label, re.sub(r"^\d+", "", label)]):
            starts = [m.start() for m in re.finditer(re.escape(needle), page.compact)]
            if starts:
                return [self._box(page, s, s + len(needle))[1::2] for s in starts]
        return []

    def _label_columns(self, page: _PageText, column: str) -> list[tuple[float, float]]:
        needle = _squash(column)
        if not needle:
            return []
        starts = [m.start() for m in re.finditer(re.escape(needle), page.compact)]
        return [self._box(page, s, s + len(needle))[0::2] for s in starts]

    # --- rendering -------------------------------------------------------------------------------

    def render(self, number: int, boxes: list[tuple[float, float, float, float]], *,
               scale: float = SCALE) -> PageImage:
        """The page region around the boxes (the top of the page when there are none), boxes in red."""
        from PIL import ImageDraw

        page_text = self.text(number)
        width, height = page_text.width, page_text.height
        if boxes:
            top = max(0.0, min(b[1] for b in boxes) - MARGIN)
            bottom = min(height, max(b[3] for b in boxes) + MARGIN)
        else:
            top, bottom = 0.0, min(height, height * 0.45)
        ink = [c for c in page_text.chars if top <= c["top"] <= bottom] or page_text.chars
        left = max(0.0, min([c["x0"] for c in ink] + [b[0] for b in boxes]) - 12) if ink else 0.0
        right = min(width, max([c["x1"] for c in ink] + [b[2] for b in boxes]) + 12) if ink else width
        bitmap = self._page(number).render(scale=scale, rotation=page_text.turn,
                                           crop=(left, height - bottom, width - right, top))  # crop applies after rotation
        gray = bitmap.to_pil().convert("L")
        # 15 grey levels and one pure red fit a 4-bit palette: a few kilobytes a region, the box stays
        # exactly red, and the PNG encodes in ~4 ms (zlib's `optimize` search took ~35 ms an image and
        # was most of the cost of a report with a hundred findings).
        image = gray.point(lambda v: (v * (GREYS - 1) + 127) // 255).convert("P")
        image.putpalette([round(level * 255 / (GREYS - 1)) for level in range(GREYS) for _ in range(3)] + list(RED))
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in boxes:
            draw.rectangle([(x0 - BOX_PAD - left) * scale, (y0 - BOX_PAD - top) * scale,
                            (x1 + BOX_PAD - left) * scale, (y1 + BOX_PAD - top) * scale],
                           outline=GREYS, width=max(2, round(scale * 1.4)))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", bits=4, compress_level=4)  # level 6 costs ~1.7x the time for 1 % less
        return PageImage(number, buffer.getvalue(), (left, top), scale, list(boxes), self.path.name)


def _continues(a: dict, b: dict) -> bool:
    """Character b follows a in the same printed run: same line, no more than a small gap."""
    size = max(a["bottom"] - a["top"], 1.0)
    same_line = abs((a["top"] + a["bottom"]) / 2 - (b["top"] + b["bottom"]) / 2) < 0.5 * size
    return same_line and -1.0 <= b["x0"] - a["x1"] <= 0.6 * size


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _figures(*texts: str | None) -> list[Decimal]:
    """The numbers a finding prints (应为, 实为), without signs: '≤2,940.05' -> 2940.05, '98.20%' -> 98.20.
    Words are not figures, even with a number inside (a unit name, 第3条)."""
    out: list[Decimal] = []
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFKC", text).strip()
        if not re.fullmatch(r"[≤≥<>±+-]?\s*-?[\d,]+(\.\d+)?\s*(%|万元|元|个百分点|个|辆|台|人|次|分)?", text):
            continue
        m = _NUMBER.search(text)
        value = _decimal(m.group(0)) if m else None
        if value is not None and abs(value) not in out:
            out.append(abs(value))
    return out


def _matching(tokens, figures: list[Decimal]):
    """Tokens equal to the first figure that has any (actual before expected)."""
    for figure in figures:
        hits = [t for t in tokens if abs(t[2]) == figure]
        if hits:
            return hits
    return []


def _find_span(text: str, quote: str) -> tuple[int, int] | None:
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    # A quote may run onto the next page or differ in a character: the longest matching prefix.
    for length in (48, 32, 20, 12):
        if len(quote) >= length:
            at = text.find(quote[:length])
            if at >= 0:
                return at, min(len(text), at + len(quote))
    return None


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > -1.0


# --- findings ------------------------------------------------------------------------------------------


def pdf_path(document, source: str | Path | None = None) -> Path | None:
    """The PDF a document was read from, when it is a PDF that still exists."""
    for candidate in (source, getattr(document, "source", None)):
        if candidate and str(candidate).lower().endswith(".pdf") and Path(candidate).is_file():
            return Path(candidate)
    return None


def attach_pages(result, source: str | Path | None = None) -> int:
    """Give every finding on a PDF its page: a rule that set none (template residue, years, names)
    gets the page its quote is on, or the first page of the table it names. Returns how many changed."""
    path = pdf_path(result.document, source)
    if path is None:
        return 0
    changed = 0
    pending = [f for f in result.findings if f.location.page is None]
    if not pending:
        return 0
    with PdfPages(path) as pdf:
        for finding in pending:
            loc = finding.location
            page = pdf.find_page(loc.quote) if loc.quote else None
            if page is None and loc.table:
                table = result.document.tables.get(loc.table)
                page = table.pages[0] if table is not None and table.pages else None
            if page is not None:
                finding.location = dataclasses.replace(loc, page=page)
                changed += 1
    return changed


def page_images(result, source: str | Path | None = None, *, limit: int = MAX_IMAGES) -> dict[int, PageImage]:
    """``id(finding) -> PageImage`` for every finding of ``result`` on a PDF page (first ``limit``).

    Kept on the result, so the notebook's findings panel and report.html render each region once."""
    path = pdf_path(result.document, source)
    if path is None:
        return {}
    cached = result.__dict__.get("_page_images")
    if cached is not None and cached[0] == (str(path), limit, tuple(id(f) for f in result.findings)):
        return cached[1]
    images: dict[int, PageImage] = {}
    with PdfPages(path) as pdf:
        for finding in result.findings:
            if len(images) >= limit:
                break
            image = finding_image(pdf, finding)
            if image is not None:
                images[id(finding)] = image
    result.__dict__["_page_images"] = ((str(path), limit, tuple(id(f) for f in result.findings)), images)
    return images


def finding_image(pdf: PdfPages, finding) -> PageImage | None:
    loc = finding.location
    if not loc.page or not 1 <= loc.page <= len(pdf):
        return None
    figures = _figures(finding.actual, finding.expected)
    boxes = pdf.locate(loc.page, figures, quote=loc.quote, row=loc.row, column=loc.column) if figures else []
    if not boxes and loc.quote:
        # Words in a sentence (a placeholder, a direction word): those words in it, else the sentence.
        words = re.split(r"[/、]", finding.actual or "") if not figures else []
        boxes = pdf.locate_words(loc.page, loc.quote, words)
    if not boxes:
        # A finding about words (a unit name, a heading): the words it names, where printed.
        boxes = pdf.locate_text(loc.page, [finding.actual if not figures else None, loc.row])
    return pdf.render(loc.page, boxes)
