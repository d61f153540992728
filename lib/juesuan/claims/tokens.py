"""The vocabulary claims are read with: figures and their units, relation words, list markers.

Knowledge as data: every word a claim turns on is listed here, and the extractors use these names.
"""

from __future__ import annotations

import re

from juesuan.claims.model import Direction

MONEY_UNITS = ("万元", "亿元", "元")
COUNT_UNITS = ("人次", "批次", "台(套)", "台", "套", "个", "辆", "人", "项")

FIGURE = re.compile(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>万元|亿元|元|%|人次|批次|台\(套\)|台|套|个|辆|人|项)")
SENTENCE = re.compile(r"[^。;；!?！？]+[。;；!?！？]?")

# year-on-year: the amount word and the percent word
CHANGE_WORDS = {"增加": Direction.UP, "减少": Direction.DOWN, "增长": Direction.UP, "下降": Direction.DOWN,
                "上升": Direction.UP, "降低": Direction.DOWN, "减少了": Direction.DOWN, "增加了": Direction.UP}
AMOUNT_CHANGE_WORDS = ("增加", "减少", "上升", "降低")
PERCENT_CHANGE_WORDS = ("增长", "下降", "上升", "降低", "增加", "减少")
# what a change is measured against, stripped from the subject
VERSUS = re.compile(r"(?:与|较|比|同比)?(?:上一年度|上一年|上年度|上年|去年|(?:19|20)\d{2}年度|(?:19|20)\d{2}年|同期|年初预算数|年初预算|预算数|预算)"
                    r"(?:决算数?|决算|同期)?(?:相比|比较|相较)?(?:[,，])?")
VERSUS_BUDGET = re.compile(r"(?:与|较|比)(?:年初|全年|调整)?预算数?")

# budget: which budget a figure or a completion rate names
BUDGET_NAMES = (("年初预算", "budget_initial"), ("全年预算", "budget_full"), ("调整预算", "budget_adjusted"),
                ("调整后预算", "budget_adjusted"), ("预算数", "budget_plain"), ("预算", "budget_plain"))
BUDGET_BEFORE_FIGURE = re.compile(r"(年初预算数?|全年预算数?|调整后?预算数?|预算数|预算)(?:金额)?(?:为|是)?$")
FINAL_BEFORE_FIGURE = re.compile(r"(支出决算数?|决算支出|决算数|决算|执行数|执行金额|实际执行)(?:金额)?(?:为|是)?$")
COMPLETION = re.compile(r"完成(年初|全年|调整后?)?预算(?:数)?(?:的)?$|预算完成率(?:为|是)?$|执行率(?:为|是)?$|完成(?:了)?$")

# 决算数大于/小于预算数, 决算数与预算数(基本)持平 — the comparison word, wherever it stands
BUDGET_COMPARISON = re.compile(
    r"决算数?(?:支出)?(?P<word>大于|小于|等于|超过|低于|高于|多于|少于)(?:年初|全年|调整后?)?预算"
    r"|决算数?与(?:年初|全年|调整后?)?预算数?(?P<same>基本)?(?:持平|相等|一致|相同)"
    r"|(?:支出|决算)(?P<wordb>超出|超支|节约)"
    r"|(?:^|[,，])(?P<wordc>大于|小于|等于|超过|低于|高于)(?:年初|全年|调整后?)?预算")
BUDGET_WORDS = {"大于": Direction.ABOVE, "超过": Direction.ABOVE, "高于": Direction.ABOVE, "多于": Direction.ABOVE,
                "超出": Direction.ABOVE, "超支": Direction.ABOVE,
                "小于": Direction.BELOW, "低于": Direction.BELOW, "少于": Direction.BELOW, "节约": Direction.BELOW,
                "等于": Direction.EQUAL}

# a list follows an amount: 其中 / 主要用于 / 包括 / 具体如下 / 分别为
LIST_MARKER = re.compile(r"^[,，]?(其中|主要用于以下方面|主要用于|主要包括|包括|主要有|具体情况如下|具体如下|具体为|分别为|分别是|由)"
                         r"[:：,，]?")
EXHAUSTIVE_MARKERS = ("分别为", "分别是", "由")
# part sets that make a whole on their own (knowledge as data): a list naming all of them is complete
EXHAUSTIVE_SETS = (("基本支出", "项目支出"), ("人员经费", "公用经费"), ("货物", "工程", "服务"),
                   ("收入合计", "年初结转和结余"), ("支出合计", "年末结转和结余"))

# denominators as written -> the subject they stand for
DENOMINATOR_SYNONYMS = {
    "总支出": "支出总计", "支出总额": "支出总计", "全部支出": "支出总计", "总收入": "收入总计", "收入总额": "收入总计",
    "全部收入": "收入总计", "本年支出": "支出合计", "本年收入": "收入合计", "当年支出": "支出合计", "当年收入": "收入合计",
    "本年支出合计": "支出合计", "本年收入合计": "收入合计", "财政拨款支出总额": "财政拨款支出",
    "项目支出总额": "项目支出", "一般公共预算项目支出总额": "项目支出", "基本支出总额": "基本支出",
}
# denominators that name no particular total: inside a list they mean the list's whole
GENERIC_DENOMINATORS = ("总支出", "总收入", "支出总额", "收入总额", "总额", "合计", "总计", "全部支出", "全部收入")
# the grid of a 绩效自评表 read as text: cells run together ("…服务的" | "的满意度" -> "的的"), figures glue to
# scores; no claim is read from such a paragraph
_GRID_WORDS = re.compile(r"一级指标|二级指标|三级指标|年度指标值|实际完成值|满意度指标|产出指标|效益指标|成本指标|分值|得分")


def is_grid_text(text: str) -> bool:
    """Two or more of the grid's column words in one paragraph (prose says 平均得分99.43分 alone)."""
    return len(set(_GRID_WORDS.findall(text))) >= 2
