"""Every registered rule has a Chinese title and a basis a reader can look up (rules/titles.py)."""

import re

from juesuan.rules import REGISTRY
from juesuan.rules.titles import TITLES

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_rule_has_a_chinese_title_and_reader_basis():
    missing = [rule_id for rule_id, rule in REGISTRY.items() if not rule.title or not CJK.search(rule.title)]
    assert not missing, f"rules without a Chinese title in juesuan/rules/titles.py: {missing}"
    for rule in REGISTRY.values():
        assert "DOMAIN.md" not in rule.basis and "§" not in rule.basis, rule.id
        assert rule.title == TITLES[rule.id][0]


def test_titles_name_only_registered_rules():
    assert not set(TITLES) - set(REGISTRY), "titles for rules that do not exist"
