"""Exact amounts as printed, with the rounding interval each one carries.

A disclosure prints amounts rounded to two decimals of 万元 (sometimes 元). The true value behind a
printed ``249.89`` lies anywhere in ``[249.885, 249.895]``. Every comparison in the rules is made with
these intervals, so a tail error from unit conversion (DOMAIN.md §6) is told apart from a typo.

Money is never a float here: values are :class:`decimal.Decimal`, parsed from the printed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

#: Units of things counted, not money: exact integers, no rounding interval.
COUNT_UNITS = {"个", "辆", "人次", "批次", "台", "台(套)", "台（套）", "套", "人", "项", "次", "批"}

#: 万元 per unit, for the units a table or a sentence may use.
UNIT_TO_WAN: dict[str, Decimal] = {
    "万元": Decimal(1),
    "元": Decimal("0.0001"),
    "亿元": Decimal(10000),
    "千元": Decimal("0.1"),
}

# The smallest rounding step assumed for any printed money figure, in its own unit. Narratives drop
# trailing zeros ("24.9万元" for 24.90), so a figure with fewer decimals is read as if it had two.
MIN_MONEY_DECIMALS = 2

DASHES = {"——", "—", "--", "-", "－", "－－", "―", "――", "/", "／"}
_NUMBER = re.compile(r"^[+\-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")

#: Bounds on a printed number. The largest amount any disclosure prints is some 10^9 万元 (a
#: province's budget); 15 integer digits leave room for 元 and counts. Six decimals cover every
#: percentage and unit conversion. Anything longer is refused with a reason before Decimal sees it,
#: so no arithmetic can overflow or run for long on it.
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_DIGITS = 6
_MAX_NUMBER_CHARS = 64  # with separators, signs and spaces; longer text is not one printed number

#: A cell that is meant to be a number but cannot be read as one: NaN/Inf, exponents, accounting
#: parentheses, a number with a unit or percent sign glued on, a malformed grouping, an overlong
#: figure. Only digits, separators, signs, brackets, exponents and unit marks; at least one digit
#: (or a NaN/Inf word).
_NUMBER_LIKE = re.compile(r"^[\s\d０-９,，.．+＋\-－−()（）eE万元亿千%％]*\d[\s\d０-９,，.．+＋\-－−()（）eE万元亿千%％]*$")
_NOT_A_NUMBER_WORDS = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "#value!", "#div/0!",
                       "#n/a", "#ref!", "#num!", "null", "none", "undefined"}


class CellKind(str, Enum):
    """What a table cell holds. Blank, 0.00 and —— are three different things (DOMAIN.md §3)."""

    AMOUNT = "amount"  # a number, zero included
    BLANK = "blank"  # nothing printed
    DASH = "dash"  # ——: the item does not apply
    TEXT = "text"  # anything else (a label, a statement)
    UNREADABLE = "unreadable"  # meant as a number but not readable as one: NaN, 1e308, (123.45), 123.45万


def looks_like_number(text: str) -> bool:
    """True for text printed where a number belongs that is no valid number (see ``_NUMBER_LIKE``)."""
    stripped = text.strip()
    if stripped.lower() in _NOT_A_NUMBER_WORDS:
        return True
    return bool(_NUMBER_LIKE.match(stripped))


class NumberFormatError(ValueError):
    """A string that should be a number is not one."""


def parse_decimal(text: str) -> Decimal:
    """Parse a printed number: thousands separators, a sign, fullwidth digits. Raises NumberFormatError."""
    if len(text) > _MAX_NUMBER_CHARS:
        raise NumberFormatError(f"数字过长（{len(text)}个字符）：{text[:20]!r}…")
    cleaned = normalise_number_text(text)
    match = _NUMBER.match(cleaned)
    if not match:
        raise NumberFormatError(f"不是数字：{text!r}")
    integer, fraction = match.group(1).replace(",", ""), (match.group(3) or ".")[1:]
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_DECIMAL_DIGITS:
        raise NumberFormatError(f"数字超出可读范围（整数最多{MAX_INTEGER_DIGITS}位、小数最多{MAX_DECIMAL_DIGITS}位）：{text[:30]!r}")
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise NumberFormatError(f"不是数字：{text!r}") from exc


def normalise_number_text(text: str) -> str:
    """Fullwidth digits and separators to ASCII, spaces removed."""
    out = []
    for ch in text.strip():
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19:  # fullwidth digits
            out.append(chr(code - 0xFF10 + ord("0")))
        elif ch in "，,":
            out.append(",")
        elif ch in "．.":
            out.append(".")
        elif ch in "－-−":
            out.append("-")
        elif ch in "＋+":
            out.append("+")
        elif ch.isspace():
            continue
        else:
            out.append(ch)
    return "".join(out)


def classify_cell(text: str | None) -> tuple[CellKind, Decimal | None]:
    """Tell what a printed table cell is, and its value when it is a number."""
    if text is None:
        return CellKind.BLANK, None
    stripped = text.strip()
    if not stripped:
        return CellKind.BLANK, None
    if stripped in DASHES or set(stripped) <= set("—-－―"):
        return CellKind.DASH, None
    try:
        return CellKind.AMOUNT, parse_decimal(stripped)
    except NumberFormatError:
        if len(stripped) > _MAX_NUMBER_CHARS and stripped[:_MAX_NUMBER_CHARS].strip().isdigit():
            return CellKind.UNREADABLE, None  # an overlong run of digits
        return (CellKind.UNREADABLE if looks_like_number(stripped) else CellKind.TEXT), None


def decimals_of(text: str) -> int:
    """Number of decimals printed in a numeric string ("24.9" -> 1, "100" -> 0)."""
    cleaned = normalise_number_text(text)
    return len(cleaned.split(".", 1)[1]) if "." in cleaned else 0


@dataclass(frozen=True)
class Amount:
    """A printed amount and the interval its true value lies in, both in 万元.

    ``value`` is the printed figure converted exactly to 万元; ``half_step`` is half of the last printed
    decimal place, converted the same way. ``printed`` and ``unit`` keep what the document said.
    """

    value: Decimal
    half_step: Decimal
    printed: str
    unit: str = "万元"

    @classmethod
    def from_printed(cls, printed: str, unit: str = "万元", min_decimals: int = MIN_MONEY_DECIMALS) -> "Amount":
        shown = parse_decimal(printed)
        if unit in COUNT_UNITS:
            return cls(value=shown, half_step=Decimal(0), printed=printed.strip(), unit=unit)
        if unit not in UNIT_TO_WAN:
            raise NumberFormatError(f"未知金额单位：{unit}")
        factor = UNIT_TO_WAN[unit]
        places = max(decimals_of(printed), min_decimals)
        half = Decimal(1).scaleb(-places) / 2
        return cls(value=shown * factor, half_step=half * factor, printed=printed.strip(), unit=unit)

    @classmethod
    def exact(cls, value: Decimal | int | str) -> "Amount":
        """An amount with no rounding (a zero implied by 本表无数据, for instance)."""
        v = Decimal(value)
        return cls(value=v, half_step=Decimal(0), printed=str(v), unit="万元")

    @property
    def low(self) -> Decimal:
        return self.value - self.half_step

    @property
    def high(self) -> Decimal:
        return self.value + self.half_step

    def __str__(self) -> str:
        return format_wan(self.value)


def format_wan(value: Decimal | None) -> str:
    """Format a 万元 value for messages: two decimals, more only when the value needs them."""
    if value is None:
        return "—"
    q = value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value.normalize()
    return f"{q:f}"


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')):f}%"


def signed_sum(parts: "list[tuple[int, Amount]]", total: Amount) -> tuple[Decimal, Decimal]:
    """Σ sign × part, and the rounding envelope of the comparison with ``total`` (DOMAIN.md §6):
    each printed figure, parts and total, may be off by its half step."""
    expected = sum((Decimal(sign) * p.value for sign, p in parts), Decimal(0))
    envelope = sum((p.half_step for _, p in parts), Decimal(0)) + total.half_step
    return expected, envelope


@dataclass(frozen=True)
class Interval:
    """A closed interval of Decimals, for sums and ratios of rounded figures."""

    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, amount: Amount) -> "Interval":
        return cls(amount.low, amount.high)

    @classmethod
    def point(cls, value: Decimal) -> "Interval":
        return cls(value, value)

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.low + other.low, self.high + other.high)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.low - other.high, self.high - other.low)

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high

    def ratio(self, denominator: "Interval") -> "Interval | None":
        """The interval of self / denominator for non-negative intervals; None when it is unbounded."""
        if denominator.low <= 0:
            return None
        candidates = [
            self.low / denominator.low,
            self.low / denominator.high,
            self.high / denominator.low,
            self.high / denominator.high,
        ]
        return Interval(min(candidates), max(candidates))

    def scaled(self, factor: Decimal) -> "Interval":
        a, b = self.low * factor, self.high * factor
        return Interval(min(a, b), max(a, b))

