"""Write notebooks/audit_unit.ipynb (clean, no outputs) from the cells below.

The notebook is committed; this script is how it is made and changed, so its cells stay reviewable
as Python. Run: python tools/build_audit_notebook.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "juesuan (Python)", "language": "python", "name": "juesuan"}
TARGET = ROOT / "notebooks" / "audit_unit.ipynb"
# The same notebook shipped inside the package, where `juesuan` finds it with importlib.resources
# (tests/test_install.py checks the two are identical).
TARGETS = (TARGET, ROOT / "lib" / "juesuan" / "notebooks" / "audit_unit.ipynb")


def md(text: str, *tags: str):
    return new_markdown_cell(text.strip(), metadata={"tags": list(tags)} if tags else {})


def code(text: str, *tags: str):
    return new_code_cell(text.strip(), metadata={"tags": list(tags)} if tags else {})


CELLS = [
    md("""
# 决算公开审核工作簿

本工作簿逐步审核一个单位的决算公开文件：先读出每张表，再逐组核对表内平衡、表间一致、情况说明与表格一致、
绩效自评表和公开完整性，每一步都列出中间数字，最后给出全部发现和规则清单。

使用方法：把下面“参数”单元格里的 `source` 改成你的文件（`.pdf` 或文本导出 `.txt`），然后从上到下逐格运行。
所有计算都在 `juesuan` 库中完成，本工作簿只负责调用和展示。
""", "intro"),
    code("""
# 参数
source = "../data/yangquan-bigdata-center-2024.txt"  # 决算公开文件：.pdf 或 .txt
output_dir = "../outputs/notebook"  # findings.json 和 workpaper.xlsx 写到这里
unit_name = None  # 单位名称：封面读不出或读错时填写
year = None  # 年度：同上
extra_tolerance_wan = "0"  # 额外容差（万元）：默认 0，只用尾数误差规则（DOMAIN.md §6）
cached_model = ""  # 批量运行时由 juesuan 填写：已读好的文件模型，免去重复读取
review_file = ""  # 复核记录（workpaper.xlsx 或 CSV）；留空则用源文件旁的 <文件名>.review.csv 和输出目录里已有的 workpaper.xlsx
""", "parameters"),
    code("""
import pandas as pd

from juesuan.present import charts, evidence, report_page, workbook
from juesuan.engine import apply_overrides, audit

pd.set_option("display.max_rows", 500)
pd.set_option("display.max_columns", 60)
pd.set_option("display.max_colwidth", 120)
charts.use_bundled_font();
""", "setup"),
    md("## 一、文件概况", "summary"),
    code("""
doc = apply_overrides(workbook.load_document(source, cached_model), unit_name=unit_name, year=year)
result = audit(doc, extra_tolerance=extra_tolerance_wan)
evidence.attach_pages(result, source)  # every finding on a PDF carries its page
review = workbook.load_review(review_file, source, output_dir)  # 复核结论：确认 / 排除 / 待定
workbook.show(workbook.document_facts(doc))
""", "summary"),
    code("workbook.show(workbook.overview_frame(doc))", "summary"),
    md("## 审核结论\n\n错误是数字或表述有误；警告是缺漏或存疑；提示是尾数误差范围内的差额。", "findings"),
    code("workbook.show(workbook.summary_frame(result, review))", "findings"),
    code("charts.findings_by_severity(result)", "findings"),
    code("workbook.show(workbook.findings_view(result, review))", "findings"),
    code("workbook.stale_view(result, review)", "findings"),
    md("### 每条发现及其所在页面\n\nPDF 文件的每条发现附有所在页面的局部图像，所涉数字用红框标出。", "findings"),
    code("report_page.findings_panel(result, source, status_of=workbook.status_of(result, review))", "findings"),
    md("## 二、各表提取结果\n\n每张表按读出的样子列出：空白保持空白，“——”保持“——”，0.00 保持 0.00。"),
    *[code(f'workbook.table_view(doc, "{table_id:02d}")') for table_id in range(1, 11)],
    md("## 三、表内平衡\n\n### 科目层级汇总（类＝Σ款＝Σ项，合计＝Σ类）\n\n每一行是一次汇总核对：应为（各下级之和）、实为（表列数）、差额和所用容差。"),
    code('workbook.show(workbook.evidence_view(result, rule_suffix=".hierarchy"))'),
    md("### 其他表内关系（合计列＝各分列之和、两栏平衡、人员经费与公用经费、三公、统计表）"),
    code('workbook.show(workbook.evidence_view(result, family="tables", exclude_suffix=".hierarchy"))'),
    md("## 四、表间核对\n\n同一数字在不同表中应一致；05表每行不超过03表；06表三公科目不超过09表决算数。"),
    code('workbook.show(workbook.evidence_view(result, family="cross"))'),
    md("## 五、情况说明与表格\n\n### 从情况说明中读出的数字"),
    code("workbook.show(workbook.claims_view(result))"),
    md("### 逐条核对（金额、占比、增减率与推算的上年数、预算完成率）"),
    code('workbook.show(workbook.evidence_view(result, family="narrative"))'),
    md("### 所用容差"),
    code("print(workbook.rounding_note(result))"),
    md("## 六、绩效自评表"),
    code("workbook.show(workbook.annex_frame(doc))"),
    code('workbook.show(workbook.evidence_view(result, family="annex"))'),
    md("## 七、公开完整性"),
    code('workbook.show(workbook.ledger_view(result, family="completeness"))'),
    md("## 八、图表"),
    code('charts.spending_by_class(doc) or "（无可绘制的数据）"'),
    code('charts.basic_vs_project(doc) or "（无可绘制的数据）"'),
    code('charts.budget_vs_final(result) or "（无可绘制的数据）"'),
    code('charts.year_on_year(result) or "（无可绘制的数据）"'),
    md("## 九、规则清单\n\n每条规则的结论：通过、不通过、不适用、无法检查（附原因）。无法检查的规则不算通过。"),
    code("workbook.show(workbook.ledger_view(result))"),
    code("""
# 写出审核结果（与 juesuan check --format json 相同）、工作底稿和可分享的审核报告 report.html
written = workbook.write_outputs(result, output_dir, review)
written["report"] = str(report_page.write_report(result, output_dir, source=source,
                                                 status_of=workbook.status_of(result, review),
                                                 stale=workbook.stale_entries(result, review)))
print("已写出：", "、".join(sorted(written)))
""", "outputs"),
]


def notebook(cells: list, title: str) -> nbformat.NotebookNode:
    """A clean notebook of these cells, for the project's kernel (registered by `make`)."""
    nb = new_notebook(cells=cells)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"  # stable ids: rebuilding changes nothing that did not change
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb


def build() -> nbformat.NotebookNode:
    return notebook(CELLS, "决算公开审核工作簿")


if __name__ == "__main__":
    for target in TARGETS:
        nbformat.write(build(), target)
        print(f"wrote {target.relative_to(ROOT)}")
