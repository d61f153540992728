"""How a unit of a batch ended: one enum, read by the batch runner and by the pages it writes."""

from __future__ import annotations

from enum import Enum


class UnitStatus(str, Enum):
    """How a unit of a batch ended. Compares equal to its value (``UnitStatus.OK == "ok"``)."""

    OK = "ok"  # audited in this run
    FAILED = "failed"  # could not be audited: the reason says why
    SKIPPED = "skipped"  # --resume: complete outputs from an earlier run of this very input
    EARLIER = "earlier"  # a complete unit folder in --out that this run's inputs did not name
    IGNORED = "ignored"  # found in an input folder but not a unit: hidden, a dangling link, a FIFO or device

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


STATUS_LABELS = {UnitStatus.OK: "完成", UnitStatus.FAILED: "失败", UnitStatus.SKIPPED: "已完成（跳过）",
                 UnitStatus.EARLIER: "已完成（不在本次输入中）", UnitStatus.IGNORED: "未审核（不是普通文件）"}
#: The statuses whose unit folder holds complete outputs (reports, findings).
WITH_OUTPUTS = (UnitStatus.OK, UnitStatus.SKIPPED, UnitStatus.EARLIER)
