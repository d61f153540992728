"""The claims ledger: how many claims were read, compared, and could not be compared (with why)."""

from __future__ import annotations

from collections import Counter

from juesuan.claims.model import Claim


def claims_summary(claims: list[Claim]) -> dict:
    """extracted / checked / skipped / uncheckable (with the reasons) / not compared.

    A claim is checked when at least one rule compared it; skipped when a rule needed it but could not
    resolve what to compare it with (a denominator, a current-year figure, a table), and no other rule
    compared it; uncheckable when the document itself holds nothing to compare it with (增长0.39% with no
    change amount and no prior-year figure anywhere); not compared when no rule applies to it (an amount
    with no table counterpart). Skipped and uncheckable claims are never findings.
    """
    checked = [c for c in claims if c.checked]
    skipped = [c for c in claims if not c.checked and c.skipped]
    uncheckable = [c for c in claims if not c.checked and not c.skipped and c.uncheckable]
    reasons: Counter[str] = Counter()
    for c in skipped:
        for reason in sorted(set(c.skipped.values())):
            reasons[reason] += 1
    why_not: Counter[str] = Counter(c.uncheckable for c in uncheckable)
    return {
        "extracted": len(claims),
        "checked": len(checked),
        "skipped": len(skipped),
        "skipped_reasons": dict(reasons.most_common()),
        "uncheckable": len(uncheckable),
        "uncheckable_reasons": dict(why_not.most_common()),
        "not_compared": len(claims) - len(checked) - len(skipped) - len(uncheckable),
    }


def claims_frame(claims: list[Claim]):
    """The claims as a pandas DataFrame, for the notebook."""
    import pandas as pd

    rows = []
    for c in claims:
        rows.append({
            "章节": c.section,
            "类型": c.kind.label,
            "主体": c.subject,
            "数字": "；".join(f"{k}={v.text}{v.unit}" for k, v in c.figures.items()),
            "方向": c.direction_word or "",
            "分母": c.denominator or "",
            "核对": "已核对" if c.checked else ("无法核对：" + "；".join(sorted(set(c.skipped.values()))) if c.skipped
                                            else f"无从核对：{c.uncheckable}" if c.uncheckable else ""),
            "原文": c.quote,
        })
    return pd.DataFrame(rows)
