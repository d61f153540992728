"""The claims ledger: how many claims were read, compared, and could not be compared (with why)."""

from __future__ import annotations

from collections import Counter

from juesuan.claims.model import Claim


def claims_summary(claims: list[Claim]) -> dict:
    """extracted / checked / skipped (with the reasons) / not compared (no rule applies to the claim).

    A claim is checked when at least one rule compared it; skipped when a rule needed it but could not
    resolve what to compare it with, and no other rule compared it. Skipped claims are never findings.
    """
    checked = [c for c in claims if c.checked]
    skipped = [c for c in claims if not c.checked and c.skipped]
    reasons: Counter[str] = Counter()
    for c in skipped:
        for reason in sorted(set(c.skipped.values())):
            reasons[reason] += 1
    return {
        "extracted": len(claims),
        "checked": len(checked),
        "skipped": len(skipped),
        "skipped_reasons": dict(reasons.most_common()),
        "not_compared": len(claims) - len(checked) - len(skipped),
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
            "核对": "已核对" if c.checked else ("无法核对：" + "；".join(sorted(set(c.skipped.values()))) if c.skipped else ""),
            "原文": c.quote,
        })
    return pd.DataFrame(rows)
