"""Every word and threshold the layout strategies decide by, in one object."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LayoutSettings:
    #: A mapping is judged by the table's own sums only when at least this many comparisons could be made;
    #: with fewer, a failed sum is a defect of the table (the rules report it), not a sign of a misread grid.
    min_comparisons_to_judge: int = 3
    #: The mapping is rejected when more than this share of the comparisons fail.
    max_failed_share: float = 0.5
    #: The row that sums the classes, printed above or below them.
    total_words: tuple[str, ...] = ("合计", "总计")
    #: Sub-column names that only say "the total of the group above" (本年支出 | 小计, 事业收入 | 金额).
    generic_words: tuple[str, ...] = ("小计", "合计", "金额", "总计")
    #: A column or row that is part of another, printed beside it and never summed with it.
    of_which_prefixes: tuple[str, ...] = ("其中:", "其中：", "其中")
    #: The two halves of the 三公 table.
    half_words: dict[str, str] = field(default_factory=lambda: {
        "预算数": "budget", "预算": "budget", "全年预算数": "budget", "年初预算数": "budget",
        "决算数": "final", "决算": "final", "实际支出": "final",
    })
    #: Header cells that open a panel of the 06 table (its code column).
    panel_code_headers: tuple[str, ...] = ("科目代码", "代码", "科目编码", "经济分类科目编码", "经济分类", "编码")
    #: Lines under a grid that are not data.
    footer_prefixes: tuple[str, ...] = ("注", "说明", "备注")
    #: The level words of codes split over columns.
    level_words: tuple[str, ...] = ("类", "款", "项")
    #: How many leading non-empty rows may hold the header (and the 类|款|项 row).
    header_scan_rows: int = 8


SETTINGS = LayoutSettings()
