"""Text that is safe to write: one home for what every writer (xlsx, csv, HTML, JSON, folder names) does
with document text it did not make.

- :func:`clean_text` removes what XML 1.0 (xlsx, HTML) cannot carry: C0 controls other than tab, LF and
  CR, lone surrogates, U+FFFE/U+FFFF. Each is replaced by U+FFFD, so a reader sees that something was there.
- :func:`is_formula_like` / :func:`csv_cell` / :func:`xlsx_value`: text a spreadsheet could evaluate
  (``=`` ``+`` ``-`` ``@`` first, also after a leading tab/CR/space or after NFKC turns ``＝`` into ``=``)
  is written as text: prefixed with ``'`` in CSV (OWASP CSV-injection guidance), an explicit string cell
  with Excel's quote prefix in xlsx. Plain numbers such as ``-2961.38`` are numbers, not formulas.
- :func:`safe_filename`: no separators, controls, bidi overrides or other format characters; cut by bytes.
- :func:`defang_urls`: no ``http(s)://`` reference in a page (a shared page fetches nothing, links nowhere).
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")
# Bidi embeddings/overrides/isolates and marks: they reorder how a name reads (an RLO makes
# "report\u202egpj.exe" read as "reportexe.jpg").
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_URL = re.compile(r"(?i)\b(https?)://")


def defang_urls(page: str) -> str:
    """No http(s) reference survives: a shared page must not fetch, nor link out from document text.
    ``https://x`` becomes ``https[:]//x``."""
    if "://" not in page:  # most pages: one substring search instead of a pass of the pattern (~12 ms a page)
        return page
    return _URL.sub(lambda m: f"{m.group(1)}[:]//", page)


def clean_text(text: str) -> str:
    """``text`` without characters XML cannot carry (each replaced by U+FFFD)."""
    return _ILLEGAL_XML.sub(REPLACEMENT, text)


def plain_text(text: str) -> str:
    """:func:`clean_text` without bidi controls either: for names shown in a page (a file name with an
    RLO would read backwards there)."""
    return _BIDI.sub("", clean_text(text))


def clean_json(value):
    """A JSON-able value with every string (keys too) passed through :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_json(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


def is_formula_like(text: str) -> bool:
    """A spreadsheet could read this cell as a formula (a plain number excepted)."""
    if not text:
        return False
    if text[0] in _FORMULA_START:
        return not _PLAIN_NUMBER.fullmatch(text)
    folded = unicodedata.normalize("NFKC", text).lstrip(" \t\r\n\u3000")
    return bool(folded) and folded[0] in "=+-@" and not _PLAIN_NUMBER.fullmatch(folded)


def csv_cell(value):
    """A value for a CSV cell: text cleaned and, when formula-like, prefixed with ``'``."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if is_formula_like(text) else text


def csv_frame(frame):
    """A copy of a pandas frame with every text cell (and header) made safe by :func:`csv_cell`."""
    safe = frame.copy()
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(csv_cell)
    return safe


def set_text(cell, value: str) -> None:
    """Write ``value`` into an openpyxl cell as text, never as a formula."""
    text = clean_text(value)
    cell.value = text
    if text.startswith("=") or is_formula_like(text):
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def safe_filename(name: str, max_bytes: int = 200, fallback: str = "unit") -> str:
    """A file or folder name from document text: NFKC, no separators, controls, bidi or format
    characters, no leading dots, at most ``max_bytes`` UTF-8 bytes (cut on a character boundary)."""
    name = unicodedata.normalize("NFKC", name)
    name = _BIDI.sub("", name)
    name = "".join("_" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch for ch in name)
    name = re.sub(r"[/\\:*?\"<>|'`$]", "_", name)
    name = re.sub(r"\s+", "_", name).strip("._ ")
    name = name.replace("..", "_")
    encoded = name.encode("utf-8")
    if len(encoded) > max_bytes:
        name = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip("._ ")
    return name or fallback
