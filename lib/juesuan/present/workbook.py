"""The audit notebook's steps, as functions returning pandas frames (Chinese headers).

The notebook ``notebooks/audit_unit.ipynb`` calls these one at a time and shows what each returns;
the command line builds the same frames for the working papers. No logic lives in the notebook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from juesuan.catalog import TABLES
from juesuan.engine import AuditResult
from juesuan.core.model import Document, Table
from juesuan.core.money import CellKind
from juesuan.rules import REGISTRY
from juesuan.rules.base import SEVERITY_LABELS, STATUS_LABELS
from juesuan.core.labels import table_label

FAMILY_LABELS = {
    "tables": "表内平衡",
    "cross": "表间核对",
    "annex": "绩效自评表",
    "narrative": "文字与表格",
    "completeness": "完整性",
}


def load_document(source: str, cached_model: str | None = None) -> Document:
    """Read the source, or load the model a batch worker already read (a pickle juesuan wrote; gone
    once the run is delivered, so a re-run reads the source)."""
    if cached_model and Path(cached_model).is_file():
        import pickle

        with open(cached_model, "rb") as fh:
            return pickle.load(fh)
    from juesuan.extract import read_document

    return read_document(source)


def overview_frame(doc: Document) -> pd.DataFrame:
    """The document at a glance: which tables were found where, and whether they could be read."""
    rows = []
    for table_id, spec in TABLES.items():
        table = doc.tables.get(table_id)
        if table is None:
            rows.append({"表": f"{table_label(table_id)}", "标准名称": spec.name, "文中标题": "", "位置": "", "行数": 0,
                         "金额单位": "", "状态": "未找到"})
            continue
        rows.append({
            "表": f"{table_label(table_id)}",
            "标准名称": spec.name,
            "文中标题": table.title,
            "位置": _where(table),
            "行数": len(table.rows),
            "金额单位": table.unit or "未注明",
            "状态": "无法读取：" + (table.unreadable_reason or "") if not table.readable
            else f"空表（{table.empty_statement}）" if table.declared_empty and not table.has_money else "已读取",
        })
    return pd.DataFrame(rows)


def _where(table: Table) -> str:
    if table.pages:
        first, last = table.pages
        return f"第{first}页" if first == last else f"第{first}–{last}页"
    if table.location.line:
        return f"第{table.location.line}行"
    return ""


def document_facts(doc: Document) -> pd.DataFrame:
    facts = [
        ("单位名称", doc.unit_name or "（未识别）"),
        ("年度", str(doc.year or "（未识别）")),
        ("公开类型", f"{doc.scope or ''}决算"),
        ("公开模板", doc.template or "未识别"),
        ("页数", str(doc.pages) if doc.pages else "（文本导出，无页码）"),
        ("找到的表", f"{len(doc.tables)}张"),
        ("情况说明部分", f"{len(doc.sections)}个"),
        ("绩效自评表", f"{len(doc.annex)}张"),
        ("来源文件", doc.source),
    ]
    return pd.DataFrame(facts, columns=["项目", "内容"])


def table_frame(table: Table) -> pd.DataFrame:
    """A table as extracted: one row per table row, printed values, blanks kept blank and —— kept."""
    records = []
    for row in display_rows(table):
        record = {}
        if row.section:
            record["栏"] = {"income": "收入", "expense": "支出", "personnel": "人员经费", "public": "公用经费",
                           "totals": "合计", "procurement": "政府采购", "running": "机关运行经费",
                           "assets": "国有资产"}.get(row.section, row.section)
        record["科目代码"] = row.code or ""
        record["项目"] = row.label
        if row.line_no:
            record["行次"] = row.line_no
        for key, cell in row.cells.items():
            record[table.columns.get(key, key)] = cell.raw if cell.kind is not CellKind.BLANK else ""
        records.append(record)
    return pd.DataFrame(records)


def display_rows(table: Table) -> list:
    """The rows in reading order. Two-sided and panelled tables print their sides next to each other,
    so reading line by line interleaves them (收入, 支出, 收入 …): shown one side after the other
    instead, in the order the sides first appear; 公开06表 (人员经费, 公用经费 panels) in
    economic-code order (301 …, 302 …, 303 …), each panel's total after the codes."""
    indexed = list(enumerate(table.rows))
    if table.id == "06":
        return [r for _, r in sorted(indexed, key=lambda ir: (0, ir[1].code, ir[0]) if ir[1].code else (1, "", ir[0]))]
    sides = list(dict.fromkeys(r.section for r in table.rows))
    if len(sides) < 2:
        return list(table.rows)
    return [r for _, r in sorted(indexed, key=lambda ir: (sides.index(ir[1].section), ir[0]))]


def show(frame: pd.DataFrame, caption: str | None = None):
    """A frame for display (:class:`juesuan.present.shown.Shown`): no index column, every value and
    header HTML-escaped (document text can never become markup in a report), blanks shown blank;
    numbers right-aligned in one thousands style, text left-aligned, short text on one line."""
    from juesuan.present.shown import Shown

    return Shown(frame, caption)


def table_display_frame(table: Table) -> pd.DataFrame:
    """A table for reading: as :func:`table_frame`, amounts in one thousands style."""
    from juesuan.present import labels

    frame = table_frame(table)
    amount_columns = set(table.columns.values())
    for column in frame.columns:
        if column in amount_columns:
            frame[column] = frame[column].map(lambda v: labels.thousands(v) if isinstance(v, str) and labels.is_number(v)
                                              else "" if v is None or v != v else v)
    return frame


def findings_view(result: AuditResult, review=None) -> pd.DataFrame:
    """The findings for reading: the rule's Chinese title first, its id after; with a review
    (:mod:`juesuan.present.review`), each finding's id and 复核结论/复核意见 (排除 ones stay listed)."""
    columns = ["级别", "规则", "编号", "说明", "应为", "实为", "差额", "位置", "原文"]
    rows = []
    for f, fid in zip(result.findings, finding_ids(result)):
        rule = REGISTRY.get(f.rule)
        row = {
            "级别": SEVERITY_LABELS[f.severity],
            "规则": rule.title if rule and rule.title else f.rule,
            "编号": f.rule,
            "说明": f.message,
            "应为": f.expected or "",
            "实为": f.actual or "",
            "差额": f.difference or "",
            "位置": f.location.describe(),
            "原文": f.location.quote or "",
        }
        if review is not None:
            entry = review.entry(fid)
            row.update({"发现编号": fid, "复核结论": entry.status if entry else "未复核",
                        "复核意见": entry.note if entry else ""})
        rows.append(row)
    if review is not None:
        columns = [*columns, "复核结论", "复核意见", "发现编号"]
    return pd.DataFrame(rows, columns=columns)


def evidence_view(result: AuditResult, **kw) -> pd.DataFrame:
    """:func:`evidence_frame` for reading: each rule by its Chinese title."""
    frame = evidence_frame(result, **kw)
    frame["规则"] = frame["规则"].map(lambda r: REGISTRY[r].title if r in REGISTRY and REGISTRY[r].title else r)
    return frame


def ledger_view(result: AuditResult, family: str | None = None) -> pd.DataFrame:
    """:func:`ledger_frame` for reading: the Chinese title, then the id."""
    frame = ledger_frame(result, family)
    if frame.empty:
        return frame
    titles = [REGISTRY[r].title if r in REGISTRY and REGISTRY[r].title else r for r in frame["规则"]]
    frame = frame.rename(columns={"规则": "编号"})
    frame.insert(0, "规则", titles)
    return frame


def table_view(doc: Document, table_id: str):
    """One table for the notebook, captioned with where it was found; or a line saying why not."""
    table = doc.tables.get(table_id)
    name = TABLES[table_id].name
    if table is None:
        return show(pd.DataFrame([{"公开表": f"{table_label(table_id)} {name}", "说明": "文件中没有找到此表"}]))
    if not table.readable:
        return show(pd.DataFrame([{"公开表": f"{table_label(table_id)} {name}", "说明": f"无法读取：{table.unreadable_reason}"}]))
    caption = f"{table_label(table_id)} {table.title}（{_where(table)}，单位：{table.unit or '未注明'}）"
    if table.declared_empty and not table.has_money:
        caption += f"——{table.empty_statement}"
    frame = table_display_frame(table)
    if frame.empty:
        frame = pd.DataFrame([{"说明": table.empty_statement or "无数据行"}])
    return show(frame, caption)


def evidence_frame(result: AuditResult, family: str | None = None, rule_prefix: str | None = None,
                   rule_suffix: str | None = None, exclude_suffix: str | None = None) -> pd.DataFrame:
    """Every comparison the rules made, with the intermediate figures: expected, actual, difference,
    the rounding envelope used and the verdict."""
    rows = []
    for comparison in result.evidence:
        rule = REGISTRY.get(comparison.rule)
        if family and (rule is None or rule.family != family):
            continue
        if rule_prefix and not comparison.rule.startswith(rule_prefix):
            continue
        if rule_suffix and not comparison.rule.endswith(rule_suffix):
            continue
        if exclude_suffix and comparison.rule.endswith(exclude_suffix):
            continue
        rows.append({
            "规则": comparison.rule,
            "核对内容": comparison.what,
            "应为": comparison.expected,
            "实为": comparison.actual,
            "差额": comparison.difference,
            "容差": comparison.envelope,
            "结论": comparison.verdict,
            "位置": comparison.location.describe(),
        })
    return pd.DataFrame(rows, columns=["规则", "核对内容", "应为", "实为", "差额", "容差", "结论", "位置"])


def status_of(result: AuditResult, review):
    """For report_page: a finding -> its review status (确认/排除/待定/未复核), or None without a review."""
    if review is None:
        return None
    ids = {id(f): fid for f, fid in zip(result.findings, finding_ids(result))}
    return lambda finding: review.status(ids.get(id(finding), finding.id))


def stale_entries(result: AuditResult, review) -> list:
    """The review entries whose finding no longer appears in ``result`` (none without a review)."""
    return review.stale(finding_ids(result)) if review is not None else []


def stale_view(result: AuditResult, review):
    """The review entries whose finding no longer appears (stale), for display; None when there are none."""
    if review is None:
        return None
    stale = stale_entries(result, review)
    if not stale and not review.problems:
        return None
    rows = [{"编号": e.id, "复核结论": e.status, "复核意见": e.note, "规则": e.rule, "说明": e.message} for e in stale]
    rows += [{"编号": "", "复核结论": "", "复核意见": problem, "规则": "", "说明": "复核记录有误"} for problem in review.problems]
    return show(pd.DataFrame(rows), f"失效的复核记录 {len(stale)} 条（本次运行中已不再出现的发现）")


def finding_ids(result: AuditResult) -> list[str]:
    """Each finding's stable id, in ``result.findings`` order, as findings.json has it."""
    from juesuan.rules.base import unique_ids

    return [f["id"] for f in unique_ids([{"id": f.id} for f in result.findings])]


def load_review(review_file="", source: str = "", output_dir: str = ""):
    """The auditor's review for this run, layered (later wins per finding): the workpaper.xlsx already
    in ``output_dir`` (a re-run keeps its review), ``<stem>.review.csv`` beside the source, then the
    file(s) in ``review_file``."""
    from juesuan.present import review

    previous = Path(output_dir) / "workpaper.xlsx" if output_dir else None
    extra = [review_file] if isinstance(review_file, (str, Path)) else list(review_file or [])
    return review.load(review.review_sources(source, previous=previous) + [str(p) for p in extra if p])


def ledger_frame(result: AuditResult, family: str | None = None) -> pd.DataFrame:
    rows = []
    for o in result.outcomes:
        rule = REGISTRY.get(o.rule)
        if family and (rule is None or rule.family != family):
            continue
        rows.append({
            "规则": o.rule,
            "类别": FAMILY_LABELS.get(rule.family, rule.family) if rule else "",
            "核对内容": rule.statement if rule else "",
            "结论": STATUS_LABELS[o.status],
            "说明": o.reason,
            "依据": rule.basis if rule else "",
        })
    return pd.DataFrame(rows)


def summary_frame(result: AuditResult, review=None) -> pd.DataFrame:
    """The counts; with a review, findings marked 排除 are left out of them and counted apart."""
    status = result.status_counts()
    from juesuan.rules import Severity

    dismissed = set()
    if review is not None:
        from juesuan.present.review import DISMISSED

        dismissed = {i for i, fid in enumerate(finding_ids(result)) if review.status(fid) == DISMISSED}

    def count(severity) -> int:
        return sum(1 for i, f in enumerate(result.findings) if f.severity is severity and i not in dismissed)

    row = {
        "错误": count(Severity.ERROR),
        "警告": count(Severity.WARNING),
        "提示（尾数误差）": count(Severity.NOTE),
    }
    if review is not None:
        row["复核排除"] = len(dismissed)
    row.update({
        "规则总数": len(result.outcomes),
        "通过": status["pass"],
        "不通过": status["fail"],
        "不适用": status["not_applicable"],
        "无法检查": status["could_not_check"],
    })
    return pd.DataFrame([row])


def rounding_note(result: AuditResult) -> str:
    extra = result.extra_tolerance
    text = ("容差规则（四舍五入的尾数误差）：每个以万元列示、保留两位小数的金额与其真实值最多相差0.005万元；"
            "n个分项之和与合计数之差不超过各数舍入误差之和（约(n+1)×0.005万元）时记为“尾数误差”提示，超过即为错误。"
            "百分比按各金额的舍入区间求出真实比率所在区间，与所述百分比的舍入区间有交集即视为相符。")
    if extra:
        text += f"本次另加容差{extra}万元。"
    return text


def claims_view(result: AuditResult) -> pd.DataFrame:
    """The narrative's checkable claims in Chinese words: 金额 59.73万元, not amount=59.73."""
    from juesuan.present import labels

    rows = []
    for c in result.claims:
        rows.append({
            "章节": f"第{c.section}部分" if c.section else "",
            "类型": labels.claim_kind(c.kind),
            "主体": c.subject,
            "数字": labels.figures_text(c.figures),
            "方向": c.direction_word or (labels.direction(c.direction) if c.direction else ""),
            "分母": c.denominator or "",
            "原文": c.quote,
        })
    return pd.DataFrame(rows, columns=["章节", "类型", "主体", "数字", "方向", "分母", "原文"])


def annex_frame(doc: Document) -> pd.DataFrame:
    """The performance self-evaluations as read: amounts, stated rate, weights and scores."""
    rows = []
    for ev in doc.annex:
        header = {w.name: w.points for w in ev.header_weights}
        rule = {w.name: w.points for w in ev.rule_weights}
        scores = {w.name: w.points for w in ev.scores}
        for name in dict.fromkeys([*header, *rule, *scores]):
            rows.append({
                "项目": ev.project or "",
                "一级指标": name,
                "表中分值": header.get(name, ""),
                "评分规则分值": rule.get(name, ""),
                "自评得分": scores.get(name, ""),
            })
        rows.append({"项目": ev.project or "", "一级指标": "总分", "表中分值": "", "评分规则分值": "",
                     "自评得分": ev.total_score.points if ev.total_score else ""})
        rows.append({"项目": ev.project or "", "一级指标": "金额（预算/到位/执行，万元）",
                     "表中分值": "", "评分规则分值": "",
                     "自评得分": " / ".join(a.printed if a else "—" for a in (ev.budget, ev.received, ev.executed))})
    if not rows:
        return pd.DataFrame([{"说明": "没有附件绩效自评表"}])
    return pd.DataFrame(rows)


def write_outputs(result: AuditResult, output_dir, review=None) -> dict[str, str]:
    """findings.json (the `juesuan check` JSON, with each finding's id and review), metrics.json and
    workpaper.xlsx into ``output_dir``."""
    import json

    from juesuan.core.safe import clean_json
    from juesuan.present import review as reviews

    review = review if review is not None else reviews.Review()
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = reviews.annotate(result.to_json_dict(), review)
    findings = out / "findings.json"
    findings.write_text(json.dumps(clean_json(data), ensure_ascii=False, indent=2), encoding="utf-8")
    metrics = out / "metrics.json"
    metrics.write_text(json.dumps(clean_json(unit_metrics(result)), ensure_ascii=False, indent=2), encoding="utf-8")
    workpaper = out / "workpaper.xlsx"
    write_workpaper(result, workpaper, data, review)
    return {"findings": str(findings), "metrics": str(metrics), "workpaper": str(workpaper)}


def _sha256(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def write_workpaper(result: AuditResult, target, data: dict, review) -> None:
    """workpaper.xlsx as a working paper: a cover (底稿 header with blanks to sign), the findings with
    columns for 复核结论/复核意见, the ledger, the evidence, the claims and every table, amounts as numbers."""
    import time

    from openpyxl.worksheet.datavalidation import DataValidation

    from juesuan import __version__
    from juesuan.present import review as reviews
    from juesuan.present.sheets import AMOUNT, INT, WRAP, new_workbook, save_atomic, write_sheet

    doc = result.document
    wb = new_workbook()
    by_status = data["review"]["by_status"]
    cover = [
        ("被审计单位", doc.unit_name or "（未识别）"),
        ("年度", str(doc.year or "（未识别）")),
        ("来源文件", Path(doc.source).name),
        ("来源文件 sha256", _sha256(doc.source)),
        ("生成时间", time.strftime("%Y-%m-%d %H:%M:%S")),
        ("juesuan 版本", __version__),
        ("索引号", ""), ("编制人", ""), ("编制日期", ""), ("复核人", ""), ("复核日期", ""),
        ("发现（未计复核排除）", "错误 {error} 条，警告 {warning} 条，提示 {note} 条".format(**data["counts"])),
        ("复核情况", "，".join(f"{k} {v} 条" for k, v in by_status.items())),
        ("复核记录来源", "、".join(data["review"]["sources"]) or "无"),
    ]
    write_sheet(wb, "封面", ["项目", "内容"], [{"项目": k, "内容": v} for k, v in cover])
    write_sheet(wb, "概况", ["项目", "内容"], document_facts(doc).to_dict("records"))
    summary = summary_frame(result, review)
    write_sheet(wb, "审核结论", list(summary.columns), summary.to_dict("records"), {c: INT for c in summary.columns})
    rows = []
    for f in data["findings"]:
        loc = f.get("location") or {}
        rows.append({
            "编号": f["id"], "级别": {"error": "错误", "warning": "警告", "note": "提示"}.get(f["severity"], f["severity"]),
            "规则": f["rule"], "说明": f["message"], "应为": f.get("expected"), "实为": f.get("actual"),
            "差额": f.get("difference"), "位置": _describe(loc), "原文": loc.get("quote") or "",
            "复核结论": "" if f["review"]["status"] == reviews.UNREVIEWED else f["review"]["status"],
            "复核意见": f["review"]["note"],
        })
    columns = ["编号", "级别", "规则", "说明", "应为", "实为", "差额", "位置", "原文", "复核结论", "复核意见"]
    ws = write_sheet(wb, reviews.FINDINGS_SHEET, columns, rows,
                     {"说明": WRAP, "原文": WRAP, "应为": AMOUNT, "实为": AMOUNT, "差额": AMOUNT, "复核意见": WRAP},
                     empty_note="没有发现")
    if rows:
        choice = DataValidation(type="list", formula1='"确认,排除,待定"', allow_blank=True)
        choice.prompt, choice.promptTitle = "确认 / 排除 / 待定", "复核结论"
        ws.add_data_validation(choice)
        choice.add(f"J2:J{len(rows) + 1}")
    stale = data["review"]["stale"]
    if stale:
        write_sheet(wb, reviews.STALE_SHEET, reviews.REVIEW_COLUMNS,
                    [{"编号": e["id"], "复核结论": e["status"], "复核意见": e["note"], "规则": e["rule"],
                      "说明": e["message"], "位置": e["where"]} for e in stale], {"说明": WRAP, "复核意见": WRAP})
    ledger = ledger_frame(result)
    write_sheet(wb, "规则清单", list(ledger.columns), ledger.to_dict("records"), {"说明": WRAP, "核对内容": WRAP})
    evidence = evidence_frame(result)
    write_sheet(wb, "核对过程", list(evidence.columns), evidence.to_dict("records"),
                {"应为": AMOUNT, "实为": AMOUNT, "差额": AMOUNT, "核对内容": WRAP})
    from juesuan.claims import claims_frame

    claims = claims_frame(result.claims)
    write_sheet(wb, "情况说明数字", list(claims.columns) or ["说明"], claims.to_dict("records"), {"原文": WRAP})
    for table_id, table in sorted(doc.tables.items()):
        frame = table_frame(table)
        amounts = {table.columns.get(k, k): AMOUNT for k in {key for r in table.rows for key in r.cells}}
        note = table.empty_statement or ("无法读取：" + (table.unreadable_reason or "") if not table.readable else "本表无数据")
        write_sheet(wb, table_label(table_id), list(frame.columns) or ["说明"], frame.to_dict("records"), amounts,
                    empty_note=note)
    save_atomic(wb, target)


def _describe(loc: dict) -> str:
    from juesuan.core.model import Location

    return Location(**{k: loc.get(k) for k in ("table", "row", "column", "page", "line", "quote")}).describe()


def unit_metrics(result: AuditResult) -> dict:
    """Key figures and ratios of one unit, for comparing units in a batch (Decimal as strings)."""
    from decimal import Decimal

    doc = result.document

    def cell(table_id: str, key: str, column: str, section: str | None = None):
        table = doc.table(table_id)
        row = table.row(key, section) if table else None
        c = row.cell(column) if row else None
        if c is None:
            return None
        return c.summand.value if c.summand is not None else None

    def ratio(a, b):
        return None if a is None or not b else (a / b * 100).quantize(Decimal("0.01"))

    income = cell("01", "income_total", "amount", "income")
    expense = cell("01", "expense_total", "amount", "expense")
    total03, basic, project = cell("03", "total", "total"), cell("03", "total", "basic"), cell("03", "total", "project")
    fiscal02, total02 = cell("02", "total", "fiscal"), cell("02", "total", "total")
    personnel, public = cell("06", "personnel_total", "amount"), cell("06", "public_total", "amount")
    sangong = cell("09", "sangong", "final_total")
    if sangong is None and doc.table("09") is not None and doc.table("09").declared_empty:
        sangong = Decimal(0)
    budget = next((c for c in result.claims if c.kind == "budget" and c.table_id == "05" and "final" in c.figures), None)
    yoy = next((c for c in result.claims if c.kind == "yoy" and c.table_id == "01" and "percent" in c.figures
                and c.subject in ("支出总计", "收入总计")), None)
    figures = {
        "本年收入合计": income,
        "本年支出合计": expense,
        "基本支出占比%": ratio(basic, total03),
        "项目支出占比%": ratio(project, total03),
        "财政拨款收入占比%": ratio(fiscal02, total02),
        "人员经费占基本支出%": ratio(personnel, (personnel or 0) + (public or 0)) if personnel is not None else None,
        "预算完成率%": ratio(budget.figures["final"].value, budget.figures["budget"].value) if budget else None,
        "三公经费决算": sangong,
        "上年增减率%": (yoy.figures["percent"].value * (1 if yoy.direction == "up" else -1)) if yoy else None,
        "政府采购": cell("10", "procurement_total", "value"),
    }
    return {
        "unit": doc.unit_name,
        "year": doc.year,
        "template": doc.template,
        "metrics": {k: (None if v is None else f"{v:f}") for k, v in figures.items()},
    }
