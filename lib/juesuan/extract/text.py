"""Read the text form of a disclosure: tables as tab-separated lines, narrative as paragraphs.

This is how a disclosure reads once extracted (the seed, ``data/*.txt``). Every cell keeps its line
number; the PDF reader fills in pages instead.
"""

from __future__ import annotations

from pathlib import Path

from juesuan.catalog import identify_title
from juesuan.core.exceptions import InputError
from juesuan.core.model import Document, Location
from juesuan.core.normalize import decode_text, normalise
from juesuan.extract.assemble import FoundTable, LABEL_LINE, document_from_parts, interpret_found, merge_found
from juesuan.extract.rawtable import RawRow, RawTable
from juesuan.extract.segment import PartTracker, find_toc, read_cover, refuse_budget
from juesuan.extract.structure import Line

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
    text = decode_text(data)
    if text is None:  # pragma: no cover - gb18030 decodes nearly anything
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
                if current is not None and current.label is None and not current.raw.rows:
                    current.label = line.compact  # the label printed under its title ("表7")
                else:
                    pending_label = line.compact  # the label printed above the next title
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
