"""The narrative against the tables and against itself (DOMAIN.md §5), one file per kind of claim."""

from juesuan.rules.narrative import amounts, budget, counts, lists, shares, yoy  # noqa: F401  (registration)
