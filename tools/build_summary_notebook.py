"""Write notebooks/batch_summary.ipynb (clean) from the cells below. Run: python tools/build_summary_notebook.py"""

from __future__ import annotations

from pathlib import Path

import nbformat

from build_audit_notebook import code, md, notebook

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "notebooks" / "batch_summary.ipynb"
# The same notebook shipped inside the package, where `juesuan` finds it with importlib.resources
# (tests/test_install.py checks the two are identical).
TARGETS = (TARGET, ROOT / "lib" / "juesuan" / "notebooks" / "batch_summary.ipynb")

CELLS = [
    md("# 批量审核汇总\n\n同一批单位的审核结果：各规则发现多少问题、各单位情况、主要比率的分布，以及值得重点关注的单位。", "intro"),
    code('batch_dir = "../outputs/batch"  # juesuan batch 的输出目录', "parameters"),
    code("""
import pandas as pd

from juesuan.present import summary
from juesuan.present import workbook

pd.set_option("display.max_rows", 500)
data = summary.load_batch(batch_dir)
""", "setup"),
    md("## 运行情况"),
    code('workbook.show(summary.status_frame(data["units"]))'),
    code('workbook.show(summary.failed_units(data["units"]))'),
    md("## 按规则"),
    code('by_rule = summary.findings_by_rule(data["findings"])\nworkbook.show(by_rule)'),
    code('summary.rule_chart(by_rule) or "（没有错误或警告）"'),
    md("## 按单位"),
    code('workbook.show(summary.findings_by_unit(data["findings"], data["units"]))'),
    md("## 主要比率的分布"),
    code('workbook.show(summary.ratio_distribution(data["metrics"]))'),
    code('summary.ratio_chart(data["metrics"]) or "（没有可比的比率）"'),
    md("## 值得关注的单位\n\n比率超出同批单位常见范围（四分位距1.5倍以外）的单位，以及错误最多的单位。"),
    code('workbook.show(summary.standouts(data["metrics"], data["findings"]))'),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS, "批量审核汇总")


if __name__ == "__main__":
    for target in TARGETS:
        nbformat.write(build(), target)
        print(f"wrote {target.relative_to(ROOT)}")
