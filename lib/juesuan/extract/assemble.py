"""Put the parts a reader found into one :class:`Document`, with the document-wide facts."""

from __future__ import annotations

import re

from juesuan.core.exceptions import InputError
from juesuan.core.model import Document, Location, PerformanceEvaluation, Section, Table
from juesuan.core.normalize import compact
from juesuan.extract.structure import Identity, Line, build_sections, parse_annex

_CUTOFF = re.compile(r"截[至止](20\d{2})年12月31日")
_LEADING_YEAR = re.compile(r"^(20\d{2})年度?")
_EVAL_YEAR = re.compile(r"评价年度\s*(20\d{2})")
_IMPLEMENTER = re.compile(r"实施单位")


def detect_template(tables: dict[str, Table]) -> str | None:
    """shanxi-10 (公开01–10, 三公 = 09) or shanghai-9 (nine tables, 三公 printed as 七/07).

    The printed labels decide where they exist: a missing table must not change the template.
    """
    numbers = {tid: int(re.sub(r"\D", "", t.label)) for tid, t in tables.items() if t.label and re.search(r"\d", t.label)}
    if numbers:
        if all(int(tid) == n for tid, n in numbers.items()):
            return "shanghai-9" if numbers.get("09") is None and "10" not in tables and len(tables) == 9 else "shanxi-10"
        if numbers.get("09") == 7 or numbers.get("07") == 8:
            return "shanghai-9"
    if "10" in tables:
        return "shanxi-10"
    if len(tables) >= 8:
        return "shanghai-9"
    return None


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
    in_annex = False
    for line in lines:
        text = line.compact
        if text.startswith("第五部分") or text == "附件1":
            in_annex = True
        if not in_annex:
            continue
        m = _EVAL_YEAR.search(text)
        if m:
            year_mentions.append((int(m.group(1)), Location(table="附件", row="绩效自评评价年度", line=line.location.line,
                                                            page=line.location.page)))
        if line.cells and _IMPLEMENTER.search(text):
            cells = [compact(c) for c in line.cells]
            for i, c in enumerate(cells):
                if c == "实施单位":
                    name = next((n for n in cells[i + 1:] if n), None)
                    if name:
                        unit_mentions.append((name, Location(table="附件", row="实施单位", line=line.location.line,
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
                        lines: list[Line], pages: int | None) -> Document:
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
    )


def _quote(location: Location, text: str) -> Location:
    return Location(page=location.page, line=location.line, quote=text.strip())
