"""The document's structure, shared by the text and PDF readers: cover, table of contents, parts.

Both readers hand over :class:`~juesuan.extract.structure.Line` objects (normalised text with its page or
line number; grid rows carry cells). This module says

- what the cover says (:func:`read_cover`): unit name, year, 部门/单位, and whether the file is final
  accounts (决算) at all — a budget (预算) is recognised by its cover or by its table labels (预算01表);
- where the table of contents is and what it lists (:func:`find_toc`), so the body is read after it and
  a TOC line is never taken for a heading or a table;
- which part a heading opens (:class:`PartTracker`): 第X部分 headings, a 第X部分 alone on its line with
  its name on the next, and — in documents without 第X部分 — top-level headings such as "二、2023年度部门
  决算报表" or "三、决算报表说明".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juesuan.catalog import BUDGET_LABEL, identify_title
from juesuan.core.exceptions import InputError
from juesuan.core.labels import ORDINAL_CHARS, YEAR
from juesuan.core.normalize import compact
from juesuan.extract.structure import PART_HEADING, Identity, Line, part_kind

# --- cover --------------------------------------------------------------------------------------------

_COVER_LINES = 12
# "2019年佛山市轨道交通局 部门决算", "2026年深圳市…大鹏" / "管理局部门预算": the year first.
_YEAR_FIRST = re.compile(rf"^({YEAR})\s*年度?(.{{2,40}}?)(部门|单位)?(决算|预算)")
# "西安市卫生健康委员会(汇总)" / "2022年度部门决算": the unit first (a few words may sit between, 区级).
_UNIT_FIRST = re.compile(rf"^(.{{2,40}}?)({YEAR})\s*年度?\D{{0,4}}?(部门|单位)?(决算|预算)")
_PART_PREFIX = re.compile(rf"^第[{ORDINAL_CHARS}]+部分")


_GENERIC = ("部门", "单位", "本部门", "本单位", "区级", "市级", "省级", "县级", "年度", "我单位", "我部门")


def _clean_unit(name: str) -> str | None:
    name = _PART_PREFIX.sub("", compact(name))
    name = re.sub(r"^(附件\d*[:：]?)", "", name)
    name = name.strip(":：,，、")
    # a date or a year ("2024年8月") is not a name, nor a word such as 部门, nor a sentence or a label: value
    if len(name) < 3 or name in _GENERIC or name.startswith(("本", "我")) or re.search(rf"{YEAR}\s*年", name) \
            or re.fullmatch(r"[\d\W_]+", name) or re.search(r"[:：，。；;]", name):
        return None
    return name


def _cover_lines(lines: list[Line]) -> list[Line]:
    """The lines of the cover: the first page of a PDF, or what comes before 目录 in a text export."""
    texts = [ln for ln in lines if ln.compact and not ln.cells]
    if not texts:
        return []
    first_page = texts[0].location.page
    out: list[Line] = []
    for ln in texts:
        if first_page is not None and ln.location.page != first_page:
            break
        if ln.compact in ("目录", "目次"):
            break
        out.append(ln)
        if len(out) >= _COVER_LINES:
            break
    return out


@dataclass
class Cover:
    identity: Identity
    title: str | None  # the cover title as read ("2019年佛山市轨道交通局部门决算"), for messages


def read_cover(lines: list[Line]) -> Cover:
    """Unit name, year, scope and 决算/预算 from the cover title, whichever order and however wrapped."""
    cover = _cover_lines(lines)
    # from the top, up to three lines joined: a name wrapped over lines joins its title (a heading above
    # it carries punctuation or a label and is refused as a name)
    fallback: Cover | None = None
    for i in range(len(cover)):
        for width in (1, 2, 3):
            if i + width > len(cover):
                break
            joined = "".join(ln.compact for ln in cover[i:i + width])
            m = _YEAR_FIRST.match(joined)
            if m and _clean_unit(m.group(2)) is None:
                # "2024年度部门决算" alone: the year and the kind, the name elsewhere (kept if nothing better)
                fallback = fallback or Cover(Identity(None, int(m.group(1)), m.group(3) or _scope(m.group(2)),
                                                      "budget" if m.group(4) == "预算" else "final", cover[i].location),
                                             m.group(0))
                m = None
            if m:
                unit, year, scope, kind = _clean_unit(m.group(2)), int(m.group(1)), m.group(3), m.group(4)
            else:
                m = _UNIT_FIRST.match(joined)
                if not m:
                    continue
                unit, year, scope, kind = _clean_unit(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
                if unit is None:
                    continue
            identity = Identity(unit, year, scope, "budget" if kind == "预算" else "final", cover[i].location)
            return Cover(identity, m.group(0))
    if fallback is not None:
        if fallback.identity.unit_name is None:
            fallback.identity.unit_name = _fallback_identity(lines).unit_name
        return fallback
    return Cover(_fallback_identity(lines), None)


def _scope(word: str) -> str | None:
    return word if word in ("部门", "单位") else None


def _fallback_identity(lines: list[Line]) -> Identity:
    """No cover title: the first line further on that reads like one (a part heading naming the unit)."""
    pattern = re.compile(rf"({YEAR})\s*年度?\s*(部门|单位)?\s*(决算|预算)")
    for line in [ln for ln in lines[:60] if ln.compact and not ln.cells]:
        m = pattern.search(line.compact)
        if not m or "目录" in line.compact:
            continue
        unit = _clean_unit(line.compact[: m.start()])
        return Identity(unit, int(m.group(1)), m.group(2), "budget" if m.group(3) == "预算" else "final", line.location)
    return Identity(None, None, None, "final", None)


def refuse_budget(lines: list[Line], cover: Cover, source: str) -> None:
    """Raise InputError ``not_final_accounts`` when the document is a budget (预算), naming why."""
    if cover.identity.kind == "budget":
        raise InputError(source, f"这是预算公开文件（封面：“{cover.title}”），不是决算，不能按决算审核", "not_final_accounts")
    head = [ln for ln in lines[:600] if ln.compact]
    budget_labels = [ln for ln in head if BUDGET_LABEL.search(ln.compact)]
    if budget_labels and cover.title is None:
        raise InputError(source, f"这是预算报表（表号“{BUDGET_LABEL.search(budget_labels[0].compact).group(0)}”），"
                                 "不是决算，不能按决算审核", "not_final_accounts")
    text = "".join(ln.compact for ln in head[:400])
    if cover.title is None and "决算" not in text and ("预算公开" in text or "收支预算总表" in text or "预算表" in text):
        raise InputError(source, "这是预算公开文件（全文只有预算表，没有决算），不是决算，不能按决算审核", "not_final_accounts")


# --- table of contents ------------------------------------------------------------------------------

_LEADERS = re.compile(r"(?:\.{2,}|…+|·{2,}|-{3,}|\s)*\d{1,3}\s*$")
_ENTRY_SPLIT = re.compile(r"(?:\.{2,}|…+|·{2,})\s*\d{1,3}")


def _entry_key(text: str) -> str:
    """A TOC entry or heading without leaders, page number and spaces."""
    return compact(_LEADERS.sub("", text.split("\t")[0] if "\t" in text else text))


@dataclass
class Toc:
    start: int | None  # index of the 目录 line
    body: int  # index of the first body line
    entries: list[str] = field(default_factory=list)

    def tables(self) -> list[str]:
        """Canonical ids of the tables the TOC lists, in order."""
        out = []
        for entry in self.entries:
            match = identify_title(entry)
            if match and match.spec.id not in out:
                out.append(match.spec.id)
        return out


def find_toc(lines: list[Line]) -> Toc:
    """The 目录 and where the body starts: where the TOC's first entry appears again as a heading
    (alone, or a bare 第X部分 with its name on the next line). Entries may carry dot leaders and page
    numbers and stand several to a line."""
    start = None
    for i, line in enumerate(lines[:150]):
        if line.compact in ("目录", "目次"):
            start = i
            break
    if start is None:
        return Toc(None, 0)
    toc_page = lines[start].location.page
    entries: list[str] = []
    first = None
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if not line.compact:
            continue
        key = _entry_key(line.text)
        nxt = next((ln for ln in lines[j + 1:j + 3] if ln.compact), None)
        if first is not None and _opens(key, nxt, first) and not (line.cells and _has_page_number(line)):
            return Toc(start, j, entries)
        if first is None or len(entries) < 80:
            for piece in (_ENTRY_SPLIT.split(line.text.replace("\t", " ")) if _ENTRY_SPLIT.search(line.text) else [line.text]):
                k = _entry_key(piece)
                if k:
                    entries.append(k)
            if first is None and entries:
                first = entries[0]
    # The first entry never came back: the body starts on the page after the TOC (PDF), or right after it.
    if toc_page is not None:
        last_toc = start
        for j in range(start + 1, len(lines)):
            if lines[j].location.page != toc_page and not _looks_like_entry(lines[j]):
                return Toc(start, j, entries)
            last_toc = j
        return Toc(start, last_toc + 1, entries)
    return Toc(start, start + 1, entries)


def _has_page_number(line: Line) -> bool:
    return bool(re.search(r"\d+\s*$", line.text))


def _looks_like_entry(line: Line) -> bool:
    return bool(_ENTRY_SPLIT.search(line.text))


def _opens(key: str, nxt: Line | None, first: str) -> bool:
    if not key:
        return False
    if key == first:
        return True
    if nxt is not None and key + _entry_key(nxt.text) == first:
        return True
    return bool(re.fullmatch(rf"第[{ORDINAL_CHARS}]+部分", key)) and first.startswith(key)


# --- parts --------------------------------------------------------------------------------------------

_ORDINAL_HEADING = re.compile(rf"^[{ORDINAL_CHARS}]+、\s*(.{{1,40}})$")


def ordinal_part_kind(text: str) -> str | None:
    """Which part a top-level "二、…" heading opens in a document without 第X部分 headings; None for a
    heading that belongs inside a part (a narrative section, a table title)."""
    t = compact(text)
    m = _ORDINAL_HEADING.match(t)
    if not m:
        return None
    name = m.group(1)
    if "名词解释" in name:
        return "glossary"
    if any(k in name for k in ("决算报表说明", "部门决算说明", "决算说明", "报表说明")):
        return "narrative"
    if "情况说明" in name and "决算情况说明" in name and identify_title(name.removesuffix("情况说明")) is None:
        return "narrative"
    if re.search(r"(决算报表|决算表)$", name) and identify_title(name) is None:
        return "tables"
    if name.startswith("附件") or name == "附表":
        return "annex"
    if name.endswith("概况"):
        return "overview"
    return None


class PartTracker:
    """Follows the part the reader is in, line by line."""

    def __init__(self, body: list[Line]):
        # Top-level "二、…" headings open parts only where the document has no 第X部分 headings.
        self.ordinal_parts = not any(PART_HEADING.match(ln.compact) and not ln.cells for ln in body)
        self.current = "overview"

    def heading(self, line: Line, following: Line | None = None) -> str | None:
        """The part this line opens, or None when it opens none. ``following`` is the next text line,
        for a 第X部分 printed alone with its name below."""
        if line.cells:
            return None
        if PART_HEADING.match(line.compact):
            kind = part_kind(line.text)
            if kind is None and following is not None and not following.cells:
                kind = part_kind(line.text + following.text)
            return kind
        if self.ordinal_parts:
            return ordinal_part_kind(line.text)
        return None
