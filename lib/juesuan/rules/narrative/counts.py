"""Counts: 三公 counts against their money, vehicles and equipment against 公开10表, 绩效 against the annex."""

from __future__ import annotations

from decimal import Decimal

from juesuan.catalog import STATS_ROWS
from juesuan.claims import ClaimKind
from juesuan.claims.resolve import resolve
from juesuan.core.money import format_wan
from juesuan.rules.base import Check, NotApplicable, Severity, rule
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, skipped, tally, where

_SANGONG_COUNTS = {
    "出国团组": ("因公出国(境)费支出", ("出国", "因公出国")),
    "出国人次": ("因公出国(境)费支出", ("出国", "因公出国")),
    "购置车辆": ("公务用车购置费支出", ("购置",)),
    "车辆保有量": ("公务用车运行维护费支出", ("运行维护", "运行费", "运维")),
    "接待批次": ("公务接待费支出", ("接待",)),
    "接待人次": ("公务接待费支出", ("接待",)),
}


def _stated_money(check: Check, claim, words) -> tuple[Decimal, str] | None:
    """The money the narrative itself states for the counted item, in the count's sentence or the one before."""
    for other in check.context.claims:
        if (other.kind is ClaimKind.AMOUNT and other.section == claim.section
                and claim.sentence - 1 <= other.sentence <= claim.sentence and other.location.line == claim.location.line
                and any(w in other.subject for w in words) and "费" in other.subject):
            return other.figures["amount"].value, f"文中{other.subject}"
    return None


@rule("N.sangong_counts", "三公经费：有金额必有数量（团组、车辆、接待批次），有数量必有金额", BASIS_5, "narrative")
def sangong_counts_and_money(check: Check) -> None:
    counts = [c for c in claims_of(check, ClaimKind.COUNT) if c.subject in _SANGONG_COUNTS
              and (c.table_id == "09" or c.section == next((s.number for s in check.doc.sections if s.table_id == "09"), None))]
    if not counts:
        raise NotApplicable("情况说明未列三公经费的数量")
    for claim in counts:
        subject, words = _SANGONG_COUNTS[claim.subject]
        stated = _stated_money(check, claim, words)
        if stated is not None:
            money, label = stated
        else:
            target = resolve(check.doc, "09", subject)
            if target is None:
                skipped(check, claim, "表中无对应金额")
                continue
            money, label = target.amount.value, subject
        count = claim.figures["count"].value
        bad = (count == 0 and money > 0) or (count > 0 and money == 0 and claim.subject != "车辆保有量")
        tally(check, claim, f"{claim.subject}与{label}", "一致", f"{count}/{format_wan(money)}", "不符" if bad else "相符")
        if not bad:
            continue
        if count == 0:
            check.report(Severity.WARNING, f"{claim.subject}为0，但{label}为{format_wan(money)}万元", where(claim), ">0", "0", None)
        else:
            check.report(Severity.WARNING, f"{claim.subject}为{count}，但{label}为0", where(claim), "0", str(count), None)


@rule("N.assets_counts", "国有资产占用：文中车辆数、大型设备数与公开10表一致", BASIS_5, "narrative")
def asset_counts_match_table(check: Check) -> None:
    table = check.doc.table("10")
    if table is None:
        raise NotApplicable("没有公开10表")
    kinds = {f"车辆·{aliases[0]}": key for key, aliases in STATS_ROWS if key.startswith("vehicle_")}
    for claim in claims_of(check, ClaimKind.COUNT):
        key = {"车辆": "vehicles_total", "大型设备": "equipment_over_1m", **kinds}.get(claim.subject)
        if key is None or claim.table_id != "10":
            continue
        row = table.row(key)
        if row is None:
            skipped(check, claim, "10表没有对应行")
            continue
        value = check.value(row.cell("value"))
        checked(check, claim)
        check.compare(value.value, claim.figures["count"].value, Decimal(0), what=f"文中{claim.subject}数与10表",
                      location=where(claim), unit=claim.figures["count"].unit)


@rule("N.performance", "绩效自评：文中自评项目个数和涉及资金与附件自评表一致", BASIS_5, "narrative")
def performance_matches_annex(check: Check) -> None:
    claims = [c for c in check.context.claims if c.table_id == "10"]
    counts = [c for c in claims if c.kind is ClaimKind.COUNT and c.subject == "绩效自评项目"]
    funds = [c for c in claims if c.kind is ClaimKind.AMOUNT and c.subject == "涉及资金"]
    if not counts and not funds:
        raise NotApplicable("情况说明未列绩效自评个数和资金")
    if not check.doc.annex:
        for c in counts + funds:
            skipped(check, c, "没有附件自评表可比对")
        return
    if counts:
        checked(check, counts[0])
        check.compare(Decimal(len(check.doc.annex)), counts[0].figures["count"].value, Decimal(0),
                      what="文中自评项目个数与附件自评表个数", location=where(counts[0]), unit="个")
    if funds:
        executed = [ev.executed for ev in check.doc.annex if ev.executed is not None]
        if executed:
            checked(check, funds[0])
            total = sum((a.value for a in executed), Decimal(0))
            check.compare(total, funds[0].figures["amount"].value, Decimal(0),
                          what="文中自评涉及资金与附件实际执行金额合计", location=where(funds[0]))
