"""Template families as data: one YAML file per family beside this module (DOMAIN.md §9).

Each file names the family's tables (canonical id, printed number, title) and the tables its narrative
explains. :func:`detect` picks the family a document was written in by score: a table found whose
canonical id the family has, its printed number where the document prints one, and its title.
A family that lacks a table the document prints cannot be the document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from juesuan.core.normalize import compact

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class TemplateTable:
    id: str  # canonical id (the seed's meanings, 01–10)
    number: int  # the number it is printed with (公开0N表, 表N, or its place in the order)
    title: str


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    priority: int
    tables: tuple[TemplateTable, ...]
    explained: tuple[str, ...]
    other_matters: bool = True  # the narrative explains 机关运行经费, 政府采购, 国有资产, 绩效

    @property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tables)

    def table(self, table_id: str) -> TemplateTable | None:
        return next((t for t in self.tables if t.id == table_id), None)


def _load(path: Path) -> Template:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = tuple(TemplateTable(str(t["id"]), int(t["label"]), str(t["title"])) for t in data["tables"])
    return Template(id=str(data["id"]), name=str(data["name"]), priority=int(data.get("priority", 100)),
                    tables=tables, explained=tuple(str(x) for x in data.get("explained", ())),
                    other_matters=bool(data.get("other_matters", True)))


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    """Every template family, by id, in priority order."""
    loaded = sorted((_load(p) for p in _HERE.glob("*.yaml")), key=lambda t: t.priority)
    return {t.id: t for t in loaded}


def get(template_id: str | None) -> Template | None:
    return templates().get(template_id) if template_id else None


_QUOTES = re.compile(r"[“”\"'「」‘’]")


def title_key(title: str) -> str:
    """A title for comparison: compact, without quotes."""
    return _QUOTES.sub("", compact(title))


def printed_number(label: str | None) -> int | None:
    """The number a printed label gives a table: 公开05表 -> 5, 表 3 -> 3, 附表2 -> 2."""
    if not label:
        return None
    m = re.search(r"(\d{1,2})", label)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Found:
    """What a reader found of one table, for template detection."""

    id: str
    title: str
    label: str | None


def score(template: Template, found: list[Found]) -> float | None:
    """How well the tables found fit the template; None when a table found has no place in it."""
    total = 0.0
    for f in found:
        spec = template.table(f.id)
        if spec is None:
            return None
        total += 1
        number = printed_number(f.label)
        if number is not None:
            total += 1 if number == spec.number else -2
        if title_key(f.title).endswith(title_key(spec.title)):
            total += 1
    missing = len(set(template.table_ids) - {f.id for f in found})
    return total - 0.5 * missing


def detect(found: list[Found]) -> str | None:
    """The template family whose score is best; None when no family fits every table found or too few
    tables were found to tell (fewer than half of the family's)."""
    if not found:
        return None
    best: tuple[float, Template] | None = None
    for template in templates().values():
        s = score(template, found)
        if s is None or len({f.id for f in found}) * 2 < len(template.tables):
            continue
        if best is None or s > best[0]:
            best = (s, template)
    return best[1].id if best else None


def required_tables(template_id: str | None) -> tuple[str, ...]:
    """The tables a template requires; for an unknown template, those every family has."""
    template = get(template_id)
    if template is not None:
        return template.table_ids
    families = list(templates().values())
    common = set.intersection(*(set(t.table_ids) for t in families)) if families else set()
    return tuple(sorted(common))
