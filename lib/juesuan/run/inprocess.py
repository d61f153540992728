"""The audit notebook run cell by cell by an IPython shell inside this process: no kernel process.

A batch worker already holds the document it read, the JVM and juesuan's modules; a kernel process
beside it imported them all again, received the document as a pickle and sent every output back as
messages, which cost more than a unit's own notebook work. :class:`InProcessRunner` executes the same
notebook, parameterised the same way (:func:`juesuan.run.kernels.parameterize`), with IPython's own
shell, display formatter and display hook, and records the outputs as nbclient would:
``stream``, ``display_data``, ``execute_result`` and ``error``, each image base64-encoded.

Each run gets a fresh namespace (modules stay imported) and runs in the notebook's folder. A cell
that raises stops the run with :class:`~juesuan.run.kernels.NotebookFailed`; a cell past its time
limit is interrupted (SIGALRM, main thread) and raises :class:`~juesuan.run.kernels.KernelFailed`,
as a kernel's would. What a kernel process isolated — a crash, memory — is the batch worker's to
isolate: it runs one unit at a time in its own process group, under the unit time limit and the
memory limit, and a worker that dies is replaced.

`juesuan audit` and JupyterLab run the notebook in a kernel (:mod:`juesuan.run.kernels`); the
findings are the same library calls either way.
"""

from __future__ import annotations

import base64
import os
import signal
import sys
import threading
from pathlib import Path

from juesuan.run.kernels import KernelFailed, NotebookFailed, parameterize, peak_address_space


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time limit (a BaseException: cells cannot swallow it)."""


def _jsonable(data: dict) -> dict:
    """A mimebundle as nbformat stores it: binary payloads (PNG) base64-encoded."""
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, (bytes, bytearray)) else value
            for mime, value in data.items()}


class _Outputs:
    """The outputs of the cell being run, in the order they appear."""

    def __init__(self):
        self.items: list = []

    def stream(self, name: str, text: str) -> None:
        import nbformat

        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.items.append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, output_type: str, data: dict, metadata: dict | None, **extra) -> None:
        import nbformat

        self.items.append(nbformat.v4.new_output(output_type, data=_jsonable(data), metadata=metadata or {}, **extra))


class _Stream:
    """sys.stdout / sys.stderr while a cell runs: text becomes the cell's stream output."""

    encoding = "utf-8"

    def __init__(self, outputs: _Outputs, name: str):
        self.outputs, self.name = outputs, name

    def write(self, text) -> int:
        text = str(text)
        self.outputs.stream(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


from IPython.core.displayhook import DisplayHook  # noqa: E402 (a batch worker's import only)
from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets import Type  # noqa: E402


class _Publisher(DisplayPublisher):
    """display(...) in a cell: a display_data output of the running cell."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.outputs.display("display_data", data, metadata)

    def clear_output(self, wait=False):
        self.shell.outputs.items.clear()


class _Hook(DisplayHook):
    """A cell's last expression: its execute_result output (all formats, as a kernel sends them)."""

    def start_displayhook(self):
        self._bundle = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._bundle = (format_dict, md_dict)

    def finish_displayhook(self):
        if self._bundle is not None:
            data, metadata = self._bundle
            self.shell.outputs.display("execute_result", data, metadata, execution_count=self.prompt_count)
        self._bundle = None


class NotebookShell(InteractiveShell):
    """IPython's shell with its display, results and tracebacks going to the running cell's outputs."""

    displayhook_class = Type(_Hook)
    display_pub_class = Type(_Publisher)
    outputs = _Outputs()
    last_error = None

    def _showtraceback(self, etype, evalue, stb):
        import nbformat

        ename = getattr(etype, "__name__", str(etype))
        self.outputs.items.append(nbformat.v4.new_output("error", ename=ename, evalue=str(evalue), traceback=list(stb)))
        self.last_error = evalue if isinstance(evalue, BaseException) else Exception(str(evalue))


def notebook_shell() -> NotebookShell:
    """This process's shell (made once). Refused when another IPython shell runs here (a kernel)."""
    if InteractiveShell.initialized() and not isinstance(InteractiveShell.instance(), NotebookShell):
        raise RuntimeError("此进程中已有 IPython 内核在运行，不能再在进程内执行笔记本")
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # no history.sqlite: nothing written outside --out
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"
    # No Out[n] / _n history: a delivered notebook keeps its outputs in the cells, and a full output
    # cache is what makes each namespace reset run a full garbage collection (~0.1 s a unit).
    config.InteractiveShell.cache_size = 0
    main = sys.modules.get("__main__")
    try:
        return NotebookShell.instance(config=config)
    finally:
        _restore_main(main)


def _restore_main(main) -> None:
    """Put this process's own ``__main__`` back. IPython installs its namespace module there (cells
    run as ``__main__``, as in a kernel) and that module has no ``__spec__``, on which
    multiprocessing's spawn fails: outside a run the process keeps the ``__main__`` it had."""
    if main is not None:
        sys.modules["__main__"] = main


class InProcessRunner:
    """Execute parameterised notebooks in this process, one after another (a batch worker's runner)."""

    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int):
        import nbformat

        shell = notebook_shell()
        shell.reset(new_session=False)  # a clean namespace for every unit (also cleared after each run)
        nb = parameterize(nbformat.read(str(template), as_version=4), parameters)
        previous_dir, main = os.getcwd(), sys.modules.get("__main__")
        os.chdir(cwd)
        sys.modules["__main__"] = shell.user_module
        try:
            for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
                error = _run_cell(shell, cell, count, timeout)
                if isinstance(error, CellTimeout):
                    raise KernelFailed(f"CellTimeoutError: 单元格运行超过 {timeout} 秒", died=False)
                if error is not None:
                    failed = NotebookFailed(type(error).__name__, str(error))
                    failed.peak_address_space = peak_address_space()
                    raise failed
        finally:
            os.chdir(previous_dir)
            _restore_main(main)
            nbformat.write(nb, str(output))
            shell.reset(new_session=False)  # the unit's objects go now, not when the next unit starts
        return nb

    def shutdown(self) -> None:
        """Nothing to stop: the shell lives as long as this process."""


def _run_cell(shell: NotebookShell, cell, count: int, timeout: int) -> BaseException | None:
    """Run one cell with its outputs recorded on it; returns the exception it raised, if any."""
    shell.outputs, shell.last_error = _Outputs(), None
    shell.execution_count = count
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(shell.outputs, "stdout"), _Stream(shell.outputs, "stderr")
    alarm = bool(timeout) and threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous = None
    running = [True]
    try:
        if alarm:
            def expire(signum, frame):
                if running[0]:
                    raise CellTimeout()

            previous = signal.signal(signal.SIGALRM, expire)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        shell.run_cell(cell.source, store_history=True, silent=False)  # the history is what tells a trailing ";"
        running[0] = False
    except CellTimeout as exc:  # the alarm came outside the cell's own code (IPython's steps)
        shell.last_error = exc
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        sys.stdout, sys.stderr = saved
    cell.outputs = shell.outputs.items
    cell.execution_count = count
    return shell.last_error
