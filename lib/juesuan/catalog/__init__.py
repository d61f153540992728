"""What the standard tables are called and what their columns and rows mean (DOMAIN.md §2–3).

Everything here is data: titles and their aliases, column meanings, the 2024 功能分类 classes, the
template variants. Readers and rules look things up here instead of carrying their own strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from juesuan.core.normalize import compact


@dataclass(frozen=True)
class TableSpec:
    id: str
    name: str  # the seed's title
    aliases: tuple[str, ...]
    kind: str  # layout family: two_sided, coded, panels, sangong, stats
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # canonical key -> header aliases


# Longest alias wins (DOMAIN.md §2): 收入支出决算总表 is a substring of 财政拨款收入支出决算总表.
TABLES: dict[str, TableSpec] = {
    "01": TableSpec("01", "收入支出决算总表", ("收入支出决算总表", "部门收支决算总表", "收支决算总表", "高等学校收支决算总表"),
                    "two_sided"),
    "02": TableSpec(
        "02", "收入决算表", ("收入决算表", "部门收入决算表"), "coded",
        (
            ("total", ("本年收入合计", "收入合计", "合计")),
            ("fiscal", ("财政拨款收入", "财政拨款")),
            ("superior", ("上级补助收入",)),
            ("business", ("事业收入",)),
            ("operating", ("经营收入",)),
            ("affiliated", ("附属单位上缴收入",)),
            ("other", ("其他收入",)),
        ),
    ),
    "03": TableSpec(
        "03", "支出决算表", ("支出决算表", "部门支出决算表"), "coded",
        (
            ("total", ("本年支出合计", "支出合计", "合计")),
            ("basic", ("基本支出",)),
            ("project", ("项目支出",)),
            ("remit", ("上缴上级支出",)),
            ("operating", ("经营支出",)),
            ("subsidy", ("对附属单位补助支出",)),
        ),
    ),
    "04": TableSpec(
        "04", "财政拨款收入支出决算总表",
        ("财政拨款收入支出决算总表", "财政拨款收支决算总表", "部门财政拨款收支决算总表"), "two_sided",
        (
            ("total", ("合计", "小计")),
            ("general", ("一般公共预算财政拨款", "一般公共预算")),
            ("fund", ("政府性基金预算财政拨款", "政府性基金预算", "政府性基金")),
            ("soe", ("国有资本经营预算财政拨款", "国有资本经营预算", "国有资本经营")),
        ),
    ),
    "05": TableSpec(
        "05", "一般公共预算财政拨款支出决算表",
        # 高等学校 表4 财政拨款支出决算表: fiscal expenditure by function with 基本/项目, the same meaning.
        ("一般公共预算财政拨款支出决算表", "一般公共预算支出决算表", "一般公共预算财政拨款支出决算明细表",
         "高等学校财政拨款支出决算表", "财政拨款支出决算表"), "coded",
        (
            ("total", ("小计", "合计", "本年支出")),
            ("basic", ("基本支出",)),
            ("project", ("项目支出",)),
        ),
    ),
    "06": TableSpec(
        "06", "一般公共预算财政拨款基本支出决算明细表",
        (
            "一般公共预算财政拨款基本支出决算明细表",
            "一般公共预算财政拨款基本支出决算表",
            "一般公共预算基本支出决算表",
            "一般公共预算基本支出决算明细表",
        ),
        "panels",
    ),
    "07": TableSpec(
        "07", "政府性基金预算财政拨款收入支出决算表",
        ("政府性基金预算财政拨款收入支出决算表", "政府性基金预算财政拨款收支决算表", "政府性基金预算财政拨款支出决算表"),
        "coded",
        (
            ("opening", ("年初结转和结余",)),
            ("income", ("本年收入",)),
            ("total", ("小计", "本年支出")),
            ("basic", ("基本支出",)),
            ("project", ("项目支出",)),
            ("closing", ("年末结转和结余",)),
        ),
    ),
    "08": TableSpec(
        "08", "国有资本经营预算财政拨款支出决算表",
        ("国有资本经营预算财政拨款支出决算表", "国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算支出决算表"),
        "coded",
        (
            ("total", ("合计", "小计", "本年支出")),
            ("basic", ("基本支出",)),
            ("project", ("项目支出",)),
        ),
    ),
    "09": TableSpec(
        "09", "财政拨款“三公”经费支出决算表",
        (
            "财政拨款“三公”经费支出决算表",
            "一般公共预算财政拨款“三公”经费支出决算表",
            "财政拨款“三公”经费及会议费、培训费支出决算表",
            "财政拨款\"三公\"经费及会议费、培训费支出决算表",
            "“三公”经费及会议费、培训费支出决算表",
            "财政拨款\"三公\"经费支出决算表",
            "一般公共预算财政拨款\"三公\"经费支出决算表",
            "“三公”经费支出决算表",
            "三公经费支出决算表",
        ),
        "sangong",
        (
            ("total", ("合计",)),
            ("abroad", ("因公出国(境)费", "因公出国")),
            ("vehicle", ("小计", "公务用车购置及运行维护费", "公务用车购置及运行费")),
            ("vehicle_purchase", ("公务用车购置费", "购置费")),
            ("vehicle_operation", ("公务用车运行维护费", "运行维护费", "公务用车运行费", "运行费")),
            ("reception", ("公务接待费", "接待费")),
            # Shaanxi prints 会议费 and 培训费 beside the 三公 items: columns of their own, in no 三公 sum.
            ("meeting", ("会议费",)),
            ("training", ("培训费",)),
        ),
    ),
    "10": TableSpec("10", "部门决算公开相关信息统计表", ("部门决算公开相关信息统计表", "决算公开相关信息统计表", "相关信息统计表"), "stats"),
}

# 2024 政府收支分类科目, 支出功能分类 classes (类), as they appear in 01 and 04.
FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出", "205": "教育支出",
    "206": "科学技术支出", "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出", "210": "卫生健康支出",
    "211": "节能环保支出", "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出",
    "215": "资源勘探工业信息等支出", "216": "商业服务业等支出", "217": "金融支出", "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出", "221": "住房保障支出", "222": "粮油物资储备支出", "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出", "227": "预备费", "229": "其他支出", "230": "转移性支出", "231": "债务还本支出",
    "232": "债务付息支出", "233": "债务发行费用支出", "234": "抗疫特别国债安排的支出",
}
_CLASS_BY_NAME = {compact(name): code for code, name in FUNCTION_CLASSES.items()}
# Older or shortened class names seen in published tables.
_CLASS_BY_NAME.update({compact("文化体育与传媒支出"): "207", compact("医疗卫生与计划生育支出"): "210",
                       compact("资源勘探信息等支出"): "215"})

# 01 / 04 row labels, canonical keys. Matched on the label with its ordinal ("一、") removed.
INCOME_LINES_01: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("general", ("一般公共预算财政拨款收入", "一般公共预算财政拨款", "财政拨款收入")),
    ("fund", ("政府性基金预算财政拨款收入", "政府性基金预算财政拨款")),
    ("soe", ("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款")),
    ("superior", ("上级补助收入",)),
    ("business", ("事业收入",)),
    ("operating", ("经营收入",)),
    ("affiliated", ("附属单位上缴收入",)),
    ("other", ("其他收入",)),
    ("income_total", ("本年收入合计", "收入合计")),
    ("use_nonfiscal", ("使用非财政拨款结余(含专用结余)", "使用非财政拨款结余", "用事业基金弥补收支差额")),
    ("opening", ("年初结转和结余", "年初财政拨款结转和结余", "上年结转和结余", "上年结转")),
    ("opening_general", ("一般公共预算财政拨款",)),
    ("opening_fund", ("政府性基金预算财政拨款",)),
    ("opening_soe", ("国有资本经营预算财政拨款",)),
    ("grand_total", ("总计", "收入总计", "合计")),  # 合计 closes the university 收支决算总表
)
EXPENSE_LINES_01: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("expense_total", ("本年支出合计", "支出合计")),
    ("distribution", ("结余分配",)),
    ("closing", ("年末结转和结余", "年末财政拨款结转和结余")),
    ("grand_total", ("总计", "支出总计", "合计")),
)

# 01 income line -> 02 合计 column; the three fiscal lines together make 02 财政拨款收入.
INCOME_LINE_TO_02_COLUMN = {
    "superior": "superior", "business": "business", "operating": "operating",
    "affiliated": "affiliated", "other": "other",
}
FISCAL_LINES = ("general", "fund", "soe")

# 06: 人员经费 and 公用经费 classes of 经济分类 (DOMAIN.md §3).
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "307", "310", "312", "313", "399")
CAPITAL_CONSTRUCTION_CLASSES = ("309", "311")

# 06 items that are part of a 09 决算数 column (DOMAIN.md §4).
SANGONG_ITEMS_IN_06 = {
    "30212": "abroad",
    "30231": "vehicle_operation",
    "31013": "vehicle_purchase",
    "30217": "reception",
}

# 10 相关信息统计表 rows.
STATS_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("procurement_total", ("合计", "政府采购支出合计")),
    ("procurement_goods", ("货物", "政府采购货物支出")),
    ("procurement_works", ("工程", "政府采购工程支出")),
    ("procurement_services", ("服务", "政府采购服务支出")),
    ("running_admin", ("行政单位",)),
    ("running_civil", ("参照公务员法管理事业单位",)),
    ("vehicles_total", ("车辆数合计", "车辆数合计(辆)")),
    ("vehicle_leader", ("副部(省)级及以上领导用车",)),
    ("vehicle_head", ("主要负责人用车", "主要领导干部用车")),
    ("vehicle_confidential", ("机要通信用车",)),
    ("vehicle_emergency", ("应急保障用车",)),
    ("vehicle_enforcement", ("执法执勤用车",)),
    ("vehicle_special", ("特种专业技术用车",)),
    ("vehicle_retiree", ("离退休干部服务用车",)),
    ("vehicle_other", ("其他用车",)),
    ("equipment_over_1m", ("单价100万元(含)以上设备(不含车辆)", "单价100万元(含)以上设备", "单价100万元以上设备")),
)
VEHICLE_KINDS = tuple(key for key, _ in STATS_ROWS if key.startswith("vehicle_"))
PROCUREMENT_PARTS = ("procurement_goods", "procurement_works", "procurement_services")

# Template families (DOMAIN.md §2, §9) are data: catalog/templates/*.yaml, loaded by juesuan.catalog.templates.

# Narrative sections: the table each explains, by the section heading's key words.
SECTION_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("04", ("财政拨款收支决算总体情况", "财政拨款收支总体情况", "财政拨款收入支出决算总体情况", "财政拨款收入支出总表")),
    ("01", ("收入支出决算总体情况", "收支决算总体情况", "收入支出总体情况")),
    ("02", ("收入决算情况",)),
    ("03", ("支出决算情况",)),
    ("05", ("一般公共预算财政拨款支出决算情况", "一般公共预算财政拨款支出情况")),
    ("06", ("一般公共预算财政拨款基本支出决算情况", "基本支出决算情况")),
    ("07", ("政府性基金预算财政拨款收支决算情况", "政府性基金预算财政拨款")),
    ("08", ("国有资本经营预算财政拨款支出决算情况", "国有资本经营预算财政拨款")),
    ("09", ("三公",)),
    ("10", ("其他重要事项",)),
)


@dataclass(frozen=True)
class TitleMatch:
    """A line read as a table title: the table, the label printed with it, and how sure."""

    spec: TableSpec
    label: str | None  # 公开05表, 表1, 附表2 as printed in the line
    score: int  # the alias length, plus 3 for a printed label


_LABEL_PREFIX = re.compile(r"^(公开\s*\d{1,2}\s*表|附表\s*\d{0,2}|表\s*\d{1,2})\s*[:：.、]?\s*")
_LABEL_SUFFIX = re.compile(r"\s*[(（]?(公开\s*\d{1,2}\s*表|附表\s*\d{1,2}|表\s*\d{1,2})[)）]?$")
_ORDINAL_PREFIX = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．])\s*")
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年度?")
_UNIT_YEAR_PREFIX = re.compile(r"^.{0,30}?(?:19|20)\d{2}年度?$")
# Words a title may carry before its alias without becoming another table.
_TITLE_QUALIFIERS = ("高等学校", "部门", "单位", "本部门", "本单位")
_TITLE_SUFFIXES = ("", "(续)", "(续表)", "续表", "续", "(汇总)")
#: A budget's table label (预算01表), which a final-accounts document never prints.
BUDGET_LABEL = re.compile(r"预算\s*\d{1,2}\s*(-\s*\d{1,2}\s*)?表")


def identify_title(line: str) -> TitleMatch | None:
    """The table a title line names, by the longest alias it contains, or None.

    A title is the alias with at most a printed label (公开01表, 表1：, 附表), a year, a unit name ending in
    a year, or a qualifier (高等学校, 部门) before it, and nothing but a continuation mark after it. A
    sentence that merely mentions a table (a narrative heading ending in 说明, a TOC entry with leaders)
    is not a title.
    """
    text = compact(line)
    if not text or len(text) > 60 or text.endswith("说明") or "..." in text or "…" in text or "目录" in text:
        return None
    label = None
    m = _LABEL_PREFIX.match(text)
    if m:
        label, text = compact(m.group(1)), text[m.end():]
    else:
        m = _LABEL_SUFFIX.search(text)
        if m and m.start() > 0:
            label, text = compact(m.group(1)), text[: m.start()]
    if label is None:
        text = _ORDINAL_PREFIX.sub("", text, count=1)
    quoted = text.replace('"', "“", 1).replace('"', "”", 1)
    best: tuple[int, TableSpec, str, int] | None = None
    for spec in TABLES.values():
        for alias in spec.aliases:
            a = compact(alias)
            for candidate in (text, quoted):
                at = candidate.rfind(a)
                if at >= 0 and (best is None or len(a) > best[0]):
                    best = (len(a), spec, candidate, at)
    if best is None:
        return None
    length, spec, target, start = best
    prefix, suffix = target[:start], target[start + length:]
    if suffix not in _TITLE_SUFFIXES:
        return None
    prefix = _YEAR_PREFIX.sub("", prefix)
    for word in _TITLE_QUALIFIERS:
        if prefix.endswith(word):
            prefix = prefix[: -len(word)]
            break
    if prefix and not _UNIT_YEAR_PREFIX.match(prefix):
        return None
    return TitleMatch(spec, label, length + (3 if label else 0))


def identify_table(line: str) -> TableSpec | None:
    """The table a title line names, or None (see :func:`identify_title`)."""
    match = identify_title(line)
    return match.spec if match else None


def class_code_for_name(label: str) -> str | None:
    """The 功能分类 类 code for a class name as printed in 01/04 (ordinal prefix allowed)."""
    return _CLASS_BY_NAME.get(compact(strip_ordinal(label)))


def match_key(label: str, options: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The key whose alias equals the label (ordinal removed); longest alias contained as fallback."""
    text = compact(strip_ordinal(label))
    if not text:
        return None
    for key, aliases in options:
        if any(compact(a) == text for a in aliases):
            return key
    best: tuple[int, str] | None = None
    for key, aliases in options:
        for a in aliases:
            ca = compact(a)
            if ca in text and (best is None or len(ca) > best[0]):
                best = (len(ca), key)
    return best[1] if best else None


_ORDINAL_CHARS = "一二三四五六七八九十百零〇"


def strip_ordinal(label: str) -> str:
    """Remove a leading ordinal: 一、  (一)  1.  1、  十二、"""
    import re

    text = label.strip()
    text = re.sub(rf"^[{_ORDINAL_CHARS}]+[、.．]\s*", "", text)
    text = re.sub(rf"^[(（][{_ORDINAL_CHARS}\d]+[)）]\s*", "", text)
    text = re.sub(r"^\d+[、.．]\s*", "", text)
    return text.strip()


def chinese_ordinal_value(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十三 -> 23."""
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if not text or any(ch not in digits and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return digits[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (digits[tens] if tens else 1) * 10
    if ones:
        if len(ones) != 1:
            return None
        value += digits[ones]
    return value


def _template_tables() -> dict[str, tuple[str, ...]]:
    from juesuan.catalog.templates import templates

    return {t.id: t.table_ids for t in templates().values()}


# Which canonical tables each template family publishes (from catalog/templates/*.yaml).
TEMPLATES: dict[str, tuple[str, ...]] = _template_tables()
