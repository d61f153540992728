"""Batch pages for triage: index.html ordered by severity with a filter and links to every unit's
report, workpaper and source; the summary flags outliers only against a real spread and shows no
machine paths; `synth --faults` always injects faults."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from juesuan.present import summary
from juesuan.run.batch import BatchReport, UnitResult
from juesuan.run.batch_outputs import index_html


def _report(tmp_path: Path) -> tuple[BatchReport, Path]:
    out = tmp_path / "out"
    sources = tmp_path / "in"
    sources.mkdir()
    results = [
        UnitResult(unit="clean", source=str(sources / "clean.pdf"), status="ok", notes=3, unit_name="甲单位", year=2024),
        UnitResult(unit="two-errors", source=str(sources / "two-errors.txt"), status="ok", errors=2, warnings=1,
                   unit_name="乙单位", year=2024, dismissed=1, review_by_status={"确认": 1, "排除": 1, "未复核": 2}),
        UnitResult(unit="broken", source=str(sources / "broken.pdf"), status="failed", reason="文件已损坏"),
        UnitResult(unit="one-warning", source=str(sources / "one-warning.txt"), status="ok", warnings=1,
                   unit_name="丙单位", year=2024),
    ]
    for r in results:
        Path(r.source).write_text("x", encoding="utf-8")
        if r.status == "ok":
            (out / r.unit).mkdir(parents=True)
            for name in ("report.html", "workpaper.xlsx", "audit.html"):
                (out / r.unit / name).write_text("x", encoding="utf-8")
    return BatchReport(results=results, seconds=3.0, workers=2), out


def test_index_is_ordered_by_severity_with_filter_and_links(tmp_path):
    report, out = _report(tmp_path)
    page = index_html(report, out, summary_ok=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'id="filter"' in page and 'type="search"' in page
    order = [m for m in re.findall(r'data-errors="\d+"><td class="unit">([^<]+)<div class="small">([^<]+)</div>', page)]
    assert [unit for _, unit in order] == ["broken", "two-errors", "one-warning", "clean"]
    for name in ("report.html", "workpaper.xlsx", "audit.html"):
        assert f'href="two-errors/{name}"' in page
    assert 'href="../in/two-errors.txt"' in page  # the source, relative: no machine path in the page
    assert str(tmp_path) not in page
    assert "确认1　排除1" in page and "复核：" in page
    assert "http://" not in page and "https://" not in page and "<script src" not in page
    assert "@font-face" in page and "url(data:font/" in page  # Chinese shows without a CJK font


def _metrics(values: dict[str, list]) -> pd.DataFrame:
    rows = []
    for i in range(len(next(iter(values.values())))):
        row = {"单位目录": f"u{i}", "单位名称": f"单位{i}", "年度": 2024}
        row.update({k: (None if v[i] is None else Decimal(str(v[i]))) for k, v in values.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def test_outliers_need_a_real_spread():
    # Five units at 100.00% and one at 99.50%: no spread between the quartiles, nothing to stand out against.
    flat = _metrics({"预算完成率%": [100, 100, 100, 100, 100, 99.5]})
    assert summary.standouts(flat, pd.DataFrame()).empty
    spread = _metrics({"预算完成率%": [80, 85, 90, 95, 100, 20]})
    flagged = summary.standouts(spread, pd.DataFrame())
    assert list(flagged["单位目录"]) == ["u5"]
    assert "～" in flagged["原因"][0] and "100.00～100.00" not in flagged["原因"][0]


def test_summary_tables_show_no_machine_paths_and_count_by_status():
    units = pd.DataFrame([{"unit": "bad", "source": "/srv/secret/folder/bad.pdf", "status": "failed", "reason": "损坏"}])
    failed = summary.failed_units(units)
    assert failed["来源文件"].tolist() == ["bad.pdf"]
    findings = pd.DataFrame([
        {"单位目录": "a", "单位名称": "甲", "规则": "R1", "级别": "错误", "说明": "x", "复核结论": "排除"},
        {"单位目录": "a", "单位名称": "甲", "规则": "R1", "级别": "错误", "说明": "y", "复核结论": ""},
        {"单位目录": "b", "单位名称": "乙", "规则": "R2", "级别": "警告", "说明": "z", "复核结论": "确认"},
    ])
    by_status = summary.findings_by_status(findings).set_index("复核结论")
    assert by_status.loc["排除", "错误"] == 1 and by_status.loc["未复核", "错误"] == 1 and by_status.loc["确认", "警告"] == 1
    by_rule = summary.findings_by_rule(findings).set_index("规则")
    assert by_rule.loc["R1", "错误"] == 1  # the dismissed one left out
    html = summary.linked(summary.standouts(pd.DataFrame(), findings)).to_html()
    assert '<a href="a/report.html">a</a>' in html


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_synth_faults_whatever_the_seed(tmp_path, seed):
    from juesuan_dev.synth import generate

    units = generate(1, tmp_path, faults=True, seed=seed, pdf_share=0)
    assert units[0].faults
