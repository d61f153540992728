"""The narrative against the tables and against itself (DOMAIN.md §5)."""

from __future__ import annotations

from decimal import Decimal

from juesuan.catalog import STATS_ROWS
from juesuan.claims import Claim
from juesuan.core.model import Location
from juesuan.core.money import Amount, Interval, format_wan
from juesuan.claims.resolve import resolve
from juesuan.rules.base import Check, NotApplicable, Severity, rule

BASIS_5 = "DOMAIN.md §5"


def _claims(check: Check, kind: str) -> list[Claim]:
    if not check.doc.sections:
        raise NotApplicable("没有情况说明")
    return [c for c in check.context.claims if c.kind == kind]


def _where(claim: Claim, column: str | None = None) -> Location:
    return Location(table=claim.table_id, row=f"情况说明第{claim.section}部分", column=column,
                    page=claim.location.page, line=claim.location.line, quote=claim.quote)


def _current(check: Check, claim: Claim) -> Amount | None:
    """The current-year figure of a claim: as the sentence gives it, else from the table."""
    if "current" in claim.figures:
        return claim.figures["current"].amount()
    target = resolve(check.doc, claim.table_id, claim.subject, claim.level)
    return target.amount if target else None


@rule("N.amount_matches_table", "情况说明所述金额与对应表格数一致", BASIS_5, "narrative")
def narrative_amounts_match_tables(check: Check) -> None:
    for claim in _claims(check, "amount"):
        target = resolve(check.doc, claim.table_id, claim.subject, claim.level)
        if target is None:
            continue
        fig = claim.figures["amount"]
        said = fig.amount()
        # A figure written with one decimal ("24.9") may be a rounded restatement: a note, not an error.
        envelope = Decimal("0.05") + target.amount.half_step if fig.decimals == 1 else Decimal(0)
        check.compare(target.amount.value, said.value, envelope,
                      what=f"文中“{claim.subject}{fig.text}{fig.unit}”与{target.label}", location=_where(claim))


@rule("N.share", "占比＝该项金额÷所述（或上文总额）分母，按四舍五入区间判断", BASIS_5, "narrative")
def share_arithmetic(check: Check) -> None:
    claims = check.context.claims
    for claim in _claims(check, "share"):
        if "amount" not in claim.figures:
            check.skip(f"“{claim.quote}”：找不到占比对应的金额")
            continue
        denominator = _denominator(check, claim, claims)
        if denominator is None:
            check.skip(f"“{claim.quote}”：找不到分母“{claim.denominator or '上文总额'}”")
            continue
        part = claim.figures["amount"].amount()
        pct = claim.figures["percent"]
        check.percent(Interval.of(part), Interval.of(denominator), pct.value, pct.half_step,
                      point=(part.value, denominator.value), what=f"{claim.subject}占比", location=_where(claim, "占比"))


def _denominator(check: Check, claim: Claim, claims: list[Claim]) -> Amount | None:
    if claim.denominator is None:
        return claim.parts[0].figures["amount"].amount() if claim.parts else None
    for other in claims:
        if other.kind == "amount" and other.section == claim.section and other.subject == claim.denominator:
            return other.figures["amount"].amount()
    for table_id in (claim.table_id, "01", "03"):
        target = resolve(check.doc, table_id, claim.denominator)
        if target is not None:
            return target.amount
    return None


@rule("N.share_total", "同一构成的各项占比之和为100%", BASIS_5, "narrative")
def shares_sum_to_100(check: Check) -> None:
    groups: dict[str, list[Claim]] = {}
    for claim in _claims(check, "share"):
        if claim.group:
            groups.setdefault(claim.group, []).append(claim)
    for members in groups.values():
        if len(members) < 2:
            continue
        total = sum((m.figures["percent"].value for m in members), Decimal(0))
        envelope = sum((m.figures["percent"].half_step for m in members), Decimal(0))
        lead_claim = members[0].parts[0] if members[0].parts else None
        if lead_claim is not None and all("amount" in m.figures for m in members):
            # Shares computed from rounded amounts inherit the amounts' tail error relative to the total.
            lead_amount = lead_claim.figures["amount"].amount()
            if lead_amount.value > 0:
                slack = sum((m.figures["amount"].amount().half_step for m in members), lead_amount.half_step)
                envelope += slack / lead_amount.value * 100
        check.counted()
        diff = total - 100
        where = _where(members[-1], "占比")
        if diff == 0:
            continue
        if abs(diff) <= envelope:
            check.report(Severity.NOTE, f"各项占比合计{total}%，与100%的差在四舍五入范围内", where, "100%", f"{total}%", f"{diff}")
            continue
        lead = members[0].parts[0] if members[0].parts else None
        amounts = [m.figures.get("amount") for m in members]
        complete = lead is not None and all(amounts) and abs(
            sum((a.value for a in amounts), Decimal(0)) - lead.figures["amount"].value) <= Decimal("0.005") * (len(amounts) + 1)
        severity = Severity.ERROR if diff > 0 or complete else Severity.WARNING
        message = f"各项占比合计{total}%，不等于100%" + ("" if severity is Severity.ERROR else "（所列各项可能不全）")
        check.report(severity, message, where, "100%", f"{total}%", f"{diff}")


@rule("N.yoy_arithmetic", "增减率＝增减额÷上年数（增加时上年数＝本年－增加额，减少时＝本年＋减少额）", BASIS_5, "narrative")
def year_on_year_arithmetic(check: Check) -> None:
    for claim in _claims(check, "yoy"):
        if "change" not in claim.figures or "percent" not in claim.figures or claim.direction not in ("up", "down"):
            continue
        current = _current(check, claim)
        if current is None:
            check.skip(f"“{claim.quote}”：找不到本年数")
            continue
        change = claim.figures["change"].amount()
        sign = -1 if claim.direction == "up" else 1
        prior = Interval.of(current) + (Interval.of(change).scaled(Decimal(sign)))
        prior_point = current.value + sign * change.value
        if prior_point <= 0:
            continue  # a zero base is its own rule
        pct = claim.figures["percent"]
        check.percent(Interval.of(change), prior, pct.value, pct.half_step, point=(change.value, prior_point),
                      what=f"{claim.subject}增减率（上年数{format_wan(prior_point)}万元）", location=_where(claim, "增减率"))


@rule("N.yoy_direction", "增减方向词前后一致（增加对应增长，减少对应下降）", BASIS_5, "narrative")
def year_on_year_direction(check: Check) -> None:
    for claim in _claims(check, "yoy"):
        check.counted()
        if claim.direction == "conflict":
            check.report(Severity.ERROR, f"{claim.subject}：增减方向矛盾（{claim.direction_word}）", _where(claim),
                         "方向一致", claim.direction_word, None)


@rule("N.yoy_zero_base", "上年数为零时不得表述增长百分比", BASIS_5, "narrative")
def year_on_year_zero_base(check: Check) -> None:
    for claim in _claims(check, "yoy"):
        if "change" not in claim.figures or "percent" not in claim.figures:
            continue
        current = _current(check, claim)
        if current is None:
            continue
        check.counted()
        sign = -1 if claim.direction == "up" else 1
        prior = current.value + sign * claim.figures["change"].amount().value
        if prior <= 0:
            check.report(Severity.ERROR,
                         f"{claim.subject}上年数推算为{format_wan(prior)}万元，增长{claim.figures['percent'].text}%无意义",
                         _where(claim, "增减率"), "无定义", f"{claim.figures['percent'].text}%", None)


@rule("N.yoy_prior_sum", "各类支出推算的上年数之和＝总额推算的上年数", BASIS_5, "narrative")
def implied_prior_years_add_up(check: Check) -> None:
    yoy = [c for c in _claims(check, "yoy") if c.table_id == "05" and "change" in c.figures]
    table = check.doc.table("05")
    if table is None:
        raise NotApplicable("没有可读的公开05表")
    class_names = {r.label for r in table.coded_rows() if r.level == "类" and r.cell("total") and r.cell("total").has_money}
    totals = [c for c in yoy if c.subject in ("一般公共预算财政拨款支出", "一般公共预算财政拨款")]
    classes = [c for c in yoy if c.subject in class_names]
    if not totals or not classes:
        raise NotApplicable("情况说明没有同时给出总额和各类的上年比较")
    if {c.subject for c in classes} != class_names:
        missing = "、".join(sorted(class_names - {c.subject for c in classes}))
        check.skip(f"缺少{missing}的上年比较，无法推算")
        return

    def prior(c: Claim) -> tuple[Interval, Decimal] | None:
        current = _current(check, c)
        if current is None:
            return None
        sign = -1 if c.direction == "up" else 1
        change = c.figures["change"].amount()
        return Interval.of(current) + Interval.of(change).scaled(Decimal(sign)), current.value + sign * change.value

    total_prior = prior(totals[0])
    parts = [prior(c) for c in classes]
    if total_prior is None or any(p is None for p in parts):
        check.skip("本年数缺失")
        return
    expected = sum((p[1] for p in parts), Decimal(0))
    envelope = sum(((p[0].high - p[0].low) / 2 for p in parts), Decimal(0)) + (total_prior[0].high - total_prior[0].low) / 2
    check.compare(expected, total_prior[1], envelope, what="总额推算上年数与各类推算上年数之和",
                  location=_where(totals[0], "上年数"))


@rule("N.budget_rate", "预算完成率＝决算数÷年初预算数", BASIS_5, "narrative")
def budget_completion_rate(check: Check) -> None:
    for claim in _claims(check, "budget"):
        figs = claim.figures
        if "rate" not in figs or "final" not in figs or figs["budget"].value == 0:
            continue
        budget, final, rate = figs["budget"].amount(), figs["final"].amount(), figs["rate"]
        check.percent(Interval.of(final), Interval.of(budget), rate.value, rate.half_step,
                      point=(final.value, budget.value), what=f"{claim.subject}预算完成率", location=_where(claim, "完成率"))


@rule("N.budget_zero_base", "年初预算为零时不得有有限的完成率", BASIS_5, "narrative")
def budget_zero_base(check: Check) -> None:
    for claim in _claims(check, "budget"):
        check.counted()
        if claim.figures["budget"].value == 0 and "rate" in claim.figures:
            check.report(Severity.ERROR, f"{claim.subject}年初预算为0，完成率{claim.figures['rate'].text}%无意义",
                         _where(claim, "完成率"), "无定义", f"{claim.figures['rate'].text}%", None)


@rule("N.budget_direction", "预决算比较用词（大于/小于/持平）与数字一致，完成率与决算、预算大小一致", BASIS_5, "narrative")
def budget_direction_words(check: Check) -> None:
    for claim in _claims(check, "budget"):
        figs = claim.figures
        if "final" not in figs:
            continue
        budget, final = figs["budget"].value, figs["final"].value
        check.counted()
        word = claim.direction_word
        expected = "大于" if final > budget else "小于" if final < budget else "等于"
        ok = word is None or (word in ("大于", "超过", "高于") and final > budget) or (
            word in ("小于", "低于") and final < budget) or (word in ("等于", "持平") and final == budget)
        if not ok:
            check.report(Severity.ERROR, f"{claim.subject}：决算{format_wan(final)}万元{expected}预算{format_wan(budget)}万元，文中却说“{word}”",
                         _where(claim), expected, word, None)
        if "rate" in figs and budget != 0:
            rate = figs["rate"].value
            if (rate > 100 and final < budget) or (rate < 100 and final > budget):
                check.report(Severity.ERROR, f"{claim.subject}：完成率{rate}%与决算、预算的大小关系矛盾", _where(claim, "完成率"),
                             expected, f"{rate}%", None)


@rule("N.budget_sum", "各类支出年初预算之和＝年初预算总额", BASIS_5, "narrative")
def class_budgets_sum(check: Check) -> None:
    claims = [c for c in _claims(check, "budget") if c.table_id == "05"]
    totals = [c for c in claims if c.subject in ("一般公共预算财政拨款支出", "一般公共预算财政拨款")]
    classes = [c for c in claims if c not in totals]
    if not totals or not classes:
        raise NotApplicable("情况说明没有同时给出预算总额和各类预算")
    parts = [c.figures["budget"].amount() for c in classes]
    total = totals[0].figures["budget"].amount()
    check.sum_equals([(1, p) for p in parts], total, what="年初预算总额＝各类年初预算之和", location=_where(totals[0], "年初预算"))


@rule("N.breakdown_sum", "“其中”所列各项之和＝总额；“包括”所列各项之和不超过总额", BASIS_5, "narrative")
def breakdown_sum(check: Check) -> None:
    for claim in _claims(check, "breakdown"):
        parent = claim.figures["amount"].amount()
        parts = [p.figures["amount"].amount() for p in claim.parts]
        if claim.marker == "其中":
            check.sum_equals([(1, p) for p in parts], parent, what=f"{claim.subject}＝其中各项之和", location=_where(claim))
        else:
            total = sum((p.value for p in parts), Decimal(0))
            half = sum((p.half_step for p in parts), Decimal(0))
            check.at_most(Amount(total, half, str(total)), parent, what=f"{claim.subject}所列各项之和不超过总额",
                          location=_where(claim))


_SANGONG_COUNTS = {
    "出国团组": ("因公出国(境)费支出", "final_abroad"),
    "出国人次": ("因公出国(境)费支出", "final_abroad"),
    "购置车辆": ("公务用车购置费支出", "final_vehicle_purchase"),
    "车辆保有量": ("公务用车运行维护费支出", "final_vehicle_operation"),
    "接待批次": ("公务接待费支出", "final_reception"),
    "接待人次": ("公务接待费支出", "final_reception"),
}


@rule("N.sangong_counts", "三公经费：有金额必有数量（团组、车辆、接待批次），有数量必有金额", BASIS_5, "narrative")
def sangong_counts_and_money(check: Check) -> None:
    counts = [c for c in _claims(check, "count") if c.table_id == "09" and c.subject in _SANGONG_COUNTS]
    if not counts:
        raise NotApplicable("情况说明未列三公经费的数量")
    for claim in counts:
        subject, column = _SANGONG_COUNTS[claim.subject]
        target = resolve(check.doc, "09", subject)
        if target is None:
            check.skip(f"{subject}：表中无对应数")
            continue
        count = claim.figures["count"].value
        money = target.amount.value
        check.counted()
        if count == 0 and money > 0:
            check.report(Severity.WARNING, f"{claim.subject}为0，但{subject}为{format_wan(money)}万元", _where(claim),
                         ">0", "0", None)
        elif count > 0 and money == 0 and claim.subject != "车辆保有量":
            check.report(Severity.WARNING, f"{claim.subject}为{count}，但{subject}为0", _where(claim), "0", str(count), None)


@rule("N.absence", "文中称“无此项收支/无机关运行经费”时，对应表中不得有金额", BASIS_5, "narrative")
def absence_statements(check: Check) -> None:
    for claim in _claims(check, "absence"):
        if claim.subject == "机关运行经费":
            table = check.doc.table("10")
            rows = [table.row(k) for k in ("running_admin", "running_civil")] if table else []
            cells = [r.cell("value") for r in rows if r is not None]
        elif claim.subject in ("政府性基金", "国有资本经营", "07", "08"):
            table_id = "07" if claim.subject in ("政府性基金", "07") else "08"
            table = check.doc.table(table_id)
            cells = [c for r in table.rows for c in r.cells.values()] if table else []
        else:
            continue
        if table is None:
            check.skip(f"{claim.subject}：没有对应的表")
            continue
        check.counted()
        money = [c for c in cells if c.has_money]
        if money:
            check.report(Severity.ERROR, f"文中称无{claim.subject}，但表中列有{money[0].raw}万元", _where(claim),
                         "0", money[0].raw, money[0].raw)


@rule("N.assets_counts", "国有资产占用：文中车辆数、大型设备数与公开10表一致", BASIS_5, "narrative")
def asset_counts_match_table(check: Check) -> None:
    table = check.doc.table("10")
    if table is None:
        raise NotApplicable("没有公开10表")
    kinds = {f"车辆·{aliases[0]}": key for key, aliases in STATS_ROWS if key.startswith("vehicle_")}
    for claim in _claims(check, "count"):
        key = {"车辆": "vehicles_total", "大型设备": "equipment_over_1m", **kinds}.get(claim.subject)
        if key is None or claim.table_id != "10":
            continue
        row = table.row(key)
        if row is None:
            check.skip(f"10表没有{claim.subject}行")
            continue
        value = check.value(row.cell("value"))
        check.compare(value.value, claim.figures["count"].value, Decimal(0), what=f"文中{claim.subject}数与10表",
                      location=_where(claim), unit=claim.figures["count"].unit)


@rule("N.performance", "绩效自评：文中自评项目个数和涉及资金与附件自评表一致", BASIS_5, "narrative")
def performance_matches_annex(check: Check) -> None:
    claims = [c for c in check.context.claims if c.table_id == "10"]
    counts = [c for c in claims if c.kind == "count" and c.subject == "绩效自评项目"]
    funds = [c for c in claims if c.kind == "amount" and c.subject == "涉及资金"]
    if not counts and not funds:
        raise NotApplicable("情况说明未列绩效自评个数和资金")
    if not check.doc.annex:
        check.skip("没有附件自评表可比对")
        return
    if counts:
        check.compare(Decimal(len(check.doc.annex)), counts[0].figures["count"].value, Decimal(0),
                      what="文中自评项目个数与附件自评表个数", location=_where(counts[0]), unit="个")
    if funds:
        executed = [ev.executed for ev in check.doc.annex if ev.executed is not None]
        if executed:
            total = sum((a.value for a in executed), Decimal(0))
            check.compare(total, funds[0].figures["amount"].value, Decimal(0),
                          what="文中自评涉及资金与附件实际执行金额合计", location=_where(funds[0]))
