"""Read the text form of a disclosure: tables as tab-separated lines, narrative as paragraphs.

This is how a disclosure reads once extracted (the seed, ``data/*.txt``). Every cell keeps its line
number; the PDF reader fills in pages instead.
"""

from __future__ import annotations

from pathlib import Path

from juesuan.catalog import identify_title
from juesuan.core.exceptions import InputError
from juesuan.core.model import Document, Location
from juesuan.core.normalize import normalise
from juesuan.extract.assemble import FoundTable, LABEL_LINE, document_from_parts, interpret_found, merge_found
from juesuan.extract.rawtable import RawRow, RawTable
from juesuan.extract.segment import PartTracker, find_toc, read_cover, refuse_budget
from juesuan.extract.structure import Line

MAX_BYTES = 20 * 1024 * 1024


def read_text_file(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"无法读取文件：{exc.strerror or exc}", "unreadable") from exc
    if not data.strip():
        raise InputError(str(path), "文件是空的", "empty")
    if len(data) > MAX_BYTES:
        raise InputError(str(path), f"文件过大（{len(data) // 1024 // 1024} MB），超过 20 MB 上限", "too_large")
    if b"\x00" in data[:4096]:
        raise InputError(str(path), "不是文本文件（含二进制内容）", "encoding")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InputError(str(path), "无法识别文本编码（应为 UTF-8 或 GB18030）", "encoding")
    return read_text(text, source=str(path))


def read_text(text: str, source: str = "<text>") -> Document:
    """Read a disclosure from its text form."""
    lines = [
        Line(text=normalise(raw), location=Location(line=i), cells=[normalise(c) for c in raw.split("\t")] if "\t" in raw else None)
        for i, raw in enumerate(text.splitlines(), start=1)
    ]
    return assemble_from_lines(lines, source)


def assemble_from_lines(lines: list[Line], source: str) -> Document:
    cover = read_cover(lines)
    refuse_budget(lines, cover, source)
    toc = find_toc(lines)
    body = lines[toc.body:]
    tracker = PartTracker(body)
    parts: dict[str, list[Line]] = {"overview": [], "tables": [], "narrative": [], "glossary": [], "annex": []}
    found: list[FoundTable] = []
    current_part = "overview"
    current: FoundTable | None = None
    pending_label: str | None = None
    for index, line in enumerate(body):
        following = next((ln for ln in body[index + 1:index + 3] if ln.compact), None)
        kind = tracker.heading(line, following)
        if kind:
            current_part = kind
            current = None
            continue
        if current_part in ("overview", "tables") and not line.cells:
            if LABEL_LINE.fullmatch(line.compact):
                pending_label = line.compact
            match = identify_title(line.text)
            if match is not None:
                current_part = "tables"
                if current is not None and current.raw.spec.id == match.spec.id:
                    pending_label = None
                    continue  # the title repeated over a continuation: the same table goes on
                current = FoundTable(RawTable(spec=match.spec, title=line.compact,
                                              location=Location(table=match.spec.id, line=line.location.line)),
                                     label=match.label or pending_label)
                pending_label = None
                found.append(current)
                continue
        if current_part == "tables" and current is not None:
            if line.cells is not None:
                current.raw.rows.append(RawRow(cells=line.cells, location=line.location))
            elif line.compact:
                current.raw.meta.append((line.text, line.location))
            continue
        parts[current_part].append(line)
    tables = interpret_found(merge_found(found))
    return document_from_parts(source=source, identity=cover.identity, tables=tables, parts=parts, lines=lines,
                               pages=None, toc=toc)
