"""What a batch leaves in its output folder besides the unit folders.

``index.html`` (one row per unit, sortable, self-contained), ``findings.csv`` and ``findings.xlsx``
(every unit's findings, one row each), ``batch.json`` (versions, timings, statuses) and
``summary.html`` (rendered from ``notebooks/batch_summary.ipynb``). Every file is written to a
temporary name and renamed into place.
"""

from __future__ import annotations

import html
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from juesuan import __version__

FINDING_COLUMNS = ["单位目录", "单位名称", "年度", "规则", "级别", "说明", "应为", "实为", "差额",
                   "表", "行", "列", "页", "行号", "原文"]
STATUS_LABELS = {"ok": "完成", "failed": "失败", "skipped": "已完成（跳过）"}


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def findings_rows(report, out: Path) -> list[dict]:
    rows = []
    for r in report.results:
        if r.status not in ("ok", "skipped"):
            continue
        try:
            data = json.loads((out / r.unit / "findings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for f in data["findings"]:
            loc = f.get("location") or {}
            rows.append({
                "单位目录": r.unit, "单位名称": data.get("unit") or "", "年度": data.get("year") or "",
                "规则": f["rule"], "级别": f["severity"], "说明": f["message"], "应为": f.get("expected") or "",
                "实为": f.get("actual") or "", "差额": f.get("difference") or "", "表": loc.get("table") or "",
                "行": loc.get("row") or "", "列": loc.get("column") or "", "页": loc.get("page") or "",
                "行号": loc.get("line") or "", "原文": loc.get("quote") or "",
            })
    return rows


def versions() -> dict:
    found = {"juesuan": __version__, "python": platform.python_version()}
    for name in ("pandas", "papermill", "nbclient", "nbconvert", "matplotlib", "tabula", "pdfplumber", "dask", "distributed"):
        try:
            module = __import__(name)
            found[name] = getattr(module, "__version__", "?")
        except Exception:
            continue
    return found


def write_batch_outputs(report, out: Path, *, summary: bool = True) -> dict[str, Path]:
    import pandas as pd

    rows = findings_rows(report, out)
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    written = {}
    _atomic_write(out / "findings.csv", frame.to_csv(index=False).encode("utf-8-sig"))
    written["findings.csv"] = out / "findings.csv"
    units = pd.DataFrame([{
        "单位目录": r.unit, "单位名称": r.unit_name, "年度": r.year or "", "状态": STATUS_LABELS.get(r.status, r.status),
        "原因": r.reason, "错误": r.errors, "警告": r.warnings, "提示": r.notes, "用时（秒）": r.seconds, "来源": r.source,
    } for r in report.results])
    fd, tmp = tempfile.mkstemp(prefix=".findings.", suffix=".xlsx", dir=out)
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="发现", index=False)
            units.to_excel(writer, sheet_name="单位", index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out / "findings.xlsx")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    written["findings.xlsx"] = out / "findings.xlsx"
    batch = {
        "versions": versions(),
        "started": report.started,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "seconds": report.seconds,
        "workers": report.workers,
        "scheduler": report.scheduler,
        "counts": {s: report.count(s) for s in ("ok", "failed", "skipped")},
        "units_per_second": round(sum(1 for r in report.results if r.status == "ok") / report.seconds, 3)
        if report.seconds else None,
        "summary_error": None,
        "units": [asdict(r) for r in report.results],
    }
    _atomic_write(out / "batch.json", json.dumps(batch, ensure_ascii=False, indent=2).encode("utf-8"))
    if summary:
        try:
            render_summary(out)  # reads batch.json and findings.csv, so it comes after them
            written["summary.html"] = out / "summary.html"
        except Exception as exc:  # the summary must never cost the batch its results
            batch["summary_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            _atomic_write(out / "batch.json", json.dumps(batch, ensure_ascii=False, indent=2).encode("utf-8"))
    _atomic_write(out / "index.html", index_html(report, out, summary_ok="summary.html" in written).encode("utf-8"))
    written["index.html"] = out / "index.html"
    written["batch.json"] = out / "batch.json"
    return written


def render_summary(out: Path) -> None:
    """Run notebooks/batch_summary.ipynb over the batch folder and write summary.html."""
    from juesuan.run.kernels import papermill_runner
    from juesuan.present.html import write_html
    from juesuan.run.audit import shipped_notebook

    template = shipped_notebook("batch_summary.ipynb")
    work = Path(tempfile.mkdtemp(prefix=".summary.", suffix=".partial", dir=out))
    try:
        executed = work / "batch_summary.ipynb"
        papermill_runner()(template, executed, {"batch_dir": str(out)}, template.parent, 600)
        write_html(executed, work / "summary.html", shareable=True, heading="批量审核汇总")
        os.replace(work / "summary.html", out / "summary.html")
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('data-order') !== 'asc';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
    th.setAttribute('data-order', asc ? 'asc' : 'desc');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
      var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh');
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

_INDEX_CSS = """
body { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif; margin: 24px; color: #1f2328; }
table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }
th { background: #f6f8fa; cursor: pointer; user-select: none; } th[data-order=asc]::after { content: " ▲"; }
th[data-order=desc]::after { content: " ▼"; } td.num { text-align: right; } tr.failed td { background: #fff1f0; }
.err { color: #c44e52; font-weight: bold; } p.meta { color: #57606a; }
@media print { th { cursor: auto; } }
"""


def index_html(report, out: Path, *, summary_ok: bool) -> str:
    e = html.escape
    ok = report.count("ok") + report.count("skipped")
    rows = []
    for r in report.results:
        links = ""
        if r.status in ("ok", "skipped") and (out / r.unit / "report.html").exists():
            quoted = e(r.unit, quote=True)
            links = f'<a href="{quoted}/report.html">报告</a> · <a href="{quoted}/audit.html">工作底稿</a>'
        status = STATUS_LABELS.get(r.status, r.status)
        rows.append(
            f'<tr class="{e(r.status)}"><td>{e(r.unit)}</td><td>{e(r.unit_name or "")}</td><td>{e(str(r.year or ""))}</td>'
            f'<td>{e(status)}</td><td class="num{" err" if r.errors else ""}">{r.errors}</td><td class="num">{r.warnings}</td>'
            f'<td class="num">{r.notes}</td><td class="num" data-sort="{r.seconds}">{r.seconds:.1f}</td>'
            f'<td>{e(r.reason)}</td><td>{links}</td></tr>'
        )
    summary_link = '<a href="summary.html">汇总分析</a> · ' if summary_ok else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>批量审核结果</title>"
        f"<style>{_INDEX_CSS}</style></head><body>\n<h1>批量审核结果</h1>\n"
        f"<p class=\"meta\">共 {len(report.results)} 个单位：完成 {ok}，失败 {report.count('failed')}。"
        f"用时 {report.seconds:.1f} 秒，{report.workers} 个工作进程（{e(report.scheduler)}）。生成于 {e(time.strftime('%Y-%m-%d %H:%M'))}。</p>\n"
        f"<p>{summary_link}<a href=\"findings.csv\">全部发现（CSV）</a> · <a href=\"findings.xlsx\">全部发现（Excel）</a> · "
        "<a href=\"batch.json\">运行记录（JSON）</a>　点击表头可排序。</p>\n"
        "<table class=\"sortable\"><thead><tr><th>单位目录</th><th>单位名称</th><th>年度</th><th>状态</th><th>错误</th>"
        "<th>警告</th><th>提示</th><th>用时（秒）</th><th>原因</th><th>报告</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + f"\n</tbody></table>\n<script>{_SORT_JS}</script>\n</body></html>\n"
    )
