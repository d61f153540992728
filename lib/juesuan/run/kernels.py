"""Ways to execute the audit notebook: a fresh kernel per unit, or one warm kernel reused.

Both run the notebook with nbclient in a kernel of our own starting; papermill is not imported (it
cost 1.2–1.4 s of imports per `audit` and added nothing we use): the parameters are injected as
papermill does (a cell tagged ``injected-parameters`` after the one tagged ``parameters``).

- ``FreshKernel`` is what `juesuan audit` uses: one kernel for one run. It can be started before
  the document is read (``start()``): the kernel process boots and imports the notebook's modules
  on the other core while this process reads the PDF.
- ``WarmKernel``: started once, its namespace reset between runs, so the kernel start and the heavy
  imports (pandas, matplotlib, juesuan) are paid once. dask workers use it; the local batch pool runs
  the notebook in the worker process itself (:mod:`juesuan.run.inprocess`).

Kernels use IPC transport with a private socket path, so many kernels starting at once cannot race
for TCP ports (papermill #511) and none warns that it runs over TCP; a failed start is retried once.
A kernel that fails (does not start, dies, or stops answering, a cell past its time limit) raises
:class:`KernelFailed`; a cell that raises, :class:`NotebookFailed`. Callers tell them apart by type.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Protocol

# Imported by the kernel as soon as it is up, while the caller is still reading the document: the
# notebook's setup cell then finds them loaded.
PREWARM = ("import pandas, matplotlib\n"
           "import juesuan.engine, juesuan.present.charts, juesuan.present.workbook\n")


def default_kernel() -> str:
    """The project's own kernel (registered by `make`) where it exists, else the running Python's."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("juesuan")
    except NoSuchKernel:
        return "python3"
    # Only when it is this environment's kernel: another venv's "juesuan" would miss our package.
    return "juesuan" if spec.argv and Path(spec.argv[0]).resolve().parent == Path(os.sys.executable).resolve().parent else "python3"


# glibc's malloc held to two arenas and BLAS to one thread: a process that runs the notebook under a
# batch worker's ``--memory-limit`` (an address-space limit) does not spend it on per-thread
# reservations it never uses (OpenBLAS exits the process when it cannot get its buffers).
LEAN_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                    "MKL_NUM_THREADS": "1"}


def kernel_environment() -> dict[str, str]:
    """The kernel's environment: ours, with :data:`LEAN_ENVIRONMENT` where it does not say otherwise."""
    return {**LEAN_ENVIRONMENT, **os.environ}


class NotebookFailed(Exception):
    """A cell raised; ``ename``/``evalue`` carry the cell's exception, like papermill's error.
    ``peak_address_space``: the kernel's peak address space in bytes (0 when unknown), which tells
    a cell that failed for want of memory under a worker's limit from one that failed on its own."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue
        self.peak_address_space = 0


def kernel_peak_address_space(km) -> int:
    """VmPeak of the kernel process, in bytes (Linux; 0 elsewhere or when it is gone)."""
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
    return peak_address_space(pid) if pid else 0


def peak_address_space(pid: int | str = "self") -> int:
    """VmPeak of a process (this one by default), in bytes (Linux; 0 elsewhere or when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class KernelFailed(Exception):
    """The kernel itself failed: it did not start, died, stopped answering, or a cell ran past its
    time limit (the kernel is then still busy). A warm kernel must be replaced after this."""

    def __init__(self, what: str, died: bool = True):
        super().__init__(what)
        self.ename = "KernelFailed"
        self.evalue = what
        self.died = died  # it did not start or exited (under a memory limit: out of memory), not a time limit


class Runner(Protocol):
    """Executes ``template`` with ``parameters`` into ``output``; may return the executed notebook
    (an ``nbformat.NotebookNode``), which saves the caller reading it back."""

    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int): ...


def parameterize(nb, parameters: dict):
    """Insert the parameters as a cell tagged ``injected-parameters`` after the cell tagged
    ``parameters`` (at the top if there is none), replacing an earlier injected cell."""
    import nbformat

    source = "# Parameters\n" + "".join(f"{name} = {value!r}\n" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells = cells[:at] + [cell] + cells[at:]
    return nb


def _execute(km, kc, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int):
    """Run the parameterised notebook in a started kernel; write it to ``output`` whatever happens,
    and return it."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = parameterize(nbformat.read(str(template), as_version=4), parameters)
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name=km.kernel_name,
                            resources={"metadata": {"path": str(cwd)}})
    client.kc = kc
    try:
        client.execute()
    except CellExecutionError as exc:
        nbformat.write(nb, str(output))
        failed = NotebookFailed(exc.ename or "CellExecutionError", exc.evalue or str(exc).splitlines()[0])
        failed.peak_address_space = kernel_peak_address_space(km)
        raise failed from exc
    except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as exc:
        nbformat.write(nb, str(output))
        text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise KernelFailed(f"{type(exc).__name__}: {text}".strip(": "), died=not isinstance(exc, CellTimeoutError)) from exc
    nbformat.write(nb, str(output))
    return nb


def ipc_kernel_manager():
    """A kernel manager class whose kernels talk over IPC sockets at a private path."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"juesuan-kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

    return IPCKernelManager


class WarmKernel:
    """One kernel, started once, executing many parameterised notebooks one after another."""

    def __init__(self, kernel_name: str | None = None, cwd: Path | None = None, startup_timeout: int = 120):
        self.kernel_name = kernel_name
        self.cwd = Path(cwd) if cwd else None
        self.startup_timeout = startup_timeout
        self.km = None
        self.kc = None
        self._socket_dir = None
        self._ready = False

    def launch(self) -> None:
        """Start the kernel process and ask it to import the notebook's modules; do not wait for it."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._socket_dir = tempfile.mkdtemp(prefix="juesuan-kernel-")
        km = AsyncKernelManager(kernel_name=self.kernel_name or default_kernel(), transport="ipc",
                                ip=os.path.join(self._socket_dir, f"k-{uuid.uuid4().hex[:8]}"))
        km.connection_file = os.path.join(self._socket_dir, "connection.json")
        try:
            run_sync(km.start_kernel)(cwd=str(self.cwd) if self.cwd else None, env=kernel_environment())
            kc = km.client()
            kc.start_channels()
            kc.execute(PREWARM, silent=True, store_history=False)  # queued until the kernel is up
        except Exception as exc:
            self.km = km
            self.shutdown()
            raise KernelFailed(f"内核无法启动（{type(exc).__name__}: {str(exc)[:160]}）") from exc
        self.km, self.kc, self._ready = km, kc, False

    def wait(self) -> None:
        from jupyter_core.utils import run_sync

        if self._ready:
            return
        try:
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        except Exception as exc:
            self.shutdown()
            raise KernelFailed(f"内核没有就绪（{type(exc).__name__}: {str(exc)[:160]}）") from exc
        self._ready = True

    def start(self) -> None:
        """Start the kernel and wait until it answers; one retry."""
        for attempt in (1, 2):
            try:
                self.launch()
                self.wait()
                return
            except KernelFailed:
                if attempt == 2:
                    raise

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return self.km is not None and bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int):
        from jupyter_core.utils import run_sync

        if not self.alive():
            self.shutdown()
            self.cwd = cwd
            self.start()
        self.wait()
        # A clean namespace for every unit; imported modules stay warm.
        try:
            run_sync(self.kc.execute_interactive)("%reset -f", silent=True, timeout=60)
        except Exception as exc:
            raise KernelFailed(f"内核没有响应（{type(exc).__name__}）") from exc
        return _execute(self.km, self.kc, template, output, parameters, cwd, timeout)

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
        self.km = self.kc = None
        self._ready = False
        if self._socket_dir:
            import shutil

            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None


class FreshKernel:
    """One kernel for one run (`juesuan audit`); ``start()`` it early, before reading the document."""

    def __init__(self, kernel_name: str | None = None, cwd: Path | None = None):
        self._kernel = WarmKernel(kernel_name, cwd)
        self._launched = False

    def start(self) -> "FreshKernel":
        try:
            self._kernel.launch()
            self._launched = True
        except KernelFailed:
            self._launched = False  # tried again, waiting, when the notebook runs
        return self

    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int):
        try:
            if not self._launched or self._kernel.cwd != Path(cwd):
                self._kernel.shutdown()
                self._kernel.cwd = Path(cwd)
                self._kernel.start()
            self._kernel.wait()
            return _execute(self._kernel.km, self._kernel.kc, template, output, parameters, cwd, timeout)
        finally:
            self.close()

    def close(self) -> None:
        self._kernel.shutdown()
        self._launched = False


def fresh_kernel_runner(kernel_name: str | None = None) -> Runner:
    """A runner that starts its own kernel when called (no early start)."""
    return FreshKernel(kernel_name)


