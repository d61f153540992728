"""The parts of a disclosure shared by every reader: identity, narrative sections, glossary, annex.

A reader hands over lines (normalised text with their location, and the tab-separated cells where
the source has a grid); this module finds what they are. Tables are interpreted in
:mod:`juesuan.extract.layouts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from juesuan.catalog import SECTION_TABLES, chinese_ordinal_value, identify_title
from juesuan.core.model import Location, Paragraph, PerformanceEvaluation, Section, Weight
from juesuan.core.money import Amount, NumberFormatError, parse_decimal
from juesuan.core.normalize import compact


@dataclass
class Line:
    """One line of the source, normalised, with its cells when the source splits it into a grid."""

    text: str
    location: Location
    cells: list[str] | None = None

    @property
    def compact(self) -> str:
        return compact(self.text)


PART_HEADING = re.compile(r"^第([一二三四五六七八九十]+)部分\s*(.*)$")
SECTION_HEADING = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
SUBSECTION_HEADING = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")


def part_kind(heading: str) -> str | None:
    """Which part a 第X部分 heading opens."""
    t = compact(heading)
    if "名词解释" in t:
        return "glossary"
    if "情况说明" in t or "决算说明" in t or "报表说明" in t:
        return "narrative"
    if "决算表" in t or "报表" in t or "预算表" in t:
        return "tables"
    if "附件" in t or "附表" in t:
        return "annex"
    if "概况" in t:
        return "overview"
    return None


@dataclass
class Identity:
    unit_name: str | None
    year: int | None
    scope: str | None
    kind: str  # final / budget
    location: Location | None


def section_table(heading: str) -> str | None:
    """The table a narrative section explains, by the longest matching key phrase of its heading."""
    t = compact(heading)
    if "三公" in t:
        return "09"
    if "其他重要事项" in t:
        return "10"
    best: tuple[int, str] | None = None
    for table_id, phrases in SECTION_TABLES:
        for phrase in phrases:
            if phrase in t and (best is None or len(phrase) > best[0]):
                best = (len(phrase), table_id)
    if best is None:
        # "(一)高等学校收支决算总表说明": a section named after its table's title.
        match = identify_title(re.sub(r"(情况)?说明$", "", re.sub(r"^[(（][一二三四五六七八九十]+[)）]", "", t)))
        return match.spec.id if match else None
    return best[1] if best else None


def _is_section_heading(pattern: re.Pattern, text: str) -> bool:
    m = pattern.match(text)
    return bool(m) and chinese_ordinal_value(m.group(1)) is not None and len(text) < 60 and not text.endswith("。")


_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？")


def build_sections(lines: list[Line]) -> list[Section]:
    """Split the 情况说明 part into numbered sections and paragraphs.

    A paragraph broken across lines (a page break in the middle of 社保) is joined back when the
    earlier line does not end a sentence and the later one does not open a heading.
    """
    sections: list[Section] = []
    current: Section | None = None
    # Sections are numbered 一、二、…; a narrative without such headings (the 高等学校 form, under
    # "三、决算报表说明") numbers them (一)(二)….
    pattern = SECTION_HEADING
    if not any(_is_section_heading(SECTION_HEADING, ln.text.strip()) for ln in lines):
        pattern = SUBSECTION_HEADING
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        m = pattern.match(text)
        number = chinese_ordinal_value(m.group(1)) if m else None
        if m and number is not None and len(text) < 60 and not text.endswith("。"):
            current = Section(number=number, heading=text, paragraphs=[], location=line.location,
                              table_id=section_table(text))
            sections.append(current)
            continue
        if current is None:
            continue
        previous = current.paragraphs[-1].text if current.paragraphs else ""
        if previous and not previous.endswith(_SENTENCE_END) and not _opens_heading(text) and not _is_subheading(previous):
            last = current.paragraphs[-1]
            current.paragraphs[-1] = Paragraph(text=last.text + text, location=last.location)
        else:
            current.paragraphs.append(Paragraph(text=text, location=line.location))
    return sections


def _is_subheading(text: str) -> bool:
    """(三)国有资产占用情况说明: a short numbered line without figures."""
    return _opens_heading(text) and len(text) < 40 and not re.search(r"\d+(\.\d+)?\s*(万元|%)", text)


def _opens_heading(text: str) -> bool:
    return bool(re.match(r"^[(（][一二三四五六七八九十]+[)）]|^\d+[、.]|^[一二三四五六七八九十]+、", text))


# --- the annex: 项目支出绩效自评表 ------------------------------------------------------------------

_WEIGHT_IN_LABEL = re.compile(r"^(.*?)\s*[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_RULE_WEIGHTS = re.compile(r"(预算执行率|产出指标|效益指标|服务对象满意度指标|满意度指标)\s*(\d+(?:\.\d+)?)\s*分")
_RATE = re.compile(r"预算执行率\s*(\d+(?:\.\d+)?)\s*%")
_SCORE_IN_TEXT = re.compile(r"自评得分\s*(\d+(?:\.\d+)?)\s*分")


def _first_level(name: str) -> str:
    """Canonical name of a first-level indicator, so header and rule weights can be compared."""
    t = compact(name)
    for canonical in ("预算执行率", "产出指标", "效益指标", "满意度指标"):
        if canonical in t:
            return canonical
    if "项目执行情况" in t:
        return "预算执行率"
    return t


def parse_annex(lines: list[Line]) -> list[PerformanceEvaluation]:
    """Every 绩效自评表 in the annex part; one per 项目名称 row."""
    evaluations: list[PerformanceEvaluation] = []
    blocks: list[list[Line]] = []
    for line in lines:
        if line.cells and compact(line.cells[0]) == "项目名称":
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    for block in blocks:
        evaluations.append(_parse_evaluation(block))
    return evaluations


def _amount_after(cells: list[str], label_word: str) -> Amount | None:
    for i, c in enumerate(cells):
        if label_word in compact(c):
            for nxt in cells[i + 1:]:
                if compact(nxt):
                    try:
                        return Amount.from_printed(compact(nxt), "万元")
                    except NumberFormatError:
                        return None
            return None
    return None


def _parse_evaluation(block: list[Line]) -> PerformanceEvaluation:
    project = None
    budget = received = executed = None
    stated_rate = None
    header_weights: list[Weight] = []
    rule_weights: list[Weight] = []
    scores: list[Weight] = []
    total_score = None
    for line in block:
        cells = line.cells or [line.text]
        joined = compact("".join(cells))
        if cells and compact(cells[0]) == "项目名称":
            project = next((compact(c) for c in cells[1:] if compact(c)), None)
        if "项目预算金额" in joined or "实际到位金额" in joined:
            budget = budget or _amount_after(cells, "项目预算金额")
            received = received or _amount_after(cells, "实际到位金额")
            executed = executed or _amount_after(cells, "实际执行金额")
        m = _RATE.search(joined)
        if m and stated_rate is None and "设置为" not in joined:
            stated_rate = (Decimal(m.group(1)), m.group(0))
        if "总分设置为" in joined or ("预算执行率" in joined and "产出指标" in joined and "分" in joined and "设置" in joined):
            for name, points in _RULE_WEIGHTS.findall(joined):
                rule_weights.append(Weight(_first_level(name), Decimal(points),
                                           Location(table="附件", row="评分规则", line=line.location.line, page=line.location.page,
                                                    quote=line.text.strip())))
            continue
        for c in cells:
            wm = _WEIGHT_IN_LABEL.match(compact(c))
            if wm and any(k in wm.group(1) for k in ("指标", "执行情况")):
                name = _first_level(wm.group(1))
                loc = Location(table="附件", row=compact(c), line=line.location.line, page=line.location.page)
                header_weights.append(Weight(name, Decimal(wm.group(2)), loc))
                score = _SCORE_IN_TEXT.search(joined)
                value = Decimal(score.group(1)) if score else _last_number(cells)
                if value is not None:
                    scores.append(Weight(name, value, Location(table="附件", row=compact(c), column="自评得分",
                                                               line=line.location.line, page=line.location.page)))
                break
        if cells and compact(cells[0]) in ("总分", "总 分"):
            value = _last_number(cells)
            if value is not None:
                total_score = Weight("总分", value, Location(table="附件", row="总分", column="自评得分", line=line.location.line,
                                                             page=line.location.page))
    loc = block[0].location if block else Location()
    return PerformanceEvaluation(project, budget, received, executed, stated_rate, header_weights, rule_weights,
                                 scores, total_score, Location(table="附件", row=project, line=loc.line, page=loc.page))


def _last_number(cells: list[str]) -> Decimal | None:
    for c in reversed(cells):
        t = compact(c)
        if t:
            try:
                return parse_decimal(t)
            except NumberFormatError:
                return None
    return None
