"""Narrative claims (DOMAIN.md §5): every checkable statement of 情况说明 as a structured record.

The narrative follows a template with slots, written in many ways. This package reads each sentence
once and turns its figures into :class:`Claim` records; the rules work on claims only.

  normalize  the text as claims read it (line breaks inside words, widths, Traditional forms)
  tokens     the vocabulary: figures with units, relation words, list markers, budget names
  extract    the extractors, one per claim kind, and what spans sentences (lists, comparison words)
  resolve    the table cell a subject of a section restates
  ledger     extracted / checked / skipped, for the report

Kinds (:class:`ClaimKind`):
  amount      X 万元 said of a subject (收入总计365.65万元)
  share       占比 S% of a subject, against a stated or implied denominator
  yoy         与上年相比 增加/减少 D 万元, 增长/下降 P% (or against the budget: 比年初预算增加)
  budget      年初/全年/调整预算 A 万元, 支出决算 B 万元, 完成…预算的 C%, 决算数大于/小于预算数
  breakdown   a parent amount and its parts listed after 其中/包括/主要用于
  count       团组, 人次, 车辆, 批次, 设备, 项目 counts
  absence     本年度无此项收支, 无机关运行经费
  unchanged   与上年相同 / 持平, with no figures
"""

from juesuan.claims.extract import canonical_subject, clean_subject, extract_claims
from juesuan.claims.ledger import claims_frame, claims_summary
from juesuan.claims.model import Claim, ClaimKind, Direction, Figure
from juesuan.claims.tokens import MONEY_UNITS

__all__ = ["Claim", "ClaimKind", "Direction", "Figure", "MONEY_UNITS", "canonical_subject", "claims_frame",
           "claims_summary", "clean_subject", "extract_claims"]
