"""Every rule juesuan checks, registered by importing its family module."""

from juesuan.rules import completeness, cross, narrative, tables, text  # noqa: F401  (registration by import)
from juesuan.rules.base import REGISTRY, Finding, Rule, RuleOutcome, Severity, Status

__all__ = ["REGISTRY", "Finding", "Rule", "RuleOutcome", "Severity", "Status"]
