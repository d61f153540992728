"""Narrative text before claims are read from it (DOMAIN.md §8).

Line breaks inside words (决\\n算数小于预算数), full and half width, spaces inside numbers, and the
Traditional forms of the words the claims turn on (萬元, 預算, 決算 …) all read the same afterwards.
"""

from __future__ import annotations

import re

from juesuan.core.normalize import compact

# Traditional -> Simplified, only for characters of the words claims are read by (knowledge as data).
TRADITIONAL = {
    "萬": "万", "億": "亿", "預": "预", "決": "决", "總": "总", "計": "计", "額": "额", "撥": "拨", "財": "财", "務": "务",
    "費": "费", "車": "车", "輛": "辆", "購": "购", "買": "买", "與": "与", "較": "较", "減": "减", "長": "长", "佔": "占",
    "項": "项", "經": "经", "營": "营", "餘": "余", "結": "结", "轉": "转", "類": "类", "數": "数", "於": "于", "為": "为",
    "實": "实", "際": "际", "對": "对", "門": "门", "單": "单", "資": "资", "產": "产", "國": "国", "專": "专", "業": "业",
    "會": "会", "議": "议", "訓": "训", "調": "调", "權": "权", "補": "补", "貼": "贴", "險": "险", "醫": "医", "療": "疗",
    "衛": "卫", "體": "体", "維": "维", "護": "护", "運": "运", "採": "采", "貨": "货", "從": "从", "機": "机", "關": "关",
    "說": "说", "況": "况", "當": "当", "無": "无", "達": "达", "約": "约", "個": "个", "團": "团", "組": "组", "設": "设",
    "備": "备", "臺": "台", "並": "并", "將": "将", "兩": "两", "後": "后", "規": "规", "發": "发", "開": "开", "銷": "销",
    "稅": "税",
}
_TRADITIONAL = str.maketrans(TRADITIONAL)
_NUMBER_SPACES = re.compile(r"(?<=\d)[ ,](?=\d{3}(?!\d))")


def simplify(text: str) -> str:
    """Traditional forms of the claim words to Simplified."""
    return text.translate(_TRADITIONAL)


def narrative_text(text: str) -> str:
    """One paragraph as claims read it: NFKC, radicals, Simplified, no white space (a PDF line break
    inside 决算数 or inside a number no longer splits it), thousands separators kept for the figure
    pattern."""
    return compact(simplify(text))
