"""What every narrative rule shares: the claims of a kind, where a finding points, the claim ledger."""

from __future__ import annotations

from juesuan.claims import Claim, ClaimKind
from juesuan.claims.resolve import resolve
from juesuan.core.model import Location
from juesuan.core.money import Amount
from juesuan.rules.base import Check, NotApplicable

BASIS_5 = "DOMAIN.md §5"


def claims_of(check: Check, kind: ClaimKind) -> list[Claim]:
    if not check.doc.sections:
        raise NotApplicable("没有情况说明")
    return [c for c in check.context.claims if c.kind == kind]


def where(claim: Claim, column: str | None = None) -> Location:
    return Location(table=claim.table_id, row=f"情况说明第{claim.section}部分", column=column,
                    page=claim.location.page, line=claim.location.line, quote=claim.quote)


def checked(check: Check, *claims: Claim) -> None:
    """The claims were compared by this rule (the ledger)."""
    for c in claims:
        c.mark_checked(check.rule.id)


def skipped(check: Check, claim: Claim, reason: str) -> None:
    """The claim could not be compared: counted and shown, never a finding."""
    claim.mark_skipped(check.rule.id, reason)
    check.skip(f"“{claim.quote[:60]}”：{reason}")


def uncheckable(check: Check, claim: Claim, reason: str) -> None:
    """The document gives nothing to compare the claim with: counted apart, never a finding."""
    claim.uncheckable = reason
    check.skip(f"“{claim.quote[:60]}”：{reason}")


def tally(check: Check, claim: Claim, what: str, expected: str, actual: str, verdict: str) -> None:
    """One comparison made without a numeric envelope (a word against figures, a count against money):
    counted with its evidence, so that no rule passes without having compared something."""
    check.counted()
    check.log(what, expected, actual, "", "", verdict, where(claim))
    checked(check, claim)


def current_of(check: Check, claim: Claim) -> Amount | None:
    """The current-year figure of a claim: as the narrative gives it, else from the table."""
    if "current" in claim.figures:
        return claim.figures["current"].amount()
    target = resolve(check.doc, claim.table_id, claim.subject, claim.level)
    return target.amount if target else None
