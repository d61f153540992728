"""Run every rule over a document and collect one result: findings and the rule ledger.

Like a validation that collects every failure into one table instead of stopping at the first,
the engine runs all rules and keeps each one's outcome; a rule that raises by accident is recorded
as could-not-check with the reason, never as passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Mapping

from juesuan.claims import Claim, claims_summary, extract_claims
from juesuan.core.model import Document
from juesuan.extract import read_document
from juesuan.extract.assemble import describe_document
from juesuan.rules import Finding, Rule, RuleOutcome, Severity, Status, registry
from juesuan.rules.base import Context

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


@dataclass
class AuditResult:
    document: Document
    claims: list[Claim]
    outcomes: list[RuleOutcome]
    extra_tolerance: Decimal = Decimal(0)

    @property
    def findings(self) -> list[Finding]:
        found = [f for o in self.outcomes for f in o.findings]
        return sorted(found, key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule))

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0

    @property
    def evidence(self):
        """Every comparison every rule made (the intermediate figures behind the verdicts)."""
        return [c for o in self.outcomes for c in o.evidence]

    def ledger(self) -> list[dict]:
        return [{"rule": o.rule, "status": o.status.value, "reason": o.reason} for o in self.outcomes]

    def status_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for o in self.outcomes:
            counts[o.status.value] += 1
        return counts

    def to_json_dict(self) -> dict:
        """The `juesuan check --format json` document (schema in the README)."""
        return {
            "unit": self.document.unit_name,
            "year": self.document.year,
            "source": self.document.source,
            "document": describe_document(self.document),
            "findings": [f.to_dict() for f in self.findings],
            "ledger": self.ledger(),
            "claims": claims_summary(self.claims),
        }


def apply_overrides(doc: Document, unit_name: str | None = None, year: int | None = None) -> Document:
    """Set the unit name or year where the cover could not be read (or reads wrong); returns doc."""
    if unit_name:
        doc.unit_name = unit_name
    if year:
        doc.year = int(year)
    return doc


def audit(doc: Document, rule_ids: list[str] | None = None, *, extra_tolerance: Decimal | str | int = 0,
          rules: Mapping[str, Rule] | None = None) -> AuditResult:
    """Run the rules (all, or those named) over a document.

    ``extra_tolerance`` (万元) widens every rounding envelope beyond DOMAIN.md §6; keep it 0 unless a
    document was compiled with a coarser rounding. ``rules`` replaces the registry (tests).
    """
    claims = extract_claims(doc)
    context = Context(claims=claims, extra_tolerance=Decimal(str(extra_tolerance)))
    outcomes: list[RuleOutcome] = []
    for rule_id, rule in (registry() if rules is None else rules).items():
        if rule_ids is not None and rule_id not in rule_ids:
            continue
        try:
            outcomes.append(rule.run(doc, context))
        except Exception as exc:  # a bug in one rule must not hide the others, nor pass silently
            crash = f"{type(exc).__name__}: {exc}"
            outcomes.append(RuleOutcome(rule_id, Status.COULD_NOT_CHECK, f"规则执行出错：{crash}", [], 0, crash=crash))
    return AuditResult(doc, claims, outcomes, context.extra_tolerance)


def audit_path(path: str | Path) -> AuditResult:
    """Read a source file and audit it; raises InputError when it cannot be read."""
    return audit(read_document(path))
