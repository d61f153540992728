"""The narrative against the tables and against itself (DOMAIN.md §5), one module per kind of claim.

The modules are listed in :data:`juesuan.rules.FAMILY_MODULES`; nothing registers itself on import.
"""
