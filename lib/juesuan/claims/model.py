"""What a narrative claim is: its kind, its direction word, its figures, the sentence it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from juesuan.core.model import Location
from juesuan.core.money import Amount


class _Labelled(str, Enum):
    """A str enum whose value is today's string (presentation compares against it) with a Chinese label."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:  # f-strings and DataFrames show the value, not ClaimKind.SHARE
        return self.value

    __format__ = lambda self, spec: format(self.value, spec)  # noqa: E731


class ClaimKind(_Labelled):
    AMOUNT = "amount", "金额"
    SHARE = "share", "占比"
    YOY = "yoy", "同比增减"
    BUDGET = "budget", "预算完成"
    BREAKDOWN = "breakdown", "构成（其中/包括）"
    COUNT = "count", "数量"
    ABSENCE = "absence", "无此项"
    UNCHANGED = "unchanged", "与上年持平"


class Direction(_Labelled):
    UP = "up", "增加"
    DOWN = "down", "减少"
    SAME = "same", "持平"
    CONFLICT = "conflict", "方向矛盾"
    ABOVE = "above", "决算大于预算"
    BELOW = "below", "决算小于预算"
    EQUAL = "equal", "决算等于预算"
    ABOUT_EQUAL = "about_equal", "决算与预算基本持平"


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
        """As an :class:`Amount` (万元), with the rounding interval its printed form allows: in the
        narrative "1万元" stands for 0.5–1.5 (DOMAIN.md §6)."""
        if self.value == 0 and "." not in self.text:
            return Amount.exact(0)  # "0万元": nothing was spent, not 0±0.5
        return Amount.from_printed(self.text, self.unit, min_decimals=0)

    @property
    def half_step(self) -> Decimal:
        """Half of the last printed decimal place (for percents: 22.68% -> 0.005)."""
        return Decimal(1).scaleb(-self.decimals) / 2


@dataclass(eq=False)
class Claim:
    kind: ClaimKind
    section: int  # narrative section number
    table_id: str | None  # the table the section explains
    subject: str  # normalised subject, "" when the sentence names none
    figures: dict[str, Figure]
    quote: str
    location: Location
    direction: Direction | None = None
    direction_word: str | None = None
    denominator: str | None = None  # share: the stated denominator phrase, None when implied
    parts: list["Claim"] = field(default_factory=list)  # breakdown children; share: [the lead amount]
    level: str | None = None  # 类 / 款 / 项 when the sentence marks it
    group: str | None = None  # shares of one list
    marker: str | None = None  # breakdown: 其中 / 包括 / 主要用于 …
    versus: str = "上年"  # yoy: what the change is against (上年 / 预算)
    sentence: int = 0  # index of the sentence in its section (a claim may be completed by the next one)
    # the ledger: which rules compared the claim, and why others could not
    checked: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    # the document itself gives nothing to check the claim against (a rate with no prior-year figure)
    uncheckable: str | None = None

    def mark_checked(self, rule: str) -> None:
        self.checked.add(rule)

    def mark_skipped(self, rule: str, reason: str) -> None:
        self.skipped[rule] = reason
