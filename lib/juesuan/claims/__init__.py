"""Narrative claims (DOMAIN.md §5): every checkable statement of 情况说明 as a structured record.

The narrative follows a template with slots. This module reads each sentence once, turns its figures
into :class:`Claim` records (kind, subject, figures, direction word, the sentence quoted), and the
rules work on claims only: no rule carries a regular expression of its own.

Kinds:
  amount      X 万元 said of a subject (收入总计365.65万元)
  share       占比 S% of a subject, against a stated or implied denominator
  yoy         与上年相比 增加/减少 D 万元, 增长/下降 P%
  budget      年初预算 A 万元, 支出决算 B 万元, 完成年初预算的 C%
  breakdown   a parent amount and its parts listed after 其中/包括
  count       团组, 人次, 车辆, 批次, 设备, 项目 counts
  absence     本年度无此项收支, 无机关运行经费
  unchanged   与上年相同 / 持平, with no figures
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.catalog import STATS_ROWS
from juesuan.core.model import Document, Location, Section
from juesuan.core.money import Amount, NumberFormatError, parse_decimal
from juesuan.core.normalize import compact

MONEY_UNITS = ("万元", "亿元", "元")

_FIGURE = re.compile(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|%|人次|批次|台\(套\)|台|套|个|辆|人|项)")
_SENTENCE = re.compile(r"[^。;；!?！？]+[。;；!?！？]?")
_LEADING_NOISE = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）]|\d+[、.]|[一二三四五六七八九十]+、)?"
    r"(?:20\d{2}年度?|本年度|本年|全年|截至20\d{2}年12月31日)?"
    r"(?:其中[:：]?|主要包括|主要用于|包括|分别为|分别是|共计|合计为|为|是|有)?"
)
_DIRECTION_CHANGE = {"增加": "up", "减少": "down", "增长": "up", "下降": "down", "上升": "up", "降低": "down"}
_BUDGET_DIRECTION = ("大于", "小于", "等于", "持平", "超过", "低于", "高于")


@dataclass(frozen=True)
class Figure:
    """A number as the sentence wrote it."""

    value: Decimal
    text: str
    unit: str

    @property
    def decimals(self) -> int:
        return len(self.text.split(".", 1)[1]) if "." in self.text else 0

    def amount(self) -> Amount:
        """As an :class:`Amount` (万元), with the rounding interval its printed form allows."""
        return Amount.from_printed(self.text, self.unit)

    @property
    def half_step(self) -> Decimal:
        """Half of the last printed decimal place (for percents: 22.68% -> 0.005)."""
        return Decimal(1).scaleb(-self.decimals) / 2


@dataclass
class Claim:
    kind: str
    section: int  # narrative section number
    table_id: str | None  # the table the section explains
    subject: str  # normalised subject, "" when the sentence names none
    figures: dict[str, Figure]
    quote: str
    location: Location
    direction: str | None = None  # up / down / same, or the budget word (大于 …)
    direction_word: str | None = None
    denominator: str | None = None  # share: the stated denominator phrase, None when implied
    parts: list["Claim"] = field(default_factory=list)  # breakdown children
    level: str | None = None  # 类 / 款 / 项 when the sentence marks it
    group: str | None = None  # breakdown group (shares of one implied denominator)
    marker: str | None = None  # breakdown: 其中 / 包括 / 主要包括


def clean_subject(text: str) -> tuple[str, str | None]:
    """The subject named just before a figure, without ordinals, years and connectives; plus 类/款/项."""
    t = compact(text)
    t = re.split(r"[,，、:：;；。]", t)[-1]
    level = None
    m = re.search(r"\((类|款|项)\)", t)
    if m:
        level = m.group(1)
        t = t.replace(m.group(0), "")
    # "上海市某局2024年度收入支出总计": the unit's name and the year before the subject
    prefix = re.match(r"^([^比较与相]{2,30}?)20\d{2}年度?(?=.)", t)
    if prefix and not re.search(r"(预算|决算|支出|收入)", prefix.group(1)):
        t = t[prefix.end():]
    previous = None
    while previous != t:
        previous = t
        t = _LEADING_NOISE.sub("", t, count=1)
    t = re.sub(r"^(与上年相比|较上年决算|较上年|比上年)", "", t)
    t = re.sub(r"(的|为|是|共|约|达)$", "", t)
    return t, level


def canonical_subject(subject: str) -> str:
    """A subject for matching: 决算支出 -> 支出, trailing 支出 kept, 财政拨款 kept."""
    s = subject.replace("决算支出", "支出").replace("支出决算", "支出")
    s = s.replace("“", "").replace("”", "").replace('"', "")
    return s


def extract_claims(doc: Document) -> list[Claim]:
    """All claims of the narrative, in reading order."""
    claims: list[Claim] = []
    for section in doc.sections:
        claims.extend(_section_claims(section))
    return claims


def _section_claims(section: Section) -> list[Claim]:
    claims: list[Claim] = []
    lead: Claim | None = None  # the amount a following 占比 refers to, by the 其中 / 主要用于 paragraph
    lead_group = 0
    paragraph_subject: tuple[str, Figure] | None = None
    known: dict[str, Figure] = {}
    for paragraph in section.paragraphs:
        text = paragraph.text.strip()
        paragraph_subject = None
        carry: Claim | None = None  # a 其中 list continued after a semicolon
        for sentence in _SENTENCE.findall(text):
            sentence = sentence.strip()
            if not sentence:
                continue
            loc = Location(table=None, page=paragraph.location.page, line=paragraph.location.line, quote=sentence)
            new, paragraph_subject, carry = _sentence_claims(sentence, section, loc, paragraph_subject, known, carry)
            for claim in new:
                if claim.kind == "share" and claim.denominator is None and lead is not None:
                    claim.group = f"{section.number}:{lead_group}"
                    claim.parts = [lead]
            claims.extend(new)
        stripped = compact(text)
        if stripped.endswith(("其中:", "其中：", "以下方面:", "以下方面：", "主要用于:", "如下:")):
            amounts = [c for c in claims if c.kind == "amount" and c.location.line == paragraph.location.line]
            if amounts:
                lead = amounts[0]
                lead_group += 1
    return claims


def _sentence_claims(sentence: str, section: Section, loc: Location,
                     paragraph_subject: tuple[str, Figure] | None,
                     known: dict[str, Figure], carry: "Claim | None" = None,
                     ) -> tuple[list[Claim], tuple[str, Figure] | None, "Claim | None"]:
    """The claims of one sentence; ``carry`` is a 其中 list the previous sentence left open with a
    semicolon (其中：A x万元，占y%；B z万元，占w%), which this sentence's leading amount continues."""
    s = compact(sentence)
    claims: list[Claim] = []

    def claim(kind: str, subject: str, figures: dict[str, Figure], **kw) -> Claim:
        c = Claim(kind=kind, section=section.number, table_id=section.table_id, subject=canonical_subject(subject),
                  figures=figures, quote=sentence, location=loc, **kw)
        claims.append(c)
        if kind == "amount" and c.subject:
            known[c.subject] = figures["amount"]
        return c

    if not _FIGURE.search(s):
        if re.search(r"无此项(收支|支出|收入)|无(机关运行经费|政府性基金|国有资本经营)", s):
            claim("absence", _absence_subject(s, section), {})
        elif re.search(r"与上年(相同|持平)|与上年.*相同", s):
            claim("unchanged", "", {}, direction="same")
        return claims, paragraph_subject, None

    figures = list(_FIGURE.finditer(s))
    last_amount: Claim | None = None
    pending_change: tuple[str, Figure, str, str] | None = None  # subject, D, direction, word
    budget: dict[str, Figure] = {}
    budget_subject = ""
    breakdown: Claim | None = None
    continued = carry is not None
    previous_end = 0
    count_context = ""
    for m in figures:
        before = s[previous_end:m.start()]
        previous_end = m.end()
        unit = m.group("unit")
        try:
            fig = Figure(parse_decimal(m.group("num")), m.group("num"), unit)
        except NumberFormatError:  # beyond what any disclosure prints (core.money bounds): no figure to check
            continue
        segment = re.split(r"[,，;；:：]", before)[-1]
        if unit == "%":
            word = next((w for w in _DIRECTION_CHANGE if w in segment), None)
            if "占" in segment:
                denom = None
                dm = re.search(r"占(.+?)的?$", segment)
                if dm and dm.group(1) not in ("比", "比重"):
                    denom = canonical_subject(re.sub(r"的$", "", dm.group(1)))
                base = last_amount
                subject = base.subject if base else ""
                figs = {"percent": fig}
                if base:
                    figs["amount"] = base.figures["amount"]
                claim("share", subject, figs, denominator=denom, level=base.level if base else None)
            elif "完成" in segment or "执行率" in segment:
                budget.setdefault("rate", fig)  # the total's rate; the items' rates follow it
            elif word and pending_change is not None:
                subject, change, direction, cword = pending_change
                current = _current_for(subject, last_amount, paragraph_subject, known)
                figs = {"change": change, "percent": fig}
                if current is not None and current[1] is not None:
                    figs["current"] = current[1]
                c = claim("yoy", current[0] if current else subject, figs, direction=direction,
                          direction_word=f"{cword}/{word}")
                if _DIRECTION_CHANGE[word] != direction:
                    c.direction = "conflict"
                pending_change = None
            elif word:
                current = _current_for("", last_amount, paragraph_subject, known)
                figs = {"percent": fig}
                if current is not None and current[1] is not None:
                    figs["current"] = current[1]
                claim("yoy", current[0] if current else "", figs, direction=_DIRECTION_CHANGE[word], direction_word=word)
            continue
        if unit in MONEY_UNITS:
            word = next((w for w in ("增加", "减少") if segment.endswith(w) or re.search(w + r"$", segment)), None)
            if word is None:
                word = next((w for w in ("增加", "减少") if w in segment and "预算" not in segment), None)
            if word:
                subject, _ = clean_subject(segment.split(word)[0])
                pending_change = (subject, fig, _DIRECTION_CHANGE[word], word)
                continue
            if re.search(r"(年初预算|全年预算|预算数|调整预算|预算)(为|是)?$", segment):
                budget["budget"] = fig
                budget_subject, _ = clean_subject(re.sub(r"(年初预算|全年预算|预算数|调整预算|预算)(为|是)?$", "", segment))
                continue
            own, _ = clean_subject(re.sub(r"(支出决算|决算数|决算)(为|是)?$", "", segment))
            if budget.get("final") is not None and own and own != budget_subject:
                # 其中：因公出国(境)费决算为0.00万元 — an item of its own after the total's budget and final
                last_amount = claim("amount", own, {"amount": fig})
                continue
            if re.search(r"(支出决算|决算数|决算)(为|是)?$", segment) and budget:
                budget["final"] = fig
                subject = budget_subject or (paragraph_subject[0] if paragraph_subject else "")
                last_amount = claim("amount", subject, {"amount": fig})
                paragraph_subject = (last_amount.subject, fig)
                continue
            if re.match(r"\(含\)以上|以上", s[m.end():]):
                continue  # 单价100万元(含)以上: a threshold, not an amount
            subject, level = clean_subject(segment)
            marker_match = re.search(r"(其中|包括)[:：]?[^,，;；。]*$", before)
            c = claim("amount", subject, {"amount": fig}, level=level)
            if breakdown is not None and (before.startswith("、") or marker_match):
                breakdown.parts.append(c)
            if continued and breakdown is None:
                carry.parts.append(c)
                continued = False
            if paragraph_subject is None or last_amount is None:
                paragraph_subject = (c.subject, fig)
            last_amount = c
            after = s[m.end():m.end() + 6]
            marker = re.match(r"[,，]?(其中|主要包括|包括)[:：]?", after)
            if marker:
                breakdown = claim("breakdown", c.subject, {"amount": fig}, marker=marker.group(1))
            continue
        # counts; a figure after 、 continues the list of the one before (团组0个、累计0人次)
        context = (count_context + segment) if segment.startswith("、") else (segment or count_context)
        count_context = context
        claim("count", _count_subject(context, unit, section, last_amount.subject if last_amount else ""),
              {"count": fig})
    if budget.get("budget") is not None:
        subject = budget_subject or (paragraph_subject[0] if paragraph_subject else "")
        word = next((w for w in _BUDGET_DIRECTION if w in s), None)
        claim("budget", subject, dict(budget), direction_word=word)
    if pending_change is not None:
        subject, change, direction, cword = pending_change
        current = _current_for(subject, last_amount, paragraph_subject, known)
        figs = {"change": change}
        if current is not None and current[1] is not None:
            figs["current"] = current[1]
        claim("yoy", current[0] if current else subject, figs, direction=direction, direction_word=cword)
    claims = [c for c in claims if c.kind != "breakdown" or c.parts]
    open_list = breakdown if breakdown is not None and breakdown.marker == "其中" else (carry if not budget else None)
    if not re.search(r"[;；]$", s) or pending_change is not None:
        open_list = None
    return claims, paragraph_subject, open_list


def _current_for(subject: str, last_amount: Claim | None, paragraph_subject: tuple[str, Figure] | None,
                 known: dict[str, Figure]):
    """The current-year figure a change refers to: named in the sentence, or the paragraph's subject."""
    if subject:
        name = canonical_subject(subject)
        return name, known.get(name)
    if paragraph_subject is not None:
        return paragraph_subject
    if last_amount is not None:
        return last_amount.subject, last_amount.figures["amount"]
    return None


_VEHICLE_KINDS = [(aliases[0], aliases) for key, aliases in STATS_ROWS if key.startswith("vehicle_")]


def _count_subject(context: str, unit: str, section: Section, money_subject: str = "") -> str:
    """What a count counts, from the words before it and the money the sentence spoke of last."""
    c = compact(context)
    money = compact(money_subject)
    if unit in ("批次", "人次") and "接待" in money:
        # 国内接待费…共接待0批次 / 其中外事接待费…共接待0批次: not the reception total
        for word, name in (("外事", "外事接待"), ("国内", "国内接待"), ("国(境)外", "国(境)外接待"), ("外宾", "外宾接待")):
            if word in money:
                return f"{name}{unit}"
    if unit == "辆":
        own = re.split(r"[、:：]", c)[-1]  # 其中：主要负责人用车1辆、执法执勤用车1辆 — each its own kind
        for name, aliases in _VEHICLE_KINDS:
            if any(compact(a) in own for a in aliases):
                return f"车辆·{name}"
    if unit != "人次" and ("团组" in c or (unit == "个" and "出国" in c)):
        return "出国团组"
    if unit == "人次" and ("团组" in c or "出国" in c):
        return "出国人次"
    if unit == "人次" and ("外事" in c):
        return "外事接待人次"
    if unit == "批次" and "外事" in c:
        return "外事接待批次"
    if "外宾" in c and unit in ("批次", "人次"):
        return f"外宾接待{unit}"
    if "国(境)外" in c and unit in ("批次", "人次"):
        return f"国(境)外接待{unit}"
    if unit in ("批次", "人次"):
        return f"接待{unit}"
    if unit == "辆" and "购置" in c:
        return "购置车辆"
    if unit == "辆" and "保有" in c:
        return "车辆保有量"
    if unit == "辆":
        return "车辆"
    if unit in ("台", "套", "台(套)"):
        return "大型设备"
    if "自评" in c or "绩效" in c or "项目" in c:
        return "绩效自评项目"
    return c[-8:] + unit


def _absence_subject(s: str, section: Section) -> str:
    if "机关运行经费" in s:
        return "机关运行经费"
    if "政府性基金" in s or section.table_id == "07":
        return "政府性基金"
    if "国有资本经营" in s or section.table_id == "08":
        return "国有资本经营"
    return section.table_id or ""


def claims_frame(claims: list[Claim]):
    """The claims as a pandas DataFrame, for the notebook."""
    import pandas as pd

    rows = []
    for c in claims:
        rows.append({
            "章节": c.section,
            "类型": c.kind,
            "主体": c.subject,
            "数字": "；".join(f"{k}={v.text}{v.unit}" for k, v in c.figures.items()),
            "方向": c.direction_word or "",
            "分母": c.denominator or "",
            "原文": c.quote,
        })
    return pd.DataFrame(rows)
