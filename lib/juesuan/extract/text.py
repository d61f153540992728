"""Read the text form of a disclosure: tables as tab-separated lines, narrative as paragraphs.

This is how a disclosure reads once extracted (the seed, ``data/*.txt``). Every cell keeps its line
number; the PDF reader fills in pages instead.
"""

from __future__ import annotations

from pathlib import Path

from juesuan.catalog import identify_table
from juesuan.core.exceptions import InputError
from juesuan.extract.layouts import interpret
from juesuan.core.model import Document, Location, Table
from juesuan.core.normalize import compact, normalise
from juesuan.extract.rawtable import RawRow, RawTable
from juesuan.extract.structure import PART_HEADING, Line, identify, mentions_budget_only, part_kind
from juesuan.extract.assemble import document_from_parts

MAX_BYTES = 20 * 1024 * 1024


#: A disclosure's text export runs to a few thousand lines; the longest real one has under 10,000.
#: A file with more is not one: 19.5 MB of blank lines once cost 193 s and 6.2 GB; 50,000 lines cost ~3 s.
MAX_LINES = 50_000
#: Everything ``str.splitlines`` ends a line at.
_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def read_text_file(path: Path) -> Document:
    """Read a text export. The size is checked on the open file before anything is read, and no
    more than the limit is ever read (a file that grows meanwhile, or a device, cannot get past
    it); a file of pathologically many lines is refused before it is split."""
    data = _read_bounded(path)
    if not data.strip():
        raise InputError(str(path), "文件是空的", "empty")
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
    del data
    lines = sum(text.count(mark) for mark in _LINE_BREAKS) - text.count("\r\n") + 1
    if lines > MAX_LINES:
        raise InputError(str(path), f"行数过多（{lines}行，上限{MAX_LINES}行），不像是一份决算公开文件", "too_large")
    return read_text(text, source=str(path))


def _read_bounded(path: Path) -> bytes:
    """At most ``MAX_BYTES`` of a regular file; refuses a larger or a special file before reading."""
    import os
    import stat

    def too_large(size: int) -> InputError:
        return InputError(str(path), f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {MAX_BYTES // 1024 // 1024} MB 上限",
                          "too_large")

    try:
        # O_NONBLOCK: should the path have become a FIFO since it was looked at, opening it must not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(str(path), f"无法读取文件：{exc.strerror or exc}", "unreadable") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), "不是普通文件（命名管道、设备或套接字），不读取", "not_regular")
        if info.st_size > MAX_BYTES:
            raise too_large(info.st_size)
        try:
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(str(path), f"无法读取文件：{exc.strerror or exc}", "unreadable") from exc
    if len(data) > MAX_BYTES:
        raise too_large(len(data))
    return data


def read_text(text: str, source: str = "<text>") -> Document:
    """Read a disclosure from its text form."""
    lines = [
        Line(text=normalise(raw), location=Location(line=i), cells=[normalise(c) for c in raw.split("\t")] if "\t" in raw else None)
        for i, raw in enumerate(text.splitlines(), start=1)
    ]
    return assemble_from_lines(lines, source)


def assemble_from_lines(lines: list[Line], source: str) -> Document:
    identity = identify(lines)
    if identity.kind == "budget" or mentions_budget_only(lines):
        raise InputError(source, "这是预算公开文件（预算），不是决算公开，不能按决算审核", "not_final_accounts")
    body = _skip_table_of_contents(lines)
    parts: dict[str, list[Line]] = {"overview": [], "tables": [], "narrative": [], "glossary": [], "annex": []}
    raw_tables: list[RawTable] = []
    current_part = "overview"
    current_table: RawTable | None = None
    for line in body:
        heading = PART_HEADING.match(line.compact)
        if heading and not line.cells:
            kind = part_kind(line.text)
            if kind:
                current_part = kind
                current_table = None
                continue
        if current_part in ("overview", "tables") and not line.cells:
            spec = identify_table(line.text)
            if spec is not None:
                current_table = RawTable(spec=spec, title=line.compact, location=Location(table=spec.id, line=line.location.line))
                raw_tables.append(current_table)
                current_part = "tables"
                continue
        if current_part == "tables" and current_table is not None:
            if line.cells is not None:
                current_table.rows.append(RawRow(cells=line.cells, location=line.location))
            elif line.compact:
                current_table.meta.append((line.text, line.location))
            continue
        parts[current_part].append(line)
    tables: dict[str, Table] = {}
    for raw in raw_tables:
        table = interpret(raw)
        if raw.spec.id in tables:
            # A second title for the same table (a repeated heading): the first one is the table.
            continue
        tables[raw.spec.id] = table
    return document_from_parts(source=source, identity=identity, tables=tables, parts=parts, lines=lines,
                               pages=None)


def _skip_table_of_contents(lines: list[Line]) -> list[Line]:
    """The body after 目录: from the second time the first part heading appears."""
    toc = next((i for i, line in enumerate(lines[:80]) if compact(line.text) in ("目录", "目 录")), None)
    if toc is None:
        return lines
    first_heading = None
    for i in range(toc + 1, len(lines)):
        m = PART_HEADING.match(lines[i].compact)
        if m:
            if first_heading is None:
                first_heading = lines[i].compact.split("\t")[0]
                first_heading = compact(first_heading.rstrip("0123456789."))
                continue
            if compact(lines[i].compact.rstrip("0123456789.")) == first_heading and not lines[i].cells:
                return lines[i:]
    return lines[toc + 1:]

