"""Reading claims from the narrative: a section's sentences, one figure at a time, into claims.

Each paragraph is normalised first (:mod:`juesuan.claims.normalize`); its sentences are read left to
right, every figure with its unit and the words just before it (the segment since the last comma).
Small extractors turn a figure into a claim of one kind (amount, share, change, budget, count); a
section-level reader keeps what may span sentences: an open list (其中 … ；… 。), the amount a share
refers to, the comparison word of a budget claim that stands in the next sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juesuan.catalog import STATS_ROWS
from juesuan.claims.model import Claim, ClaimKind, Direction, Figure
from juesuan.claims.normalize import narrative_text
from juesuan.claims.tokens import (AMOUNT_CHANGE_WORDS, BUDGET_BEFORE_FIGURE, BUDGET_COMPARISON, BUDGET_WORDS,
                                   CHANGE_WORDS, COMPLETION, FIGURE, FINAL_BEFORE_FIGURE, LIST_MARKER, MONEY_UNITS,
                                   PERCENT_CHANGE_WORDS, SENTENCE, VERSUS, VERSUS_BUDGET, is_grid_text)
from juesuan.core.model import Document, Location, Section
from juesuan.core.money import parse_decimal
from juesuan.core.normalize import compact

_LEADING_NOISE = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[一二三四五六七八九十]+、)?"
    r"(?:(?:19|20)\d{2}年度?|本年度|本年|全年|截至(?:19|20)\d{2}年12月31日|截至(?:19|20)\d{2}年底)?"
    r"(?:其中[:：]?|主要用于以下方面[:：]?|主要包括|主要用于|包括|分别为|分别是|共计|合计为|为|是|有)?"
)


# 下降(增长) / 增加(减少): the template's alternative left in; the word outside the brackets is the claim's
_ALTERNATIVE = re.compile(r"\((?:增加|减少|增长|下降|上升|降低|大于|小于)\)")
_TRAILING_VERSUS = re.compile(r"(?:与|较|比|同比)(?:上年|上年度|上一年度?|去年|(?:19|20)\d{2}年度?)(?:决算数?|同期)?(?:相比|比较)?$")


def clean_subject(text: str) -> tuple[str, str | None]:
    """The subject named just before a figure, without ordinals, years and connectives; plus 类/款/项."""
    t = compact(text)
    t = re.split(r"[,，、:：;；。]", t)[-1]
    level = None
    m = re.search(r"\((类|款|项)\)", t)
    if m:
        level = m.group(1)
    if "(类)" in t and re.search(r"\((款|项)\)", t):
        t = t.split("(类)")[0] + "(类)"  # 一般公共服务支出(类)财政事务(款)…: the class names the line
        level = "类"
    t = re.sub(r"\((类|款|项)\)", "", t)
    # "上海市某局2024年度收入支出总计": the unit's name and the year before the subject
    prefix = re.match(r"^([^比较与相]{2,30}?)(?:19|20)\d{2}年度?(?=.)", t)
    if prefix and not re.search(r"(预算|决算|支出|收入)", prefix.group(1)):
        t = t[prefix.end():]
    previous = None
    while previous != t:
        previous = t
        t = _LEADING_NOISE.sub("", t, count=1)
        t = re.sub(r"^" + VERSUS.pattern, "", t)  # 与上年相比 / 较2021年决算数 / 比2023年度: not a subject
    t = _TRAILING_VERSUS.sub("", t)  # 三公经费支出决算数比2023年度 (减少…)
    t = re.sub(r"(的|为|是|共|约|达|均|均为)$", "", t)
    t = re.sub(r"(?<=支出)(决算数|决算|数)$", "", t)
    return t, level


def canonical_subject(subject: str) -> str:
    """A subject for matching: 决算支出 -> 支出, quotes dropped."""
    s = subject.replace("决算支出", "支出").replace("支出决算", "支出")
    s = s.replace("“", "").replace("”", "").replace('"', "")
    return s


def extract_claims(doc: Document) -> list[Claim]:
    """All claims of the narrative, in reading order."""
    claims: list[Claim] = []
    for section in doc.sections:
        claims.extend(SectionReader(section).read())
    return claims


@dataclass
class _Sentence:
    text: str  # normalised
    raw: str
    location: Location
    index: int


@dataclass
class SectionReader:
    section: Section
    claims: list[Claim] = field(default_factory=list)
    known: dict[str, Figure] = field(default_factory=dict)  # subject -> amount said in this section
    lists: list[Claim] = field(default_factory=list)  # open lists, innermost last
    count_lists: list[Claim] = field(default_factory=list)
    sentences: list[_Sentence] = field(default_factory=list)
    paragraph_subject: tuple[str, Figure] | None = None
    _leads: dict[int, Claim] = field(default_factory=dict)  # list id -> the amount it breaks down

    # --- reading ---------------------------------------------------------------------------------------

    def read(self) -> list[Claim]:
        index = 0
        for paragraph in self.section.paragraphs:
            text = narrative_text(paragraph.text)
            if is_grid_text(text):
                continue  # a 绩效自评表's cells read as text, not sentences
            self.paragraph_subject = None
            for raw in SENTENCE.findall(text):
                if not raw.strip():
                    continue
                loc = Location(table=None, page=paragraph.location.page, line=paragraph.location.line, quote=raw)
                sentence = _Sentence(raw, raw, loc, index)
                self.sentences.append(sentence)
                self._sentence(sentence)
                index += 1
                if raw.endswith(("。", "!", "?", "！", "？")):
                    self.lists.clear()
                    self.count_lists.clear()
                elif raw.endswith((";", "；")) and len(self.lists) > 1:
                    self.lists.pop()
        self._link_budget_words()
        self.claims = [c for c in self.claims if c.kind is not ClaimKind.BREAKDOWN or c.parts]
        return self.claims

    def _claim(self, kind: ClaimKind, subject: str, figures: dict[str, Figure], sentence: _Sentence, **kw) -> Claim:
        c = Claim(kind=kind, section=self.section.number, table_id=self.section.table_id,
                  subject=canonical_subject(subject), figures=figures, quote=sentence.raw, location=sentence.location,
                  sentence=sentence.index, **kw)
        self.claims.append(c)
        if kind is ClaimKind.AMOUNT and c.subject:
            self.known[c.subject] = figures["amount"]
        return c

    def _sentence(self, sentence: _Sentence) -> None:
        s = sentence.text
        if not self.lists and LIST_MARKER.match(s) and not re.match(r"^由", s):
            # ……支出合计X万元。其中：A …: the list of the amount the previous sentence ended with
            lead = next((c for c in reversed(self.claims) if c.kind is ClaimKind.AMOUNT
                         and c.sentence == sentence.index - 1), None)
            if lead is not None:
                self._open_list(lead, LIST_MARKER.match(s).group(1), sentence)
        if not FIGURE.search(s):
            if re.search(r"无此项(收支|支出|收入)|无(机关运行经费|政府性基金|国有资本经营)", s):
                self._claim(ClaimKind.ABSENCE, _absence_subject(s, self.section), {}, sentence)
            elif re.search(r"与上年(相同|持平)|与上年.*相同", s):
                self._claim(ClaimKind.UNCHANGED, "", {}, sentence, direction=Direction.SAME)
            return
        last_amount: Claim | None = None
        pending_change: tuple[str, Figure, Direction | None, str, str] | None = None
        budget: dict[str, Figure] = {}
        rate_of: str | None = None
        budget_subject = ""
        completion_pending = False
        count_context = ""
        previous_end = 0
        for m in FIGURE.finditer(s):
            before = s[previous_end:m.start()]
            previous_end = m.end()
            unit = m.group("unit")
            fig = Figure(parse_decimal(m.group("num")), m.group("num"), unit)
            segment = re.split(r"[,，;；:：]", _ALTERNATIVE.sub("", before))[-1]
            after = s[m.end():m.end() + 14]
            if unit == "%":
                word = next((w for w in PERCENT_CHANGE_WORDS if w in segment), None)
                if "占" in segment:
                    denom = None
                    dm = re.search(r"占(.+?)的?(?:比重|比例)?(?:为|是)?$", segment)
                    if dm and dm.group(1) not in ("比", "比重", "比例"):
                        denom = canonical_subject(re.sub(r"(的|比重|比例)+$", "", dm.group(1)))
                    base = last_amount
                    figs = {"percent": fig}
                    if base:
                        figs["amount"] = base.figures["amount"]
                    share = self._claim(ClaimKind.SHARE, base.subject if base else "", figs, sentence,
                                        denominator=denom, level=base.level if base else None)
                    if self.lists:
                        share.parts = [self._list_lead(self.lists[-1])]  # the list it sits in
                        if denom is None:
                            share.group = f"list:{id(self.lists[-1])}"
                elif COMPLETION.search(segment) or (completion_pending and segment in ("的", "")):
                    if "rate" not in budget:
                        budget["rate"] = fig  # the total's rate; the items' rates follow it
                        rate_of = _budget_name(segment) or rate_of
                elif word and pending_change is not None:
                    subject, change, direction, cword, versus = pending_change
                    pdir = CHANGE_WORDS[word]
                    self._yoy(subject, {"change": change, "percent": fig}, sentence, last_amount,
                              direction or pdir, f"{cword}/{word}", versus,
                              conflict=direction is not None and pdir is not direction)
                    pending_change = None
                elif word:
                    versus = "预算" if VERSUS_BUDGET.search(segment) else "上年"
                    self._yoy("", {"percent": fig}, sentence, last_amount, CHANGE_WORDS[word], word, versus)
                continue
            if unit in MONEY_UNITS:
                completion_pending = False
                word = next((w for w in AMOUNT_CHANGE_WORDS + ("变化", "变动") if w in segment), None)
                if word and not FINAL_BEFORE_FIGURE.search(segment) and not re.search(r"预算(数)?(为|是)?$", segment):
                    subject, _ = clean_subject(segment.split(word)[0])
                    versus = "预算" if VERSUS_BUDGET.search(segment) else "上年"
                    pending_change = (subject, fig, CHANGE_WORDS.get(word), word, versus)
                    continue
                if re.search(r"(大于|小于|超过|低于|高于|超出|节约|少于|多于)(年初|全年|调整后?)?预算数?$", segment):
                    budget.setdefault("difference", fig)  # 决算数大于预算数N万元: the gap, not a budget
                    continue
                bm = BUDGET_BEFORE_FIGURE.search(segment)
                if bm and not FINAL_BEFORE_FIGURE.search(segment):
                    name = _budget_name(bm.group(1)) or "budget_plain"
                    budget.setdefault(name, fig)
                    if segment.startswith("完成") or segment.endswith(("完成预算", "完成年初预算", "完成全年预算")):
                        completion_pending = True
                        rate_of = name
                    if not budget_subject:
                        budget_subject, _ = clean_subject(segment[:bm.start()])
                    continue
                if re.match(r"\(含\)以上|以上|以下", s[m.end():]):
                    continue  # 单价100万元(含)以上: a threshold, not an amount
                own, level = clean_subject(re.sub(r"(支出决算数?|决算数|决算)(?:金额)?(?:为|是)?$", "", segment))
                if FINAL_BEFORE_FIGURE.search(segment):
                    if "final" in budget and own and own != budget_subject:
                        # 其中：因公出国(境)费决算为0.00万元 — an item of its own after the total's figures
                        last_amount = self._claim(ClaimKind.AMOUNT, own, {"amount": fig}, sentence)
                        continue
                    budget.setdefault("final", fig)
                    if own and not budget_subject:
                        budget_subject = own
                    subject = budget_subject or (self.paragraph_subject[0] if self.paragraph_subject else "")
                    last_amount = self._claim(ClaimKind.AMOUNT, subject, {"amount": fig}, sentence, level=level)
                    self.paragraph_subject = (last_amount.subject, fig)
                    continue
                both = re.match(r"^(.+?)、(.+?)均为?$", compact(segment))
                if both:
                    for name in both.groups():
                        last_amount = self._claim(ClaimKind.AMOUNT, clean_subject(name)[0], {"amount": fig}, sentence)
                    continue
                c = self._claim(ClaimKind.AMOUNT, own, {"amount": fig}, sentence, level=level)
                if self.lists and self._list_lead(self.lists[-1]) is not c:
                    self.lists[-1].parts.append(c)
                if self.paragraph_subject is None or last_amount is None:
                    self.paragraph_subject = (c.subject, fig)
                last_amount = c
                marker = LIST_MARKER.match(after)
                if marker:
                    self._open_list(c, marker.group(1), sentence)
                continue
            # counts; a figure after 、 continues the list of the one before (团组0个、累计0人次)
            context = (count_context + segment) if segment.startswith("、") else (segment or count_context)
            count_context = context
            c = self._claim(ClaimKind.COUNT, _count_subject(context, unit, last_amount.subject if last_amount else ""),
                            {"count": fig}, sentence)
            if self.count_lists and self.count_lists[-1].figures["count"].unit == unit:
                self.count_lists[-1].parts.append(c)
            elif LIST_MARKER.match(after) and unit == "辆":
                self.count_lists.append(c)
                c.marker = LIST_MARKER.match(after).group(1)
        if budget.keys() - {"final", "rate", "difference"}:
            subject = budget_subject or (self.paragraph_subject[0] if self.paragraph_subject else "")
            figs = dict(budget)
            figs["budget"] = next(budget[k] for k in ("budget_initial", "budget_plain", "budget_full", "budget_adjusted")
                                  if k in budget)
            self._claim(ClaimKind.BUDGET, subject, figs, sentence, denominator=rate_of)
        if pending_change is not None:
            subject, change, direction, cword, versus = pending_change
            self._yoy(subject, {"change": change}, sentence, last_amount, direction, cword, versus)

    def _open_list(self, lead: Claim, marker: str, sentence: _Sentence) -> None:
        lst = self._claim(ClaimKind.BREAKDOWN, lead.subject, {"amount": lead.figures["amount"]}, sentence, marker=marker)
        self._leads[id(lst)] = lead
        self.lists.append(lst)

    def _list_lead(self, lst: Claim) -> Claim:
        return self._leads[id(lst)]

    def _yoy(self, subject: str, figs: dict[str, Figure], sentence: _Sentence, last_amount: Claim | None,
             direction: Direction | None, word: str, versus: str, conflict: bool = False) -> None:
        if "change" not in figs and any(c.kind is ClaimKind.YOY and sentence.index - 2 <= c.sentence < sentence.index
                                        and c.figures.get("percent") is not None
                                        and c.figures["percent"].value == figs["percent"].value for c in self.claims):
            return  # 因此增长0%: the rate of the sentence before, said again
        current = self._current_for(subject, last_amount)
        if current is not None and current[1] is not None:
            figs["current"] = current[1]
        c = self._claim(ClaimKind.YOY, current[0] if current else subject, figs, sentence,
                        direction=Direction.CONFLICT if conflict else direction, direction_word=word, versus=versus)
        if direction is None and figs.get("change") is not None and figs["change"].value == 0:
            c.direction = Direction.SAME

    def _current_for(self, subject: str, last_amount: Claim | None):
        """The current-year figure a change refers to: named in the sentence, or the paragraph's subject."""
        if subject:
            name = canonical_subject(subject)
            if name in self.known:
                return name, self.known[name]
            # 财政拨款支出 after 一般公共预算财政拨款支出 was stated: the longer name said in this section
            longer = [k for k in self.known if len(name) >= 4 and k.endswith(name)]
            if len(longer) == 1:
                return longer[0], self.known[longer[0]]
            return name, None
        if last_amount is not None:
            return last_amount.subject, last_amount.figures["amount"]
        if self.paragraph_subject is not None:
            return self.paragraph_subject
        return None

    # --- what spans sentences --------------------------------------------------------------------------

    def _link_budget_words(self) -> None:
        """The comparison word of a budget claim: in its own sentence after the figures, else at the start
        of the next sentence (……支出决算为B万元。决算数小于预算数的主要原因……)."""
        by_index = {s.index: s for s in self.sentences}
        budgets = [c for c in self.claims if c.kind is ClaimKind.BUDGET]
        taken = {c.sentence for c in budgets}
        for claim in budgets:
            for index in (claim.sentence, claim.sentence + 1):
                sentence = by_index.get(index)
                if sentence is None or (index != claim.sentence and index in taken):
                    continue
                m = BUDGET_COMPARISON.search(sentence.text)
                if m is None:
                    continue
                word = m.group("word") or m.group("wordb") or m.group("wordc")
                if word:
                    claim.direction = BUDGET_WORDS.get(word)
                    claim.direction_word = word
                else:
                    claim.direction = Direction.ABOUT_EQUAL if m.group("same") else Direction.EQUAL
                    claim.direction_word = "基本持平" if m.group("same") else "持平"
                if index != claim.sentence:
                    claim.quote = f"{claim.quote}{sentence.raw}"
                break


def _budget_name(phrase: str) -> str | None:
    for word, name in (("年初", "budget_initial"), ("全年", "budget_full"), ("调整", "budget_adjusted")):
        if word in phrase:
            return name
    if "预算" in phrase:
        return "budget_plain"
    return None


_VEHICLE_KINDS = [(aliases[0], aliases) for key, aliases in STATS_ROWS if key.startswith("vehicle_")]


def _count_subject(context: str, unit: str, money_subject: str = "") -> str:
    """What a count counts, from the words before it and the money the sentence spoke of last."""
    c = compact(context)
    money = compact(money_subject)
    if unit in ("批次", "人次") and "接待" in money:
        # 国内接待费…共接待0批次 / 其中外事接待费…共接待0批次: not the reception total
        for word, name in (("外事", "外事接待"), ("国内", "国内接待"), ("国(境)外", "国(境)外接待"), ("外宾", "外宾接待")):
            if word in money:
                return f"{name}{unit}"
    if unit == "辆":
        own = re.split(r"[、:：,，]", c)[-1]  # 其中：主要负责人用车1辆、执法执勤用车1辆 — each its own kind
        for name, aliases in _VEHICLE_KINDS:
            if any(compact(a) in own for a in aliases):
                return f"车辆·{name}"
    if "来访" in c or "外宾" in c or "来宾" in c:
        return f"外宾接待{unit}"
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
