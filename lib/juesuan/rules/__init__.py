"""Every rule juesuan checks, assembled explicitly from the family modules listed here.

``@rule`` only marks a function; nothing registers itself on import. :func:`registry` imports each
module of :data:`FAMILY_MODULES` and collects its marked functions in the order they are written,
so the set of rules is this list and what those modules define, whatever else was imported.
A new family module is added to :data:`FAMILY_MODULES` (``tests/test_layers.py`` fails on a module
under ``juesuan.rules`` that defines rules and is not listed).
"""

from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import Mapping

from juesuan.rules.base import Finding, Rule, RuleOutcome, Severity, Status, rules_of

#: The modules that define rules, in ledger order.
FAMILY_MODULES: tuple[str, ...] = (
    "juesuan.rules.tables",
    "juesuan.rules.completeness",
    "juesuan.rules.text",
    "juesuan.rules.cross",
    "juesuan.rules.narrative.amounts",
    "juesuan.rules.narrative.shares",
    "juesuan.rules.narrative.yoy",
    "juesuan.rules.narrative.budget",
    "juesuan.rules.narrative.lists",
    "juesuan.rules.narrative.counts",
)


def registry(modules: tuple[str, ...] = FAMILY_MODULES) -> Mapping[str, Rule]:
    """Every rule the given modules define (default: all families), id -> Rule, in ledger order.

    Built afresh on each call (it takes microseconds): there is no registry to fill or to patch.
    """
    rules: dict[str, Rule] = {}
    for name in modules:
        for found in rules_of(importlib.import_module(name)):
            if found.id in rules:
                raise ValueError(f"duplicate rule id {found.id} ({name})")
            rules[found.id] = found
    return MappingProxyType(rules)


def __getattr__(name: str):
    # ``REGISTRY`` stays importable for existing callers: the same read-only mapping as registry().
    if name == "REGISTRY":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FAMILY_MODULES", "Finding", "Rule", "RuleOutcome", "Severity", "Status", "registry"]
