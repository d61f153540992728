"""Ways to execute the audit notebook: a fresh kernel per unit (papermill), or one warm kernel reused.

``papermill_runner`` is what `juesuan audit` uses: papermill parameterises and runs the notebook in a
new kernel. ``WarmKernel`` is for batch workers: the notebook is parameterised by papermill the same
way, but runs in a kernel started once per worker (its namespace reset between units), so the
kernel start and the heavy imports (pandas, matplotlib, juesuan) are paid once per worker, not per
unit. Kernels use IPC transport with a private socket path, so many kernels starting at once cannot
race for TCP ports (papermill #511); a failed start is retried once.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Protocol



def default_kernel() -> str:
    """The project's own kernel (registered by `make`) where it exists, else the running Python's."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("juesuan")
    except NoSuchKernel:
        return "python3"
    # Only when it is this environment's kernel: another venv's "juesuan" would miss our package.
    return "juesuan" if spec.argv and Path(spec.argv[0]).resolve().parent == Path(os.sys.executable).resolve().parent else "python3"


class NotebookFailed(Exception):
    """A cell raised; ``ename``/``evalue`` carry the cell's exception, like papermill's error."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue


class Runner(Protocol):
    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int) -> None: ...


def papermill_runner(kernel_name: str | None = None) -> Runner:
    """Run with papermill in a fresh kernel."""

    def run(template: Path, output: Path, parameters: dict, cwd: Path, timeout: int) -> None:
        import papermill as pm

        pm.execute_notebook(
            str(template), str(output), parameters=parameters, cwd=str(cwd),
            kernel_name=kernel_name or default_kernel(), progress_bar=False, log_output=False,
            execution_timeout=timeout, request_save_on_cell_execute=False,
            kernel_manager_class=ipc_kernel_manager(),  # IPC: no TCP ports, no "running over TCP" warning
        )

    return run


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

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        for attempt in (1, 2):
            self._socket_dir = tempfile.mkdtemp(prefix="juesuan-kernel-")
            km = AsyncKernelManager(kernel_name=self.kernel_name or default_kernel(), transport="ipc",
                                    ip=os.path.join(self._socket_dir, f"k-{uuid.uuid4().hex[:8]}"))
            km.connection_file = os.path.join(self._socket_dir, "connection.json")
            try:
                run_sync(km.start_kernel)(cwd=str(self.cwd) if self.cwd else None)
                kc = km.client()
                kc.start_channels()
                run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
            except Exception:
                try:
                    run_sync(km.shutdown_kernel)(now=True)
                except Exception:
                    pass
                if attempt == 2:
                    raise
                continue
            self.km, self.kc = km, kc
            return

    def __call__(self, template: Path, output: Path, parameters: dict, cwd: Path, timeout: int) -> None:
        import nbformat
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.parameterize import parameterize_notebook

        if self.km is None or not run_sync(self.km.is_alive)():
            self.shutdown()
            self.cwd = cwd
            self.start()
        # A clean namespace for every unit; imported modules stay warm.
        run_sync(self.kc.execute_interactive)("%reset -f", silent=True, timeout=60)
        nb = nbformat.read(str(template), as_version=4)
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])  # papermill's parameterize expects these keys
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, parameters)
        client = NotebookClient(nb, km=self.km, timeout=timeout, kernel_name=self.km.kernel_name,
                                resources={"metadata": {"path": str(cwd)}})
        client.kc = self.kc
        try:
            client.execute()
        except CellExecutionError as exc:
            nbformat.write(nb, str(output))
            raise NotebookFailed(exc.ename or "CellExecutionError", exc.evalue or str(exc).splitlines()[0]) from exc
        nbformat.write(nb, str(output))

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
        if self._socket_dir:
            import shutil

            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
