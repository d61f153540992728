"""Notebook runners: parameters injected as papermill does, a cell's error and a kernel's failure told
apart by type, kernels over IPC (no TCP warning), a warm kernel surviving a cell's error."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from juesuan.run.kernels import FreshKernel, KernelFailed, NotebookFailed, WarmKernel, parameterize


def _notebook(folder: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("value = 1\nname = 'x'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    path = folder / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_parameters_are_injected_after_the_parameters_cell(tmp_path):
    nb = nbformat.read(str(_notebook(tmp_path, "print(value)")), as_version=4)
    nb = parameterize(nb, {"value": 7, "name": "公开'表\"", "missing": None})
    nb = parameterize(nb, {"value": 8, "name": "n", "missing": None})  # a second run replaces the first
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags == [["parameters"], ["injected-parameters"], []]
    namespace: dict = {}
    exec(nb.cells[1].source, namespace)
    assert (namespace["value"], namespace["name"], namespace["missing"]) == (8, "n", None)
    nb = parameterize(nb, {"name": "公开'表\"\n"})
    namespace = {}
    exec(nb.cells[1].source, namespace)
    assert namespace["name"] == "公开'表\"\n"


def test_fresh_kernel_runs_over_ipc_and_writes_the_notebook(tmp_path, capfd):
    template = _notebook(tmp_path, "import json\nopen('out.json', 'w').write(json.dumps([value, name]))")
    kernel = FreshKernel(cwd=tmp_path).start()
    kernel(template, tmp_path / "done.ipynb", {"value": 5, "name": "y"}, tmp_path, 60)
    assert json.loads((tmp_path / "out.json").read_text()) == [5, "y"]
    assert (tmp_path / "done.ipynb").exists()
    err = capfd.readouterr().err
    assert "TCP" not in err and "WARNING" not in err


def test_a_cell_error_and_a_dead_kernel_are_told_apart_by_type(tmp_path):
    warm = WarmKernel(cwd=tmp_path)
    warm.start()
    try:
        raising = _notebook(tmp_path, "raise ValueError('Kernel in the message, but a cell error')")
        with pytest.raises(NotebookFailed) as info:
            warm(raising, tmp_path / "a.ipynb", {}, tmp_path, 60)
        assert not isinstance(info.value, KernelFailed) and info.value.ename == "ValueError"
        assert warm.alive()  # a cell's error keeps the warm kernel
        dying = _notebook(tmp_path, "import os\nos._exit(3)")
        with pytest.raises(KernelFailed):
            warm(dying, tmp_path / "b.ipynb", {}, tmp_path, 60)
        # the next unit gets a new kernel
        fine = _notebook(tmp_path, "open('ok', 'w').write(str(value))")
        warm(fine, tmp_path / "c.ipynb", {"value": 2}, tmp_path, 60)
        assert (tmp_path / "ok").read_text() == "2"
    finally:
        warm.shutdown()
