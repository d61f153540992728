"""The command line: ``juesuan check PATH`` and ``juesuan rules``.

Exit codes of ``check``: 0 no error-level finding, 1 error-level findings, 2 the input cannot be read
(one line on stderr naming the file and the reason, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from juesuan import __version__
from juesuan.core.exceptions import InputError, JuesuanError
from juesuan.rules import Severity, registry
from juesuan.rules.base import SEVERITY_LABELS, Status

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="juesuan", description="决算公开审核工具 / audit final-account disclosures")
    parser.add_argument("--version", action="version", version=f"juesuan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="审核一份决算公开文件 / audit one disclosure")
    check.add_argument("path", help="决算公开文件（.txt 文本导出或 .pdf）")
    check.add_argument("--format", choices=("table", "json"), default="table", help="输出格式（默认 table）")
    check.add_argument("--rules", help="只运行这些规则，逗号分隔的规则编号")

    audit = sub.add_parser("audit", help="运行审核工作簿，生成 HTML 报告和工作底稿 / run the audit notebook")
    audit.add_argument("path", help="决算公开文件（.txt 或 .pdf）")
    audit.add_argument("--out", default="outputs", help="输出目录（默认 outputs），结果写到 OUT/<单位>/")
    audit.add_argument("--unit-name", help="单位名称（封面读不出时）")
    audit.add_argument("--year", type=int, help="年度（封面读不出时）")
    audit.add_argument("--extra-tolerance", default="0", help="额外容差，万元（默认 0）")
    audit.add_argument("--timeout", type=int, default=600, help="每个单元格的时限，秒")

    batch = sub.add_parser("batch", help="批量审核多个单位 / audit many units")
    batch.add_argument("inputs", nargs="+", help="文件或文件夹（文件夹内的 .pdf 和 .txt 都会审核）")
    batch.add_argument("--out", required=True, help="输出目录")
    batch.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), help="并行的工作进程数")
    batch.add_argument("--timeout", type=int, default=600, help="每个单位的时限，秒（默认 600）")
    batch.add_argument("--resume", action="store_true", help="跳过输出完整且输入未变的单位")
    batch.add_argument("--scheduler", help="dask 调度器地址（tcp://host:8786），或 local 在本机启动 LocalCluster")
    batch.add_argument("--extra-tolerance", default="0", help="额外容差，万元（默认 0）")
    batch.add_argument("--memory-limit", type=int, help="每个工作进程的内存上限，MB")
    batch.add_argument("--no-summary", action="store_true", help="不生成 summary.html")
    batch.add_argument("--quiet", action="store_true", help="不显示进度条")

    # Developer tooling (the juesuan-dev distribution, console script juesuan-synth); listed here so
    # `juesuan synth ...` keeps working where it is installed. Its arguments are juesuan-synth's.
    sub.add_parser("synth", add_help=False, help="生成合成的决算公开文件（开发工具 juesuan-synth）/ synthetic disclosures")

    rules = sub.add_parser("rules", help="列出全部规则 / list the rules")
    rules.add_argument("--format", choices=("table", "json"), default="table")

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["synth"]:
        return _synth(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "rules":
        return _list_rules(args.format)
    if args.command == "audit":
        return _audit(args)
    if args.command == "batch":
        return _batch(args)
    return _check(args.path, args.format, args.rules)


def _unreadable(path: str, problem) -> int:
    """One line on stderr naming the file and the reason; exit code 2."""
    if isinstance(problem, InputError):
        print(f"juesuan: {problem.path}: {problem.reason}", file=sys.stderr)
    else:
        print(f"juesuan: {path}: {problem}", file=sys.stderr)
    return EXIT_UNREADABLE


def _batch(args) -> int:
    from juesuan.run.batch import run_batch

    try:
        report = run_batch(args.inputs, args.out, workers=args.workers, timeout=args.timeout, resume=args.resume,
                           scheduler=args.scheduler, extra_tolerance=args.extra_tolerance,
                           show_progress=not args.quiet, memory_limit_mb=args.memory_limit,
                           summary=not args.no_summary)
    except KeyboardInterrupt:
        print("juesuan: 已中断；已完成的单位保留，可用 --resume 继续", file=sys.stderr)
        return 130
    ok, skipped, failed = report.count("ok"), report.count("skipped"), report.count("failed")
    errors = sum(r.errors for r in report.results)
    print(f"共 {len(report.results)} 个单位：完成 {ok}，跳过 {skipped}，失败 {failed}；错误级发现 {errors} 条；用时 {report.seconds:.1f} 秒")
    for r in report.results:
        if r.status == "failed":
            print(f"  失败 {r.unit}：{r.reason}")
    print(f"汇总页：{os.path.join(args.out, 'index.html')}")
    if failed:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if errors else EXIT_OK


def _synth(argv: list[str]) -> int:
    """Delegate to the developer tooling's juesuan-synth, or say how to install it."""
    try:
        from juesuan_dev.cli import main as synth_main
    except ImportError:
        print("juesuan: synth 是开发工具，未安装。请在项目目录运行 `make venv`（或 `pip install -e devtools`），"
              "然后使用 juesuan-synth / synth needs the developer tooling: pip install -e devtools", file=sys.stderr)
        return EXIT_UNREADABLE
    return synth_main(argv, prog="juesuan synth")


def _audit(args) -> int:
    from juesuan.extract import read_document
    from juesuan.run.audit import AuditRunError, run_audit

    try:
        document = read_document(args.path)  # fail fast, before a kernel starts, on unreadable input
        outputs = run_audit(args.path, args.out, unit_name=args.unit_name, year=args.year,
                            extra_tolerance=args.extra_tolerance, timeout=args.timeout, document=document)
    except AuditRunError as exc:
        return _unreadable(args.path, f"审核工作簿运行失败：{exc.reason}")
    except JuesuanError as exc:
        return _unreadable(args.path, exc)
    print(f"单位：{document.unit_name or outputs.unit}　错误 {outputs.errors}　警告 {outputs.warnings}　提示 {outputs.notes}　用时 {outputs.seconds:.1f} 秒")
    for name in ("report.html", "audit.html", "findings.json", "workpaper.xlsx", "audit.ipynb"):
        print(f"  {name:<15} {outputs.files[name]}")
    return EXIT_FINDINGS if outputs.errors else EXIT_OK


def _check(path: str, fmt: str, rules: str | None) -> int:
    from juesuan.engine import audit
    from juesuan.extract import read_document

    rule_ids = [r.strip() for r in rules.split(",")] if rules else None
    if rule_ids:
        known = registry()
        unknown = [r for r in rule_ids if r not in known]
        if unknown:
            print(f"juesuan: 未知规则：{', '.join(unknown)}（juesuan rules 列出全部规则）", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        result = audit(read_document(path), rule_ids)
    except JuesuanError as exc:
        return _unreadable(path, exc)
    if fmt == "json":
        json.dump(result.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    return EXIT_FINDINGS if result.has_errors else EXIT_OK


def render_text(result) -> str:
    """A plain-text report: header, findings by severity, then the ledger summary."""
    doc = result.document
    lines = [
        f"单位：{doc.unit_name or '（未识别）'}　年度：{doc.year or '（未识别）'}　"
        f"{doc.scope or ''}决算　模板：{doc.template or '未识别'}　来源：{doc.source}",
        f"找到的表：{'、'.join(f'{t}' for t in sorted(doc.tables)) or '无'}",
    ]
    lines += _table_lines(result)
    lines.append("")
    findings = result.findings
    counts = {s: result.count(s) for s in Severity}
    lines.append(f"发现：错误 {counts[Severity.ERROR]}　警告 {counts[Severity.WARNING]}　提示 {counts[Severity.NOTE]}")
    for f in findings:
        where = f.location.describe()
        lines.append(f"  [{SEVERITY_LABELS[f.severity]}] {f.rule}　{f.message}" + (f"　（{where}）" if where else ""))
        if f.location.quote:
            lines.append(f"        原文：{f.location.quote}")
    status = result.status_counts()
    lines.append("")
    lines.append(
        f"规则：共 {len(result.outcomes)} 条　通过 {status['pass']}　不通过 {status['fail']}　"
        f"不适用 {status['not_applicable']}　无法检查 {status['could_not_check']}"
    )
    for outcome in result.outcomes:
        if outcome.status is Status.COULD_NOT_CHECK:
            lines.append(f"  [无法检查] {outcome.rule}　{outcome.reason}")
    return "\n".join(lines) + "\n"


def _table_lines(result) -> list[str]:
    """One line per table found: canonical id, label and title as printed, pages, read or not and why."""
    out = []
    for t in result.to_json_dict()["document"]["tables"]:
        pages = t["pages"]
        span = "" if not pages else (f"第{pages[0]}页" if pages[0] == pages[1] else f"第{pages[0]}–{pages[1]}页")
        status = "已读取" if t["status"] == "read" else f"无法读取：{t['reason']}"
        label = f"{t['label']} " if t["label"] and t["label"] not in (t["title"] or "") else ""
        out.append(f"  {t['id']}　{label}{t['title']}　{span}　{status}".rstrip())
    return out


def _list_rules(fmt: str) -> int:
    rules = registry()
    if fmt == "json":
        rows = [{"rule": r.id, "family": r.family, "statement": r.statement, "basis": r.basis} for r in rules.values()]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rules.values():
        print(f"{r.id:<28} {r.statement}　[{r.basis}]")
    print(f"\n共 {len(rules)} 条规则")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
