"""What a batch leaves in its output folder besides the unit folders.

``index.html`` (one row per unit, sortable, self-contained), ``findings.csv`` and ``findings.xlsx``
(every unit's findings, one row each), ``batch.json`` (versions, timings, statuses) and
``summary.html`` (rendered from ``notebooks/batch_summary.ipynb``). Every file is written to a
temporary name and renamed into place, each on its own: one that fails is recorded, not fatal.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import platform
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from juesuan import __version__
from juesuan.core.files import write_atomic
from juesuan.run.status import STATUS_LABELS, WITH_OUTPUTS, UnitStatus

FINDING_COLUMNS = ["单位目录", "单位名称", "年度", "编号", "级别", "规则", "说明", "应为", "实为", "差额",
                   "表", "行", "列", "页", "行号", "原文", "复核结论", "复核意见"]
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "note": "提示"}
SEVERITY_ORDER = {"错误": 0, "警告": 1, "提示": 2}


def findings_rows(report, out: Path) -> list[dict]:
    rows = []
    for r in report.results:
        if r.status not in WITH_OUTPUTS:
            continue
        try:
            data = json.loads((out / r.unit / "findings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for f in data["findings"]:
            loc = f.get("location") or {}
            review = f.get("review") or {}
            status = review.get("status") or ""
            rows.append({
                "单位目录": r.unit, "单位名称": data.get("unit") or "", "年度": data.get("year") or "",
                "编号": f.get("id") or "", "级别": SEVERITY_LABELS.get(f["severity"], f["severity"]),
                "规则": f["rule"], "说明": f["message"], "应为": f.get("expected") or "",
                "实为": f.get("actual") or "", "差额": f.get("difference") or "", "表": _table_text(loc.get("table")),
                "行": loc.get("row") or "", "列": loc.get("column") or "", "页": loc.get("page") or "",
                "行号": loc.get("line") or "", "原文": loc.get("quote") or "",
                "复核结论": "" if status in ("", "未复核") else status, "复核意见": review.get("note") or "",
            })
    return rows


def _table_text(table_id) -> str:
    from juesuan.core.labels import table_label

    text = str(table_id or "")
    return table_label(text) if text.isdigit() else text


# key in batch.json -> distribution name
VERSIONED = {"pandas": "pandas", "papermill": "papermill", "nbclient": "nbclient", "nbconvert": "nbconvert",
             "matplotlib": "matplotlib", "tabula": "tabula-py", "jpype": "JPype1", "pypdfium2": "pypdfium2",
             "pdfplumber": "pdfplumber", "dask": "dask", "distributed": "distributed"}


def versions() -> dict:
    """The versions of what made the batch, from the installed distributions' metadata (importing
    the packages to ask them cost the batch ~3 CPU-s: papermill alone pulls in jsonschema and more)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"juesuan": __version__, "python": platform.python_version()}
    for key, distribution in VERSIONED.items():
        try:
            found[key] = version(distribution)
        except PackageNotFoundError:
            continue
    return found


def write_batch_outputs(report, out: Path, *, summary: bool = True, summary_runner=None) -> dict[str, Path]:
    """Every batch output, each on its own: one that fails (whatever a unit's content holds) is
    recorded in ``report.output_errors`` and batch.json, and the others are still written."""
    written: dict[str, Path] = {}
    errors = report.output_errors

    def attempt(name: str, write) -> bool:
        try:
            write()
        except Exception as exc:  # one writer's failure must not cost the batch its other outputs
            errors[name] = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
            return False
        written[name] = out / name
        return True

    try:
        rows = findings_rows(report, out)
        rows.sort(key=lambda row: (SEVERITY_ORDER.get(row["级别"], 9), row["单位目录"]))
    except Exception as exc:  # a unit's findings.json that does not read as expected
        rows = []
        errors["findings"] = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
    attempt("findings.csv", lambda: _write_csv(rows, out))
    batch = {
        "versions": versions(),
        "started": report.started,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "seconds": report.seconds,
        "workers": report.workers,
        "scheduler": report.scheduler,
        "counts": {s.value: report.count(s) for s in UnitStatus},
        "units_per_second": round(report.count(UnitStatus.OK) / report.seconds, 3) if report.seconds else None,
        "review": review_tally(report),
        "summary_error": None,
        "output_errors": errors,
        "skipped_inputs": report.skipped_inputs,
        "units": [asdict(r) for r in report.results],
    }
    attempt("batch.json", lambda: _write_json(batch, out / "batch.json"))
    # The workbook is written while the summary notebook runs in its kernel (which reads batch.json
    # and findings.csv only): the end of a batch takes two cores instead of one. batch.json is
    # written again below, after the workbook, when anything failed.
    workbook = threading.Thread(target=attempt, args=("findings.xlsx", lambda: _write_xlsx(report, rows, out)),
                                name="findings.xlsx", daemon=True)
    workbook.start()
    if summary:
        # reads batch.json and findings.csv, so it comes after them
        if not attempt("summary.html", lambda: render_summary(out, summary_runner)):
            batch["summary_error"] = errors["summary.html"]
    workbook.join()
    attempt("index.html", lambda: write_atomic(
        out / "index.html", index_html(report, out, summary_ok="summary.html" in written).encode("utf-8", "backslashreplace")))
    if errors:  # batch.json tells what was not written
        attempt("batch.json", lambda: _write_json(batch, out / "batch.json"))
    return written


def _write_json(data: dict, path: Path) -> None:
    from juesuan.core.safe import clean_json

    try:
        text = json.dumps(clean_json(data), ensure_ascii=False, indent=2).encode("utf-8")
    except (UnicodeEncodeError, ValueError):  # a lone surrogate from a file name: escape everything
        text = json.dumps(data, ensure_ascii=True, indent=2, default=str).encode("ascii")
    write_atomic(path, text)


def _write_csv(rows: list[dict], out: Path) -> None:
    """Every text cell safe (no formula, juesuan.core.safe); tables as 公开06表, which no spreadsheet turns into 6."""
    from juesuan.core.safe import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(FINDING_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(str(row[c])) if row[c] != "" else "" for c in FINDING_COLUMNS])
    write_atomic(out / "findings.csv", buffer.getvalue().encode("utf-8-sig", "backslashreplace"))


def _write_xlsx(report, rows: list[dict], out: Path) -> None:
    """Numbers as numbers, a bold frozen header, a filter; text never a formula (juesuan.present.sheets)."""
    from juesuan.present.sheets import AMOUNT, INT, WRAP, new_workbook, save_atomic, write_sheet

    wb = new_workbook()
    write_sheet(wb, "发现", FINDING_COLUMNS, rows,
                {"应为": AMOUNT, "实为": AMOUNT, "差额": AMOUNT, "页": INT, "行号": INT, "说明": WRAP, "原文": WRAP},
                empty_note="没有发现")
    unit_rows = [{
        "单位目录": r.unit, "单位名称": r.unit_name, "年度": r.year or "", "状态": STATUS_LABELS.get(r.status, str(r.status)),
        "原因": r.reason, "错误": r.errors, "警告": r.warnings, "提示": r.notes,
        "复核排除": getattr(r, "dismissed", 0), "失效复核": getattr(r, "stale", 0),
        "用时（秒）": r.seconds, "来源文件": Path(r.source).name,
    } for r in report.results]
    unit_columns = ["单位目录", "单位名称", "年度", "状态", "原因", "错误", "警告", "提示", "复核排除", "失效复核",
                    "用时（秒）", "来源文件"]
    write_sheet(wb, "单位", unit_columns, unit_rows,
                {"错误": INT, "警告": INT, "提示": INT, "复核排除": INT, "失效复核": INT, "用时（秒）": AMOUNT, "原因": WRAP},
                empty_note="没有单位")
    save_atomic(wb, out / "findings.xlsx")


def review_tally(report) -> dict[str, int]:
    """Findings of the whole batch by review status (确认/排除/待定/未复核), and stale entries."""
    tally = {"确认": 0, "排除": 0, "待定": 0, "未复核": 0, "失效": 0}
    for r in report.results:
        for status, count in (getattr(r, "review_by_status", None) or {}).items():
            tally[status] = tally.get(status, 0) + count
        tally["失效"] += getattr(r, "stale", 0)
    return tally


def render_summary(out: Path, runner=None) -> None:
    """Run notebooks/batch_summary.ipynb over the batch folder and write summary.html; ``runner``:
    a kernel already started for it (default: one started now)."""
    from juesuan.run.kernels import fresh_kernel_runner
    from juesuan.present.html import write_html
    from juesuan.run.audit import shipped_notebook

    template = shipped_notebook("batch_summary.ipynb")
    work = Path(tempfile.mkdtemp(prefix=".summary.", suffix=".partial", dir=out))
    try:
        executed = work / "batch_summary.ipynb"
        (runner or fresh_kernel_runner())(template, executed, {"batch_dir": str(out)}, template.parent, 600)
        write_html(executed, work / "summary.html", shareable=True, heading="批量审核汇总")
        os.replace(work / "summary.html", out / "summary.html")
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


_INDEX_JS = """
(function () {
  var table = document.getElementById('units'), body = table.tBodies[0];
  var box = document.getElementById('filter'), onlyErrors = document.getElementById('only-errors');
  var shown = document.getElementById('shown');
  function filter() {
    var words = box.value.trim().toLowerCase().split(/\\s+/).filter(Boolean), n = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (onlyErrors.checked) { ok = ok && (row.getAttribute('data-errors') !== '0' || row.className === 'failed'); }
      row.hidden = !ok; if (ok) { n++; }
    });
    shown.textContent = n;
  }
  box.addEventListener('input', filter); onlyErrors.addEventListener('change', filter);
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var numeric = th.hasAttribute('data-numeric');
      var current = th.getAttribute('data-order');
      // Numbers sort largest first on the first click (errors on top), text A→Z.
      var asc = current ? current !== 'asc' : !numeric;
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
      th.setAttribute('data-order', asc ? 'asc' : 'desc');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
        var cmp = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, 'zh');
        return asc ? cmp : -cmp;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  filter();
})();
"""

_INDEX_CSS = """
body { font-family: "JuesuanSC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif; margin: 16px; color: #1f2328; }
h1 { font-size: 1.4em; margin: 0 0 8px 0; } input, button { font: inherit; }
.wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 13px; min-width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; cursor: pointer; user-select: none; white-space: nowrap; position: sticky; top: 0; }
th[data-order=asc]::after { content: " ▲"; } th[data-order=desc]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.links, td.status { white-space: nowrap; } td.reason { max-width: 28em; min-width: 8em; }
td.unit { min-width: 9em; } .small { word-break: break-all; }
tr.failed td { background: #fff1f0; } .err { color: #c44e52; font-weight: bold; } .warn { color: #b35c00; }
.small { color: #57606a; font-size: 12px; } p.meta { color: #57606a; }
.tools { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 8px 0; }
.tools input[type=search] { font-size: 15px; padding: 4px 8px; min-width: 16em; max-width: 100%; }
@media (max-width: 700px) { body { margin: 8px; } th, td { padding: 3px 5px; } .hide-narrow { display: none; } }
@media print { th { cursor: auto; position: static; } .tools { display: none; } }
"""


def _order(r) -> tuple:
    """Failed units first (nothing was audited), then by errors, warnings and notes, largest first."""
    return (0 if r.status == UnitStatus.FAILED else 1, -r.errors, -r.warnings, -r.notes, r.unit)


def index_html(report, out: Path, *, summary_ok: bool) -> str:
    from urllib.parse import quote

    from juesuan.core.safe import plain_text

    def e(text) -> str:
        return html.escape(plain_text(str(text)), quote=True)

    ok = sum(report.count(st) for st in WITH_OUTPUTS)
    tally = review_tally(report)
    rows = []
    for r in sorted(report.results, key=_order):
        links = []
        folder = out / r.unit
        href = quote(r.unit)
        for name, label in (("report.html", "报告"), ("workpaper.xlsx", "底稿"), ("audit.html", "工作簿")):
            if r.status in WITH_OUTPUTS and (folder / name).exists():
                links.append(f'<a href="{href}/{name}">{label}</a>')
        source = Path(r.source)
        if source.is_file():
            try:
                rel = os.path.relpath(source, out)
            except ValueError:  # another drive
                rel = None
            if rel:
                links.append(f'<a href="{e(quote(Path(rel).as_posix()))}" title="{e(source.name)}">源文件</a>')
        status = STATUS_LABELS.get(r.status, r.status)
        by_status = getattr(r, "review_by_status", None) or {}
        reviewed = "　".join(f"{k}{v}" for k, v in by_status.items() if v and k != "未复核")
        stale = getattr(r, "stale", 0)
        if stale:
            reviewed += f"　失效{stale}"
        dismissed = getattr(r, "dismissed", 0)
        err_class = " err" if r.errors else ""
        rows.append(
            f'<tr class="{e(r.status)}" data-errors="{r.errors}"><td class="unit">{e(r.unit_name or r.unit)}'
            f'<div class="small">{e(r.unit)}</div></td><td>{e(str(r.year or ""))}</td>'
            f'<td class="status">{e(status)}</td><td class="num{err_class}" data-sort="{r.errors}">{r.errors}</td>'
            f'<td class="num{" warn" if r.warnings else ""}">{r.warnings}</td><td class="num">{r.notes}</td>'
            f'<td class="small" data-sort="{dismissed}">{e(reviewed.strip()) or "—"}</td>'
            f'<td class="num hide-narrow" data-sort="{r.seconds}">{r.seconds:.1f}</td>'
            f'<td class="reason">{e(r.reason)}</td><td class="links">{" · ".join(links)}</td></tr>'
        )
    summary_link = '<a href="summary.html">汇总分析</a> · ' if summary_ok else ""
    review_line = ""
    if any(tally[k] for k in ("确认", "排除", "待定", "失效")):
        review_line = ("<p class=\"meta\">复核：" + "，".join(f"{k} {v} 条" for k, v in tally.items())
                       + "。排除的发现不计入错误、警告、提示数。</p>\n")
    body = (
        "<h1>批量审核结果</h1>\n"
        f"<p class=\"meta\">共 {len(report.results)} 个单位：完成 {ok}，失败 {report.count('failed')}。"
        f"用时 {report.seconds:.1f} 秒，{report.workers} 个工作进程（{e(report.scheduler)}）。生成于 {e(time.strftime('%Y-%m-%d %H:%M'))}。</p>\n"
        + review_line +
        f"<p>{summary_link}<a href=\"findings.csv\">全部发现（CSV）</a> · <a href=\"findings.xlsx\">全部发现（Excel）</a> · "
        "<a href=\"batch.json\">运行记录（JSON）</a></p>\n"
        "<div class=\"tools\"><input type=\"search\" id=\"filter\" placeholder=\"筛选：单位、状态、原因…\" aria-label=\"筛选\">"
        "<label><input type=\"checkbox\" id=\"only-errors\"> 只看有错误或失败的单位</label>"
        f"<span class=\"small\">显示 <span id=\"shown\">{len(report.results)}</span> / {len(report.results)}；"
        "按失败、错误、警告排序，点击表头可改变排序</span></div>\n"
        "<div class=\"wrap\"><table id=\"units\" class=\"sortable\"><thead><tr><th>单位</th><th>年度</th><th>状态</th>"
        "<th data-numeric>错误</th><th data-numeric>警告</th><th data-numeric>提示</th><th data-numeric>复核</th>"
        "<th data-numeric class=\"hide-narrow\">用时（秒）</th><th>原因</th><th>打开</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></div>\n"
    )
    from juesuan.present.fonts import font_face_css, visible_text

    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>批量审核结果</title>"
        f"<style>{font_face_css(visible_text(body) + '批量审核结果▲▼')}{_INDEX_CSS}</style></head><body>\n"
        f"{body}<script>{_INDEX_JS}</script>\n</body></html>\n"
    )
