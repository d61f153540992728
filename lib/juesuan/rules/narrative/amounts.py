"""Amounts the narrative states: against the tables, against each other, in the right unit."""

from __future__ import annotations

from decimal import Decimal

from juesuan.claims import Claim, ClaimKind
from juesuan.claims.resolve import Target, resolve
from juesuan.core.money import format_wan
from juesuan.rules.base import Check, Severity, rule
from juesuan.rules.narrative.common import BASIS_5, checked, claims_of, skipped, tally, where

_TEN_THOUSAND = Decimal(10000)


def _unit_slip(said: Decimal, target: Target) -> Decimal | None:
    """The factor (10000 or 1/10000) that turns the stated figure into the table's, when one does."""
    table = target.amount
    if table.value == 0 or said == 0:
        return None
    for factor in (_TEN_THOUSAND, 1 / _TEN_THOUSAND):
        if abs(said * factor - table.value) <= table.half_step + abs(said * factor) * Decimal("0.000001") + Decimal("0.005"):
            return factor
    return None


def _resolved(check: Check, claim: Claim) -> Target | None:
    return resolve(check.doc, claim.table_id, claim.subject, claim.level)


@rule("N.amount_matches_table", "情况说明所述金额与对应表格数一致", BASIS_5, "narrative")
def narrative_amounts_match_tables(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.AMOUNT):
        target = _resolved(check, claim)
        if target is None:
            continue
        fig = claim.figures["amount"]
        said = fig.amount()
        if _unit_slip(said.value, target) is not None:
            continue  # N.unit reports it
        checked(check, claim)
        # "总计" written for 本年收入合计 when the tables show 结转: the wording is loose, the figure is right
        if "总计" in claim.subject and said.value != target.amount.value:
            other = resolve(check.doc, claim.table_id, claim.subject.replace("总计", "合计"), claim.level)
            if other is not None and abs(other.amount.value - said.value) <= other.amount.half_step + said.half_step:
                tally(check, claim, f"文中“{claim.subject}”实为{other.label}", other.label, claim.subject, "用词不当")
                check.report(Severity.WARNING, f"文中“{claim.subject}{fig.text}{fig.unit}”是{other.label}，"
                             f"{target.label}为{format_wan(target.amount.value)}万元（含结转结余）",
                             where(claim), format_wan(target.amount.value), fig.text, None)
                continue
        # A figure written with fewer decimals than the table ("24.9") is a rounded restatement.
        envelope = said.half_step + target.amount.half_step if fig.decimals < 2 else Decimal(0)
        check.compare(target.amount.value, said.value, envelope,
                      what=f"文中“{claim.subject}{fig.text}{fig.unit}”与{target.label}", location=where(claim))


@rule("N.unit", "金额单位：文中金额按表列数（或所在列举的总额）应为万元却写成元（或相反）", BASIS_5, "narrative")
def amount_units(check: Check) -> None:
    for lst, part, right in list_unit_slips(claims_of(check, ClaimKind.BREAKDOWN)):
        fig = part.figures["amount"]
        tally(check, part, f"“{part.subject}”的单位与{lst.subject}", right, fig.unit, "不符")
        check.report(Severity.ERROR, f"文中“{part.subject}{fig.text}{fig.unit}”按{right}计，{lst.subject}"
                     f"{lst.figures['amount'].text}万元才等于所列各项之和，单位应为{right}",
                     where(part), right, f"{fig.text}{fig.unit}", None)
    for claim in claims_of(check, ClaimKind.AMOUNT):
        target = _resolved(check, claim)
        if target is None:
            continue
        fig = claim.figures["amount"]
        factor = _unit_slip(fig.amount().value, target)
        tally(check, claim, f"文中“{claim.subject}”的单位与{target.label}", "万元", fig.unit,
              "相符" if factor is None else "不符")
        if factor is not None:
            right = "元" if factor == _TEN_THOUSAND and fig.unit == "万元" else "万元"
            check.report(Severity.ERROR, f"文中“{claim.subject}{fig.text}{fig.unit}”与{target.label}"
                         f"{format_wan(target.amount.value)}万元相差一万倍，单位应为{right}",
                         where(claim), f"{format_wan(target.amount.value)}万元", f"{fig.text}{fig.unit}", None)


def list_unit_slips(claims: list[Claim]) -> list[tuple[Claim, Claim, str]]:
    """(list, part, the unit it should have) where one part read in the other unit makes the list add up:
    "其中：基本支出2336.91元" in a 万元 list."""
    slips = []
    for lst in claims:
        if lst.kind is not ClaimKind.BREAKDOWN or len(lst.parts) < 2:
            continue
        whole = lst.figures["amount"].amount()
        parts = [p.figures["amount"].amount() for p in lst.parts]
        envelope = sum((p.half_step for p in parts), whole.half_step)
        total = sum((p.value for p in parts), Decimal(0))
        if abs(total - whole.value) <= envelope:
            continue
        for part, amount in zip(lst.parts, parts):
            unit = part.figures["amount"].unit
            for factor, right in ((_TEN_THOUSAND, "万元"), (1 / _TEN_THOUSAND, "元")):
                if unit == right or amount.value == 0:
                    continue
                if factor < 1 and amount.value <= whole.value:
                    continue  # shrinking a part smaller than the whole is just leaving it out: a partial list
                fixed = total - amount.value + amount.value * factor
                if abs(fixed - whole.value) <= envelope + amount.half_step * factor:
                    slips.append((lst, part, right))
    return slips


@rule("N.total_balance", "情况说明所述收入总计＝支出总计", BASIS_5, "narrative")
def narrative_totals_balance(check: Check) -> None:
    amounts = claims_of(check, ClaimKind.AMOUNT)
    for income in [c for c in amounts if c.subject.endswith("收入总计")]:
        prefix = income.subject[:-len("收入总计")]
        expense = next((c for c in amounts if c.section == income.section and c is not income
                        and c.subject in (f"{prefix}支出总计", "支出总计")
                        and abs(c.sentence - income.sentence) <= 1), None)
        if expense is None:
            continue
        checked(check, income, expense)
        a, b = income.figures["amount"].amount(), expense.figures["amount"].amount()
        check.compare(a.value, b.value, a.half_step + b.half_step, what=f"文中{income.subject}与{expense.subject}",
                      location=where(expense))


@rule("N.absence", "文中称“无此项收支/无机关运行经费”时，对应表中不得有金额", BASIS_5, "narrative")
def absence_statements(check: Check) -> None:
    for claim in claims_of(check, ClaimKind.ABSENCE):
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
            skipped(check, claim, "没有对应的表")
            continue
        money = [c for c in cells if c.has_money]
        tally(check, claim, f"文中称无{claim.subject}", "0", money[0].raw if money else "0", "不符" if money else "相符")
        if money:
            check.report(Severity.ERROR, f"文中称无{claim.subject}，但表中列有{money[0].raw}万元", where(claim),
                         "0", money[0].raw, money[0].raw)
