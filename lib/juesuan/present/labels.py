"""Reader-facing words and number styles for every page juesuan shows (HTML and notebook frames).

Claim kinds, figure names and directions are keyed by their string values (the claims package may
make them ``str`` Enums; ``str(kind.value)`` and the plain string key the same entry). Amounts read
as numbers: one thousands style (``2,940.05``), right-aligned; text stays left-aligned.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CLAIM_KINDS = {
    "amount": "金额",
    "count": "数量",
    "share": "占比",
    "yoy": "与上年比较",
    "budget": "与年初预算比较",
    "breakdown": "构成",
    "absence": "称无此项",
    "performance": "绩效自评",
}
FIGURE_NAMES = {
    "amount": "金额",
    "percent": "百分比",
    "count": "数量",
    "change": "增减额",
    "current": "本年数",
    "prior": "上年数",
    "budget": "年初预算",
    "final": "决算数",
    "rate": "完成率",
}
DIRECTIONS = {"up": "增加", "down": "减少", "same": "持平"}
SEVERITY_COLOURS = {"error": "#cf222e", "warning": "#bf8700", "note": "#57606a"}

_NUMBER = re.compile(r"^([-−+]?)(\d+)(\.\d+)?(%|万元|元|个百分点)?$")
_GROUPED = re.compile(r"^[-−+]?\d{1,3}(,\d{3})+(\.\d+)?(%|万元|元|个百分点)?$")


def _key(value) -> str:
    return str(getattr(value, "value", value) or "")


def claim_kind(kind) -> str:
    key = _key(kind)
    return getattr(kind, "label", None) or CLAIM_KINDS.get(key, key)


def figure_name(name) -> str:
    key = _key(name)
    return FIGURE_NAMES.get(key, key)


def direction(word) -> str:
    key = _key(word)
    return DIRECTIONS.get(key, key)


def figures_text(figures: dict) -> str:
    """A claim's figures in Chinese: 金额 59.73万元；百分比 22.68%."""
    parts = []
    for name, figure in figures.items():
        text = getattr(figure, "text", str(figure))
        unit = getattr(figure, "unit", "")
        parts.append(f"{figure_name(name)} {thousands(text)}{unit}")
    return "；".join(parts)


def thousands(text) -> str:
    """A printed number in the one thousands style (2940.05 -> 2,940.05); anything else unchanged.

    The printed decimals are kept (0.3 stays 0.3): only the grouping changes."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    stripped = text.strip()
    m = _NUMBER.match(stripped.replace(",", "")) if _GROUPED.match(stripped) or "," not in stripped else None
    if not m:
        return text
    sign, whole, fraction, unit = m.groups()
    return f"{sign}{int(whole):,}{fraction or ''}{unit or ''}"


def is_number(text) -> bool:
    """Whether a cell reads as a number (amount, percent, count, ≤ bound, or the blank dash ——)."""
    if text is None:
        return False
    s = str(text).strip().lstrip("≤±")
    if s in ("", "——", "—", "-"):
        return False
    s = s.replace(",", "")
    if s.endswith(("%", "万元", "元", "个百分点")):
        s = re.sub(r"(%|万元|元|个百分点)$", "", s)
    try:
        return Decimal(s).is_finite()
    except InvalidOperation:
        return False


def numeric_columns(frame) -> list[str]:
    """Columns whose every non-blank value reads as a number: these align right."""
    out = []
    for column in frame.columns:
        values = [v for v in frame[column].tolist() if v is not None and str(v).strip() not in ("", "——", "—", "nan")]
        if values and all(isinstance(v, (int, float, Decimal)) or is_number(v) for v in values):
            out.append(column)
    return out
