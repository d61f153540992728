"""juesuan installs like a library: the wheel, installed into a fresh virtual environment, audits
the sample unit from anywhere, and importing it loads no developer tooling.

The wheel is built offline from a copy of the sources (``--no-build-isolation``: the project's own
setuptools, no stale ``build/`` folder). The fresh venv gets the wheel with ``--no-deps``; its
dependencies come from the project's environment through one ``.pth`` line naming that
environment's site-packages (and nbconvert's templates through a link in share/jupyter). A path line in a .pth file adds the folder without running the .pth
files inside it, so the project's editable installs of juesuan and juesuan_dev stay invisible: the
only juesuan there is the wheel's, and juesuan_dev is absent, as for a user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT, SEED

NOTEBOOKS = ("audit_unit.ipynb", "batch_summary.ipynb")


def test_shipped_notebooks_are_the_committed_ones():
    # tools/build_*_notebook.py write both; a notebook edited in one place only fails here.
    for name in NOTEBOOKS:
        committed = (ROOT / "notebooks" / name).read_bytes()
        shipped = (ROOT / "lib" / "juesuan" / "notebooks" / name).read_bytes()
        assert shipped == committed, f"lib/juesuan/notebooks/{name} differs from notebooks/{name}: run tools/build_*_notebook.py"


def test_the_runner_finds_the_notebooks_as_package_resources():
    from juesuan.run.audit import NOTEBOOK, find_notebook, shipped_notebook

    assert find_notebook() == NOTEBOOK == ROOT / "lib" / "juesuan" / "notebooks" / "audit_unit.ipynb"
    assert shipped_notebook("batch_summary.ipynb").is_file()


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    kwargs.setdefault("timeout", 600)
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the juesuan wheel and nothing else of the project."""
    import setuptools

    major = int(setuptools.__version__.split(".")[0])
    assert major >= 77, f"setuptools {setuptools.__version__} cannot build the wheel: run `make venv` (dev extra)"
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "lib", source / "lib", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", work / "dist", source])
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = sorted((work / "dist").glob("juesuan-*.whl"))
    assert len(wheels) == 1, wheels

    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    fresh_site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (fresh_site / "_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # Data files a dependency installs beside its code (nbconvert's HTML templates in share/jupyter):
    # a real install puts them in the venv's prefix; point at the project environment's.
    templates = Path(sysconfig.get_paths()["data"]) / "share" / "jupyter" / "nbconvert"
    (venv / "share" / "jupyter").mkdir(parents=True)
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(templates, target_is_directory=True)
    done = _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheels[0]])
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin"


def test_the_wheel_ships_the_notebooks_and_the_font(installed):
    probe = ("import juesuan, juesuan.run.audit as a, juesuan.present.charts as c; "
             "print(juesuan.__file__); print(a.NOTEBOOK); print(a.shipped_notebook('batch_summary.ipynb')); "
             "print(sorted(p.name for p in c.FONT_DIR.iterdir()))")
    done = _run([installed / "python", "-c", probe], cwd=installed)
    assert done.returncode == 0, done.stderr
    package, notebook, summary, fonts = done.stdout.splitlines()
    venv = installed.parent
    assert Path(package).is_relative_to(venv) and not Path(package).is_relative_to(ROOT / "lib")
    assert Path(notebook).is_relative_to(venv) and Path(notebook).is_file()
    assert Path(summary).is_relative_to(venv) and Path(summary).is_file()
    for name in NOTEBOOKS:
        assert (Path(notebook).parent / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    assert "OFL.txt" in fonts and ".ttf" in fonts


def test_importing_the_installed_package_loads_no_dev_tooling(installed):
    code = ("import sys, juesuan, juesuan.cli, juesuan.engine\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'juesuan_dev'))\n"
            "assert not bad, bad\n"
            "try:\n    import juesuan_dev\nexcept ImportError:\n    print('no juesuan_dev')\n")
    done = _run([installed / "python", "-c", code], cwd=installed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no juesuan_dev"  # the venv really is without the developer tooling


def test_synth_without_the_developer_tooling_says_how_to_get_it(installed, tmp_path):
    done = _run([installed / "juesuan", "synth", "--units", "1", "--out", tmp_path / "s"], cwd=tmp_path)
    assert done.returncode == 2
    assert "juesuan-synth" in done.stderr and "devtools" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "s").exists()


def test_the_installed_juesuan_audits_the_sample_unit(installed, tmp_path):
    out = tmp_path / "out"
    done = _run([installed / "juesuan", "audit", SEED, "--out", out], cwd=tmp_path)  # not from the checkout
    assert done.returncode in (0, 1), done.stdout + done.stderr
    unit = out / SEED.stem
    for name in ("report.html", "audit.html", "findings.json", "workpaper.xlsx", "audit.ipynb"):
        assert (unit / name).is_file() and (unit / name).stat().st_size > 0, name
    checked = _run([installed / "juesuan", "check", SEED, "--format", "json"], cwd=tmp_path)
    assert checked.returncode == done.returncode
    audited, direct = json.loads((unit / "findings.json").read_text(encoding="utf-8")), json.loads(checked.stdout)
    assert audited["findings"] == direct["findings"] and audited["ledger"] == direct["ledger"]
    assert len(direct["ledger"]) >= 40


def test_the_installed_kernel_is_the_fresh_environment(installed):
    # The notebook must run the wheel's juesuan: the kernel juesuan picks there starts the venv's python.
    probe = ("import sys\nfrom jupyter_client.kernelspec import KernelSpecManager\n"
             "from juesuan.run.kernels import default_kernel\n"
             "argv = KernelSpecManager().get_kernel_spec(default_kernel()).argv\n"
             "print(sys.executable if argv[0] in ('python', 'python3') else argv[0])")
    done = _run([installed / "python", "-c", probe], cwd=installed)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).parent == installed


def test_synth_delegates_to_the_developer_tooling_where_installed(tmp_path, capsys):
    from juesuan.cli import main

    assert main(["synth", "--units", "1", "--out", str(tmp_path / "s"), "--pdf-share", "0"]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["answer_key.json", "synth-0-0000.txt"]
    assert "已生成 1 个单位" in capsys.readouterr().out
