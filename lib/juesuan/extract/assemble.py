"""Put the parts a reader found into one :class:`Document`, with the document-wide facts."""

from __future__ import annotations

import re

from dataclasses import dataclass, field

from juesuan.catalog import templates
from juesuan.core.exceptions import InputError
from juesuan.core.model import Document, Location, PerformanceEvaluation, Section, Table
from juesuan.core.normalize import compact
from juesuan.extract.layouts import interpret
from juesuan.extract.rawtable import RawTable
from juesuan.extract.structure import Identity, Line, build_sections, parse_annex

_CUTOFF = re.compile(r"截[至止](20\d{2})年12月31日")
_LEADING_YEAR = re.compile(r"^(20\d{2})年度?")
_EVAL_YEAR = re.compile(r"评价年度\s*(20\d{2})")


#: A printed table label alone on its line, above or below the title: 表1, 附表2, 公开01表.
LABEL_LINE = re.compile(r"(表|附表)\d{1,2}|公开\d{1,2}表")


@dataclass
class FoundTable:
    """One table as a reader found it: its grid so far, and what the reader noticed on the way."""

    raw: RawTable
    label: str | None = None  # the label printed with the title (表1, 公开01表)
    grids: list = field(default_factory=list)  # PDF grids under the title, in order
    problems: list[str] = field(default_factory=list)
    stray_text: list[str] = field(default_factory=list)


def merge_found(found: list[FoundTable]) -> list[FoundTable]:
    """One entry per table: a table whose title comes back later (a continuation the reader could not
    attach directly) keeps every page, in order. Nothing is dropped."""
    merged: dict[str, FoundTable] = {}
    for f in found:
        first = merged.get(f.raw.spec.id)
        if first is None:
            merged[f.raw.spec.id] = f
            continue
        first.raw.meta.extend(f.raw.meta)
        first.raw.rows.extend(f.raw.rows)
        if f.raw.pages:
            a = first.raw.pages or f.raw.pages
            first.raw.pages = (min(a[0], f.raw.pages[0]), max(a[1], f.raw.pages[1]))
        first.grids.extend(f.grids)
        first.problems.extend(f.problems)
        first.stray_text.extend(f.stray_text)
        first.label = first.label or f.label
    return list(merged.values())


def interpret_found(found: list[FoundTable]) -> dict[str, Table]:
    """Interpret each table's grid (juesuan.extract.layouts) and keep the label printed with its title."""
    tables: dict[str, Table] = {}
    for f in found:
        table = interpret(f.raw)
        if table.label is None and f.label:
            table.label = f.label
        tables[table.id] = table
    return tables


def detect_template(tables: dict[str, Table]) -> str | None:
    """The template family, by score over the tables found (juesuan.catalog.templates)."""
    return templates.detect([templates.Found(t.id, t.title, t.label) for t in tables.values()])


def assemble_document(
    *,
    source: str,
    identity: Identity,
    tables: dict[str, Table],
    sections: list[Section],
    glossary: list[str],
    annex: list[PerformanceEvaluation],
    lines: list[Line],
    pages: int | None,
    annex_lines: list[Line] = (),
) -> Document:
    unit_mentions: list[tuple[str, Location]] = []
    year_mentions: list[tuple[int, Location]] = []
    if identity.unit_name:
        unit_mentions.append((identity.unit_name, identity.location or Location(row="封面")))
    if identity.year:
        year_mentions.append((identity.year, identity.location or Location(row="封面")))
    for table in tables.values():
        if table.unit_name:
            unit_mentions.append((table.unit_name, Location(table=table.id, row="部门名称", line=table.location.line,
                                                            page=table.pages[0] if table.pages else None)))
        if table.year:
            year_mentions.append((table.year, Location(table=table.id, row="年度", line=table.location.line,
                                                       page=table.pages[0] if table.pages else None)))
    for section in sections:
        for paragraph in section.paragraphs:
            for m in _CUTOFF.finditer(compact(paragraph.text)):
                year_mentions.append((int(m.group(1)), _quote(paragraph.location, paragraph.text)))
            m = _LEADING_YEAR.match(compact(paragraph.text))
            if m:
                year_mentions.append((int(m.group(1)), _quote(paragraph.location, paragraph.text)))
    # The annex (绩效自评表) states its evaluation year. Its 实施单位 are not compared with the cover: in a
    # 部门汇总 they are the subordinate units, named there by design.
    for line in annex_lines:
        m = _EVAL_YEAR.search(line.compact)
        if m:
            year_mentions.append((int(m.group(1)), Location(table="附件", row="绩效自评评价年度", line=line.location.line,
                                                            page=line.location.page)))
    return Document(
        source=source,
        unit_name=identity.unit_name,
        year=identity.year,
        scope=identity.scope,
        template=detect_template(tables),
        tables=tables,
        sections=sections,
        glossary=glossary,
        annex=annex,
        lines=[line.text for line in lines],
        pages=pages,
        kind=identity.kind,
        unit_name_mentions=unit_mentions,
        year_mentions=year_mentions,
    )


def document_from_parts(*, source: str, identity: Identity, tables: dict[str, Table], parts: dict[str, list[Line]],
                        lines: list[Line], pages: int | None, toc=None) -> Document:
    """The document from what a reader sorted into parts; refuse a file with neither tables nor narrative."""
    if not tables and not parts["narrative"]:
        raise InputError(source, "没有找到任何决算表或情况说明，不像是决算公开文件", "no_tables")
    return assemble_document(
        source=source,
        identity=identity,
        tables=tables,
        sections=build_sections(parts["narrative"]),
        glossary=[line.text for line in parts["glossary"] if line.compact],
        annex=parse_annex(parts["annex"]),
        lines=lines,
        pages=pages,
        annex_lines=parts["annex"],
    )


def _quote(location: Location, text: str) -> Location:
    return Location(page=location.page, line=location.line, quote=text.strip())


def describe_document(doc: Document) -> dict:
    """What was read: the ``"document"`` block of ``juesuan check --format json`` (README, JSON)."""
    template = templates.get(doc.template)
    tables = []
    for table in sorted(doc.tables.values(), key=lambda t: (t.pages or (10**6, 0))[0]):
        tables.append({
            "id": table.id,
            "title": table.title,
            "label": table.label,
            "pages": list(table.pages) if table.pages else None,
            "status": "read" if table.readable else "could_not_read",
            "reason": None if table.readable else table.unreadable_reason,
        })
    return {
        "unit": doc.unit_name,
        "year": doc.year,
        "kind": doc.kind,
        "scope": doc.scope,
        "template": doc.template,
        "template_name": template.name if template is not None else None,
        "tables": tables,
    }
