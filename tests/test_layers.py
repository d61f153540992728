"""The package's layers import one way, down the pipeline, and nothing registers itself on import.

core -> catalog -> extract -> claims -> rules -> engine -> present -> run -> cli: a module may import
from its own layer or from layers before it, never from a later one; no import cycle between
modules; juesuan never imports the developer tooling (juesuan_dev), except the one delegating
import of ``juesuan synth`` inside a function of cli.py. Read from the source (ast), so lazy imports
inside functions count too.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import juesuan
import juesuan.rules
from juesuan.rules import FAMILY_MODULES, registry
from juesuan.rules.base import RULE_MARK

from conftest import ROOT

LIB = ROOT / "lib" / "juesuan"
LAYERS = ("core", "catalog", "extract", "claims", "rules", "engine", "present", "run", "cli")
#: The only imports of juesuan_dev allowed in juesuan: (importing module, imported module), inside a function.
DEV_IMPORTS_ALLOWED = {("juesuan.cli", "juesuan_dev.cli")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    """The layer's rank; the package's own __init__ comes before everything (it imports nothing)."""
    parts = module.split(".")
    return -1 if len(parts) == 1 else LAYERS.index(parts[1])


MODULES = {module_name(p): p for p in sorted(LIB.rglob("*.py"))}


def imports(module: str, path: Path, known=None) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import of the file, relative ones resolved.

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module, else ``a.b``.
    """
    known = MODULES if known is None else known
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.append((target if target in known else base, node.lineno, id(node) in top_level))
    return found


def upward_imports(modules: dict[str, Path]) -> list[str]:
    upward = []
    for module, path in modules.items():
        for target, line, _ in imports(module, path, modules):
            if target.split(".")[0] != "juesuan":
                continue
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if layer(target) > layer(module):
                upward.append(f"{path}:{line} {module} imports {target}")
    return upward


def import_cycles(modules: dict[str, Path]) -> list[str]:
    graph = {m: set() for m in modules}
    for module, path in modules.items():
        for target, _, _ in imports(module, path, modules):
            if target in modules and target != module:
                graph[module].add(target)
    cycles = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return cycles


def dev_imports(modules: dict[str, Path]) -> list[str]:
    bad = []
    for module, path in modules.items():
        for target, line, at_top in imports(module, path, modules):
            if target.split(".")[0] in ("juesuan_dev", "reportlab") and (
                    (module, target) not in DEV_IMPORTS_ALLOWED or at_top):
                bad.append(f"{path}:{line} {module} imports {target}")
    return bad


def test_every_module_belongs_to_a_layer():
    stray = [m for m in MODULES if m != "juesuan" and m.split(".")[1] not in LAYERS]
    assert not stray, f"modules outside the layers {LAYERS}: {stray} (add the layer here and to the README)"


def test_imports_point_down_the_pipeline():
    upward = upward_imports(MODULES)
    assert not upward, "imports against the pipeline's direction:\n" + "\n".join(upward)


def test_no_import_cycle():
    cycles = import_cycles(MODULES)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_juesuan_never_imports_the_developer_tooling():
    bad = dev_imports(MODULES)
    assert not bad, "\n".join(bad)


def test_importing_the_package_loads_no_dev_tooling():
    code = ("import sys, juesuan, juesuan.cli, juesuan.engine; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'juesuan_dev')); "
            "assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_checks_catch_an_upward_import_a_cycle_and_a_dev_import(tmp_path):
    files = {
        "juesuan.core.a": "from juesuan.engine import audit\n",  # upward
        "juesuan.engine": "from juesuan.core.a import x\n",
        "juesuan.extract.b": "from . import c\n",  # cycle b -> c -> b, relative on one side
        "juesuan.extract.c": "def f():\n    from juesuan.extract.b import y\n",
        "juesuan.present.d": "import juesuan_dev.synth\n",  # dev tooling
        "juesuan.cli": "def synth():\n    from juesuan_dev.cli import main\n",  # the allowed one
    }
    fake = {}
    for name, text in files.items():
        path = tmp_path / (name.replace(".", "_") + ".py")
        path.write_text(text, encoding="utf-8")
        fake[name] = path
    assert [u.split(" ", 1)[1] for u in upward_imports(fake)] == ["juesuan.core.a imports juesuan.engine"]
    cycles = import_cycles(fake)
    assert "juesuan.extract.b -> juesuan.extract.c -> juesuan.extract.b" in cycles
    assert "juesuan.core.a -> juesuan.engine -> juesuan.core.a" in cycles
    assert [d.split(" ", 1)[1] for d in dev_imports(fake)] == ["juesuan.present.d imports juesuan_dev.synth"]


# --- the rule registry: explicit, complete ---------------------------------------------------------

def _rule_modules() -> list[str]:
    """Every module under juesuan.rules that defines at least one @rule function."""
    found = []
    for info in pkgutil.walk_packages(juesuan.rules.__path__, "juesuan.rules."):
        module = importlib.import_module(info.name)
        if any(getattr(obj, RULE_MARK, None) is not None and getattr(obj, "__module__", None) == info.name
               for obj in vars(module).values()):
            found.append(info.name)
    return found


def test_every_module_that_defines_rules_is_listed():
    missing = sorted(set(_rule_modules()) - set(FAMILY_MODULES))
    assert not missing, f"modules define @rule functions but are not in juesuan.rules.FAMILY_MODULES: {missing}"


def test_registry_is_built_not_filled():
    first, second = registry(), registry()
    assert list(first) == list(second) and len(first) >= 40
    with pytest.raises(TypeError):
        first["Z.extra"] = first[next(iter(first))]  # read-only
    assert "Z.extra" not in registry()
    # a subset of the families gives a subset of the rules, in the same order
    tables_only = registry(("juesuan.rules.tables",))
    assert tables_only and all(r.family == "tables" for r in tables_only.values())
    assert list(tables_only) == [r for r in first if r in tables_only]


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate rule id"):
        registry(("juesuan.rules.tables", "juesuan.rules.tables"))
