"""Across units: the batch summary notebook's steps (findings by rule and by unit, key ratios,
the units that stand out)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from juesuan.present.charts import Chart, _figure
from juesuan.rules import REGISTRY


def load_batch(batch_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The batch's units, findings and per-unit metrics as frames."""
    folder = Path(batch_dir)
    batch = json.loads((folder / "batch.json").read_text(encoding="utf-8")) if (folder / "batch.json").exists() else None
    units = pd.DataFrame(batch["units"]) if batch else pd.DataFrame()
    findings = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False) if (folder / "findings.csv").exists() \
        else pd.DataFrame()
    metrics_rows = []
    for manifest in sorted(folder.glob("*/metrics.json")):
        if manifest.parent.name.startswith("."):
            continue  # a unit still being written (*.partial) or being replaced (*.old-*)
        data = json.loads(manifest.read_text(encoding="utf-8"))
        row = {"单位目录": manifest.parent.name, "单位名称": data.get("unit") or "", "年度": data.get("year")}
        for key, value in (data.get("metrics") or {}).items():
            row[key] = _decimal(value)
        metrics_rows.append(row)
    return {"units": units, "findings": findings, "metrics": pd.DataFrame(metrics_rows)}


def _decimal(value):
    if value is None:
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        return None


def status_frame(units: pd.DataFrame) -> pd.DataFrame:
    if units.empty:
        return pd.DataFrame([{"说明": "没有单位"}])
    labels = {"ok": "完成", "failed": "失败", "skipped": "已完成（跳过）", "earlier": "已完成（不在本次输入中）",
              "ignored": "未审核（不是普通文件）"}
    counts = units["status"].map(lambda s: labels.get(s, s)).value_counts().rename_axis("状态").reset_index(name="单位数")
    return counts


def failed_units(units: pd.DataFrame) -> pd.DataFrame:
    if units.empty:
        return pd.DataFrame()
    failed = units[units["status"] == "failed"][["unit", "source", "reason"]].copy()
    if failed.empty:
        return pd.DataFrame([{"说明": "没有失败的单位"}])
    from juesuan.core.safe import plain_text

    failed["source"] = failed["source"].map(lambda p: plain_text(Path(str(p)).name))  # never the machine's path
    return failed.rename(columns={"unit": "单位目录", "source": "来源文件", "reason": "原因"})


SEVERITIES = ("错误", "警告", "提示")
_ENGLISH = {"error": "错误", "warning": "警告", "note": "提示"}


def _active(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with Chinese severities, those the review dismissed (排除) left out."""
    if findings.empty:
        return findings
    frame = findings.copy()
    frame["级别"] = frame["级别"].map(lambda v: _ENGLISH.get(v, v))
    if "复核结论" in frame:
        frame = frame[frame["复核结论"] != "排除"]
    return frame


def findings_by_rule(findings: pd.DataFrame) -> pd.DataFrame:
    """Per rule: errors, warnings and notes (review-dismissed ones left out) and how many units."""
    findings = _active(findings)
    columns = ["规则", "核对内容", *SEVERITIES, "涉及单位数"]
    if findings.empty:
        return pd.DataFrame(columns=columns)
    table = findings.pivot_table(index="规则", columns="级别", values="说明", aggfunc="count", fill_value=0)
    for level in SEVERITIES:
        if level not in table.columns:
            table[level] = 0
    table["涉及单位数"] = findings.groupby("规则")["单位目录"].nunique()
    table = table.reset_index()
    table.insert(1, "核对内容", table["规则"].map(lambda r: REGISTRY[r].statement if r in REGISTRY else ""))
    return table[columns].sort_values(list(SEVERITIES), ascending=False)


def findings_by_status(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings by review status (确认/排除/待定/未复核) and severity."""
    if findings.empty:
        return pd.DataFrame([{"说明": "没有发现"}])
    frame = findings.copy()
    frame["级别"] = frame["级别"].map(lambda v: _ENGLISH.get(v, v))
    status = frame["复核结论"].replace("", "未复核") if "复核结论" in frame else pd.Series("未复核", index=frame.index)
    frame["复核结论"] = status
    table = frame.pivot_table(index="复核结论", columns="级别", values="说明", aggfunc="count", fill_value=0)
    for level in SEVERITIES:
        if level not in table.columns:
            table[level] = 0
    table = table[list(SEVERITIES)]
    table["合计"] = table.sum(axis=1)
    order = {k: i for i, k in enumerate(("确认", "待定", "未复核", "排除"))}
    return table.reset_index().sort_values("复核结论", key=lambda c: c.map(lambda v: order.get(v, 9)))


def findings_by_unit(findings: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per unit (most errors first): the counts the batch recorded, review-dismissed ones left out."""
    if units.empty:
        return pd.DataFrame()
    done = units[units["status"].isin(["ok", "skipped"])].copy()
    if "dismissed" not in done:
        done["dismissed"] = 0
    done = done[["unit", "unit_name", "errors", "warnings", "notes", "dismissed"]]
    done = done.rename(columns={"unit": "单位目录", "unit_name": "单位名称", "errors": "错误", "warnings": "警告",
                                "notes": "提示", "dismissed": "复核排除"})
    return done.sort_values(["错误", "警告"], ascending=False)


def linked(frame: pd.DataFrame, column: str = "单位目录"):
    """A frame for display whose ``column`` links to each unit's report (relative, beside summary.html);
    every other value HTML-escaped."""
    import html
    from urllib.parse import quote

    from juesuan.present.workbook import show

    return show(frame).with_markup(column, lambda v: f'<a href="{html.escape(quote(str(v)), quote=True)}/report.html">'
                                                      f'{html.escape(str(v))}</a>')


MIN_SPREAD = Decimal("1")  # percentage points between the quartiles
METRICS = ["基本支出占比%", "项目支出占比%", "财政拨款收入占比%", "人员经费占基本支出%", "预算完成率%", "上年增减率%"]


def ratio_distribution(metrics: pd.DataFrame) -> pd.DataFrame:
    """Quartiles of the key ratios across units."""
    rows = []
    for name in METRICS:
        if name not in metrics:
            continue
        values = sorted(v for v in metrics[name] if v is not None)
        if not values:
            continue
        rows.append({"指标": name, "单位数": len(values), "最小": values[0], "下四分位": _quantile(values, 1, 4),
                     "中位数": _quantile(values, 1, 2), "上四分位": _quantile(values, 3, 4), "最大": values[-1]})
    return pd.DataFrame(rows)


def _quantile(values: list[Decimal], num: int, den: int) -> Decimal:
    position = (len(values) - 1) * num / den
    low = int(position)
    high = min(low + 1, len(values) - 1)
    fraction = Decimal(str(position - low))
    return (values[low] + (values[high] - values[low]) * fraction).quantize(Decimal("0.01"))


def standouts(metrics: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Units outside 1.5 × IQR on a key ratio (only where the batch's units spread by at least
    MIN_SPREAD percentage points between the quartiles: against a spread of nothing every difference
    would stand out), and the units with the most error findings."""
    rows = []
    for name in METRICS:
        if name not in metrics:
            continue
        values = sorted(v for v in metrics[name] if v is not None)
        if len(values) < 4:
            continue
        q1, q3 = _quantile(values, 1, 4), _quantile(values, 3, 4)
        if q3 - q1 < MIN_SPREAD:
            continue
        spread = (q3 - q1) * Decimal("1.5")
        for _, unit in metrics.iterrows():
            value = unit.get(name)
            if value is not None and (value < q1 - spread or value > q3 + spread):
                rows.append({"单位目录": unit["单位目录"], "单位名称": unit["单位名称"], "原因": f"{name}为{value}，"
                             f"超出同批单位的常见范围（{q1 - spread:.2f}～{q3 + spread:.2f}）"})
    findings = _active(findings)
    if not findings.empty:
        errors = findings[findings["级别"] == "错误"].groupby(["单位目录", "单位名称"]).size()
        for (folder, name), count in errors.sort_values(ascending=False).head(10).items():
            rows.append({"单位目录": folder, "单位名称": name, "原因": f"错误{count}条"})
    return pd.DataFrame(rows, columns=["单位目录", "单位名称", "原因"])


def ratio_chart(metrics: pd.DataFrame) -> Chart | None:
    present = [m for m in METRICS if m in metrics and any(v is not None for v in metrics[m])]
    if not present:
        return None
    fig = _figure(8, 3.8)
    ax = fig.axes[0]
    data = [[float(v) for v in metrics[m] if v is not None] for m in present]  # drawing only
    ax.boxplot(data, vert=True)
    ax.set_xticks(range(1, len(present) + 1))
    ax.set_xticklabels(present, rotation=15, fontsize=8)
    ax.set_ylabel("%")
    ax.set_title("主要比率在各单位间的分布")
    fig.tight_layout()
    return Chart(fig)


def rule_chart(by_rule: pd.DataFrame) -> Chart | None:
    top = by_rule[(by_rule["错误"] + by_rule["警告"]) > 0].head(15) if not by_rule.empty else by_rule
    if top.empty:
        return None
    fig = _figure(8, 4)
    ax = fig.axes[0]
    ax.barh(list(top["规则"])[::-1], list(top["错误"])[::-1], color="#c44e52", label="错误")
    ax.barh(list(top["规则"])[::-1], list(top["警告"])[::-1], left=list(top["错误"])[::-1], color="#dd8452", label="警告")
    ax.set_xlabel("条数")
    ax.legend()
    ax.set_title("发现最多的规则")
    fig.tight_layout()
    return Chart(fig)
