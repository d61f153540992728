"""The in-process runner (a batch worker's): the same notebook outputs a kernel records, a clean
namespace per run, a cell's error and a cell past its time limit told apart by type, nothing left
behind (cwd, stdout, the alarm)."""

from __future__ import annotations

import base64
import os
import signal
import sys
from pathlib import Path

import nbformat
import pytest

from juesuan.run.inprocess import InProcessRunner
from juesuan.run.kernels import FreshKernel, KernelFailed, NotebookFailed

BODY = [
    "print('公开01表')\nprint('第二行')",
    "import sys\nsys.stderr.write('提醒\\n')",
    "from IPython.display import display, HTML\ndisplay(HTML('<b>粗体</b>'))\n'结果'",
    "class Picture:\n    def _repr_png_(self):\n        return b'\\x89PNG\\r\\n\\x1a\\nbody'\nPicture()",
    "value * 2;",  # a trailing semicolon shows nothing
    "open('where.txt', 'w').write(__import__('os').getcwd())",
]


def _notebook(folder: Path, cells: list[str], name: str = "nb.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("value = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("# 说明")] + [nbformat.v4.new_code_cell(c) for c in cells]
    path = folder / name
    nbformat.write(nb, str(path))
    return path


def _shape(nb) -> list[list[tuple]]:
    """Each code cell's outputs as (type, stream name or sorted mimetypes, text or payload)."""
    shape = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.outputs:
            if out.output_type == "stream":
                outs.append(("stream", out.name, out.text))
            elif out.output_type == "error":
                outs.append(("error", out.ename, out.evalue))
            else:
                outs.append((out.output_type, tuple(sorted(out.data)), out.data.get("image/png") or out.data.get("text/html")
                             or out.data.get("text/plain")))
        shape.append(outs)
    return shape


def test_outputs_are_recorded_as_a_kernel_records_them(tmp_path):
    template = _notebook(tmp_path, BODY)
    work = tmp_path / "work"
    work.mkdir()
    stdout, cwd, main = sys.stdout, os.getcwd(), sys.modules["__main__"]
    nb = InProcessRunner()(template, tmp_path / "mine.ipynb", {"value": 21}, work, 60)
    assert sys.stdout is stdout and os.getcwd() == cwd  # nothing left behind
    assert sys.modules["__main__"] is main  # multiprocessing's spawn still finds the real __main__
    kernel = FreshKernel(cwd=work).start()
    kernel(template, tmp_path / "kernel.ipynb", {"value": 21}, work, 60)
    theirs = nbformat.read(str(tmp_path / "kernel.ipynb"), as_version=4)
    assert _shape(nb) == _shape(theirs)
    assert nbformat.read(str(tmp_path / "mine.ipynb"), as_version=4) == nb  # written as returned
    nbformat.validate(nb)
    png = next(o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {}))
    assert base64.b64decode(png.data["image/png"]).startswith(b"\x89PNG")
    assert (work / "where.txt").read_text() == str(work)  # ran in the notebook's folder


def test_each_run_has_a_clean_namespace(tmp_path):
    runner = InProcessRunner()
    runner(_notebook(tmp_path, ["left_over = value"]), tmp_path / "a.ipynb", {"value": 1}, tmp_path, 60)
    with pytest.raises(NotebookFailed) as info:
        runner(_notebook(tmp_path, ["left_over"], "b.ipynb"), tmp_path / "b.out.ipynb", {"value": 2}, tmp_path, 60)
    assert info.value.ename == "NameError"


def test_a_cell_error_stops_the_run_and_is_recorded(tmp_path):
    runner = InProcessRunner()
    template = _notebook(tmp_path, ["raise ValueError('表05 读不出')", "open('never', 'w')"])
    before = os.getcwd()
    with pytest.raises(NotebookFailed) as info:
        runner(template, tmp_path / "out.ipynb", {}, tmp_path / ".", 60)
    assert not isinstance(info.value, KernelFailed)
    assert (info.value.ename, info.value.evalue) == ("ValueError", "表05 读不出")
    assert not (tmp_path / "never").exists() and os.getcwd() == before
    written = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    errors = [o for c in written.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ValueError"] and errors[0].traceback


def test_a_cell_past_its_time_limit_is_interrupted_and_the_next_run_works(tmp_path):
    runner = InProcessRunner()
    slow = _notebook(tmp_path, ["import time\nwhile True:\n    time.sleep(0.05)"])
    with pytest.raises(KernelFailed) as info:
        runner(slow, tmp_path / "slow.ipynb", {}, tmp_path, 1)
    assert not info.value.died and "1 秒" in str(info.value)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    fine = _notebook(tmp_path, ["open('ok', 'w').write(str(value))"], "fine.ipynb")
    runner(fine, tmp_path / "fine.out.ipynb", {"value": 3}, tmp_path, 1)
    assert (tmp_path / "ok").read_text() == "3"


def test_a_cell_that_catches_exceptions_cannot_swallow_its_time_limit(tmp_path):
    stubborn = _notebook(tmp_path, ["import time\nfor _ in range(200):\n    try:\n        time.sleep(0.05)\n"
                                    "    except Exception:\n        pass"])
    with pytest.raises(KernelFailed):
        InProcessRunner()(stubborn, tmp_path / "out.ipynb", {}, tmp_path, 1)
