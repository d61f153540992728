"""Planted mutants: small, deliberate bugs that the suite must notice (tests/test_mutants.py).

``JUESUAN_MUTANT=name[,name...] pytest ...`` (e.g. ``raises=N.share,envelope_zero``) applies them for the whole run (tests/conftest.py calls
:func:`apply` at configure time, before any test module is imported). Each patches a public seam
(the rule runner, the comparison methods of ``Check``, the claim extractor), so the mutants keep
working while the code behind those seams changes.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal


def raises(rule_id: str) -> None:
    """The rule ``rule_id`` raises on every call (the engine records it as could-not-check)."""
    from juesuan.rules.base import Rule

    original = Rule.run

    def run(self, doc, context):
        if self.id == rule_id:
            def raising(check):
                raise RuntimeError(f"mutant: {rule_id} raises")

            return original(dataclasses.replace(self, func=raising), doc, context)
        return original(self, doc, context)

    Rule.run = run


def envelope_zero() -> None:
    """Every rounding envelope is 0: sums, part-of-whole checks and percentages compare points."""
    from juesuan.core.money import Interval
    from juesuan.rules.base import Check

    compare, at_most, percent = Check.compare, Check.at_most, Check.percent

    def exact(amount):
        return dataclasses.replace(amount, half_step=Decimal(0)) if amount is not None else None

    def point(interval):
        return Interval.point((interval.low + interval.high) / 2)

    Check.compare = lambda self, expected, actual, envelope, **kw: compare(self, expected, actual, Decimal(0), **kw)
    Check.at_most = lambda self, part, whole, **kw: at_most(self, exact(part), exact(whole), **kw)
    Check.percent = lambda self, numerator, denominator, stated, stated_half, **kw: percent(
        self, point(numerator), point(denominator), stated, Decimal(0), **kw)


def hierarchy_off_by_one() -> None:
    """The hierarchy rules (类 = Σ款 = Σ项) leave the last child out of each sum."""
    from juesuan.rules.base import Check

    sum_equals = Check.sum_equals

    def mutated(self, parts, total, **kw):
        parts = list(parts)
        if self.rule.id.endswith(".hierarchy") and len(parts) > 1:
            parts = parts[:-1]
        return sum_equals(self, parts, total, **kw)

    Check.sum_equals = mutated


def quote_elsewhere() -> None:
    """Claims of kinds yoy, count and share quote another sentence than the one that makes them."""
    import juesuan.claims

    extract = juesuan.claims.extract_claims

    def mutated(doc, *args, **kwargs):
        claims = extract(doc, *args, **kwargs)
        quotes = [c.quote for c in claims]
        for index, claim in enumerate(claims):
            if claim.kind in ("yoy", "count", "share"):
                others = [q for q in quotes[index + 1:] + quotes[:index] if q != claim.quote]
                if others:
                    claim.quote = others[0]
        return claims

    juesuan.claims.extract_claims = mutated


MUTANTS = {f.__name__: f for f in (envelope_zero, hierarchy_off_by_one, quote_elsewhere)}


def apply(names: str) -> None:
    """Apply mutants named ``a,b,...``; ``raises=RULE_ID`` makes that rule raise."""
    from hypothesis import settings

    # A mutant run must not teach the example database failures that the real code does not have.
    settings.register_profile("mutant", database=None)
    settings.load_profile("mutant")
    for name in filter(None, (n.strip() for n in names.split(","))):
        if name.startswith("raises="):
            raises(name.split("=", 1)[1])
        else:
            MUTANTS[name]()
