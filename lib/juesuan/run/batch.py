"""`juesuan batch`: audit many units in parallel, resumable, locally or through dask.distributed.

Each unit runs the same audit notebook as `juesuan audit` and gets the same folder of outputs.
Workers are warm: a worker process reads documents (its JVM starts once, when it meets its first
PDF) and runs the notebook in one kernel it keeps (`juesuan.run.kernels.WarmKernel`), handing the
notebook the model it already read. A unit that fails — unreadable input, a notebook error, a
timeout, a crashed worker — is recorded with its reason and every other unit completes. Unit
outputs are swapped in atomically with a manifest (`unit.json`), so `--resume` skips exactly the
units whose outputs are complete and whose input has not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from juesuan import __version__
from juesuan.run.status import UnitStatus
from juesuan.core.exceptions import OUTPUT_FAILURE_MARKERS, OutputError, output_error
from juesuan.run.audit import MANIFEST, OUTPUT_FILES, file_sha256, unit_folder_name

INPUT_SUFFIXES = (".pdf", ".txt")
DEFAULT_TIMEOUT = 600


@dataclass
class Unit:
    source: str  # absolute path of the input file
    name: str  # output folder name, unique in the batch
    sha256: str = ""
    size: int = 0


@dataclass
class UnitResult:
    unit: str
    source: str
    status: UnitStatus
    reason: str = ""
    code: str = ""
    errors: int = 0
    warnings: int = 0
    notes: int = 0
    could_not_check: int = 0  # rules that could not run on this unit
    seconds: float = 0.0
    unit_name: str = ""  # the document's own 单位名称, when read
    year: int | None = None
    other_run: bool = False  # listed from the output folder, made or recorded by another run
    dismissed: int = 0  # findings the review marked 排除 (not in the counts above)
    stale: int = 0  # review entries whose finding no longer appears
    review_by_status: dict = field(default_factory=dict)


@dataclass
class BatchSettings:
    out: str
    unit_timeout: int = DEFAULT_TIMEOUT  # seconds for a whole unit: reading, the notebook, the reports
    cell_timeout: int | None = None  # seconds for one notebook cell; None: the unit's limit
    extra_tolerance: str = "0"
    kernel_name: str | None = None
    memory_limit_mb: int | None = None
    review_dir: str | None = None
    # Added to the whole-unit limit: a worker's first unit also starts its kernel and imports.
    grace_seconds: int = 60


@dataclass
class BatchReport:
    results: list[UnitResult] = field(default_factory=list)
    started: str = ""
    seconds: float = 0.0
    workers: int = 1
    scheduler: str = "local-processes"

    skipped_inputs: list[dict] = field(default_factory=list)  # {"path", "reason"}: inputs that are no unit
    output_errors: dict[str, str] = field(default_factory=dict)  # batch output file -> why it was not written

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def this_run(self) -> list[UnitResult]:
        """The results of the inputs this run was given (not those listed from other runs)."""
        return [r for r in self.results if not r.other_run]


# --- finding the units ---------------------------------------------------------------------------

@dataclass
class Inputs:
    units: list[Unit] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named on the command line, not there
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # named, but not a regular file: (path, reason)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # met in a folder, not a unit: (path, reason)


def discover(inputs: list[str]) -> tuple[list[Unit], list[str]]:
    """The units named by files and folders (searched recursively), and the inputs that are not there."""
    found = discover_inputs(inputs)
    return found.units, found.missing


def _special(path: str) -> str | None:
    """Why a candidate input is not a regular file to read (dangling link, FIFO, device), or None."""
    import stat

    from juesuan.extract import special_file_kind

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "符号链接指向的文件不存在" if os.path.islink(path) else "文件不存在"
    except OSError as exc:
        return f"无法读取：{exc.strerror or exc}"
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    return f"不是普通文件（{special_file_kind(info.st_mode) or '特殊文件'}），未审核"


def discover_inputs(inputs: list[str]) -> Inputs:
    """Units, and every input that is not one with the reason: nothing is skipped silently.

    In a folder, files ending in .pdf/.txt are units; hidden files and folders, dangling links and
    special files (FIFOs, devices, sockets) are listed as ignored, never opened.
    """
    found = Inputs()
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if os.path.isdir(item):
            for root, dirs, names in os.walk(item, followlinks=False):
                for d in sorted(dirs):
                    if d.startswith("."):
                        found.ignored.append((os.path.join(root, d), "隐藏文件夹，未审核"))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if Path(name).suffix.lower() not in INPUT_SUFFIXES:
                        continue
                    full = os.path.join(root, name)
                    if name.startswith("."):
                        found.ignored.append((full, "隐藏文件，未审核"))
                        continue
                    problem = _special(full)
                    if problem:
                        found.ignored.append((full, problem))
                    else:
                        files.append(Path(full))
        elif os.path.lexists(item):
            problem = _special(item)
            if problem:
                found.unreadable.append((item, problem))
            else:
                files.append(path)
        else:
            found.missing.append(item)
    seen: dict[Path, None] = {}
    for f in files:
        seen.setdefault(f.resolve(), None)
    names: dict[str, int] = {}
    for f in seen:
        name = unit_folder_name(f)
        if name in names:
            # Two inputs with the same file name in different folders: keep both, apart.
            name = f"{name}-{hashlib.sha1(str(f).encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
        names[name] = 1
        found.units.append(Unit(source=str(f), name=name))
    return found


def fingerprint(unit: Unit) -> Unit:
    """The input's sha256 and size. Opened without blocking and only when it is a regular file no
    larger than any input juesuan reads (a bigger one is refused by the reader, unhashed)."""
    import stat

    from juesuan.extract import MAX_PDF_BYTES

    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(unit.source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PDF_BYTES:
                return unit
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
                if size > MAX_PDF_BYTES:
                    return unit
    except OSError:
        return unit
    unit.sha256, unit.size = digest.hexdigest(), size
    return unit


def expected_cost(unit: Unit) -> float:
    """A unit's expected cost in pages, for scheduling only: a PDF's page count, a text file's size
    at ~30 KB a page (a text unit costs a fraction of a PDF page's), 0 when it cannot be told.
    Only a unit :func:`fingerprint` could hash (a regular file within the size limit) is opened."""
    if not unit.sha256:
        return 0.0
    if unit.source.lower().endswith(".pdf"):
        try:
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(unit.source)
            try:
                return float(len(doc))
            finally:
                doc.close()
        except Exception:  # broken or encrypted: it fails fast, whenever it runs
            return 0.0
    return unit.size / 30_000


def is_complete(unit: Unit, out: Path) -> bool:
    """The unit's outputs are all there, intact, and were made from this very input."""
    folder = out / unit.name
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("sha256") != unit.sha256 or not unit.sha256:
        return False
    return outputs_intact(folder, manifest)


def _read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def outputs_intact(folder: Path, manifest: dict) -> bool:
    """Every output file is as the manifest recorded it (sha256) and reads as what it claims to be:
    HTML complete to ``</html>``, JSON and the notebook parseable, the workbook a sound zip."""
    digests = manifest.get("outputs")
    if not isinstance(digests, dict):
        return False  # a manifest from before digests were kept: redo the unit
    for name in OUTPUT_FILES:
        path = folder / name
        try:
            if not path.is_file() or path.stat().st_size == 0 or digests.get(name) != file_sha256(path):
                return False
            if not _reads_as_itself(path):
                return False
        except OSError:
            return False
    return True


def _reads_as_itself(path: Path) -> bool:
    suffix = path.suffix.lower()
    try:
        if suffix == ".html":
            with open(path, "rb") as fh:
                fh.seek(max(0, path.stat().st_size - 64))
                return fh.read().rstrip().lower().endswith(b"</html>")
        if suffix in (".json", ".ipynb"):
            json.loads(path.read_text(encoding="utf-8"))
            return True
        if suffix == ".xlsx":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                return "xl/workbook.xml" in archive.namelist() and archive.testzip() is None
    except (OSError, ValueError, Exception):
        return False
    return True


def clean_partials(out: Path) -> int:
    """Remove what an interrupted run left half-built (hidden *.partial and *.old-* folders).

    Call it only while holding the output folder's lock exclusively (:func:`out_lock`): another
    run's partial folders are its work in progress.
    """
    import shutil

    removed = 0
    if not out.is_dir():
        return 0
    for p in out.iterdir():
        if p.name.startswith(".") and (p.name.endswith(".partial") or ".old-" in p.name) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    return removed


# --- the output folder: writable, and shared safely between runs --------------------------------

RUN_LOCK = ".juesuan-run.lock"  # held shared by every run writing into the folder
INDEX_LOCK = ".juesuan-index.lock"  # held exclusively while a run writes the batch outputs


def check_output_folder(out: str | Path) -> Path:
    """Create ``out`` if needed and prove it takes a file; OutputError (read-only, full, not a
    folder, no permission) in one line otherwise."""
    import tempfile

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not out.is_dir():
            raise OutputError(str(out), "输出目录无法写入：已存在同名文件，不是文件夹", "not_a_folder")
        fd, probe = tempfile.mkstemp(prefix=".juesuan-probe.", dir=out)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"\0" * 65536)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            os.remove(probe)
    except OSError as exc:
        raise as_output_error(out, exc) from None
    return out.resolve()


def as_output_error(out: Path | str, exc: OSError) -> OutputError:
    return output_error(str(out), exc) or OutputError(str(out), f"输出目录无法写入：{exc.strerror or exc}")


def _locked(path: Path, mode: int, blocking: bool = True) -> int | None:
    """An fd on ``path`` locked with flock ``mode``; retries when the file was replaced meanwhile
    (a run that finished last removes the lock files). None when not blocking and taken."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, mode | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError:  # a file system without flock (some network or FUSE mounts): go on unprotected,
            if blocking:  # and never take it for "nobody else is running"
                return fd
            os.close(fd)
            return None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextmanager
def out_lock(out: Path, *, clean: bool = True):
    """Share ``out`` with other runs: hold its run lock shared for the whole run. A run that finds
    no other one running (exclusive lock granted at once) first removes stale partial folders; a
    run never removes the partial folders of a run still going. Yields a callable that takes the
    index lock for writing the batch outputs (one writer at a time)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no sharing protection
        if clean:
            clean_partials(out)
        yield contextmanager(lambda: (yield))
        return
    run_path = out / RUN_LOCK
    fd = _locked(run_path, fcntl.LOCK_EX, blocking=False)
    if fd is not None:
        if clean:
            clean_partials(out)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # a downgrade: never waits
        except OSError:
            pass
    else:
        fd = _locked(run_path, fcntl.LOCK_SH)

    @contextmanager
    def writing():
        index_fd = _locked(out / INDEX_LOCK, fcntl.LOCK_EX)
        try:
            yield
        finally:
            # The last run out tidies up: when nobody else holds the run lock, remove both lock files.
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                for name in (RUN_LOCK, INDEX_LOCK):
                    try:
                        os.remove(out / name)
                    except OSError:
                        pass
            except OSError:  # another run still going (or no flock here): it tidies up
                pass
            os.close(index_fd)

    try:
        yield writing
    finally:
        os.close(fd)


# --- doing one unit (inside a worker) ------------------------------------------------------------

_WARM = None  # this process's warm kernel (units run outside the main thread: dask workers)


def _warm_kernel():
    global _WARM
    if _WARM is None:
        from juesuan.run.kernels import WarmKernel
        from juesuan.run.audit import NOTEBOOK

        _WARM = WarmKernel(cwd=NOTEBOOK.parent)
        _WARM.start()
    return _WARM


def _runner():
    """How this worker runs the notebook. In a worker process's main thread (the local pool): in
    this process (:mod:`juesuan.run.inprocess`), where the document, the JVM and the modules already
    are, which costs less CPU and memory than a kernel beside it. In another thread (a dask worker's
    task): a warm kernel, since a shell here would share sys.stdout and the cwd with that thread's
    neighbours."""
    import threading

    if threading.current_thread() is threading.main_thread():
        from juesuan.run.inprocess import InProcessRunner

        return InProcessRunner()
    return _warm_kernel()


def process_unit(unit: Unit, settings: BatchSettings) -> UnitResult:
    """Audit one unit; never raises: every failure comes back as a result with its reason."""
    from juesuan.core.exceptions import AuditRunError, InputError, JuesuanError
    from juesuan.extract import read_document
    from juesuan.run.audit import run_audit
    from juesuan.run.kernels import KernelFailed

    global _WARM
    start = time.perf_counter()
    result = UnitResult(unit=unit.name, source=unit.source, status=UnitStatus.FAILED)
    try:
        if not unit.sha256:
            fingerprint(unit)
        document = read_document(unit.source)
        result.unit_name, result.year = document.unit_name or "", document.year
        outputs = run_audit(unit.source, settings.out, document=document, runner=_runner(),
                            folder_name=unit.name, timeout=settings.cell_timeout or settings.unit_timeout,
                            extra_tolerance=settings.extra_tolerance,
                            manifest={"source": unit.source, "sha256": unit.sha256, "size": unit.size,
                                      "juesuan": __version__, "review_digest": _review_digest(unit, settings)},
                            review_dir=settings.review_dir)
        result.status = UnitStatus.OK
        result.errors, result.warnings, result.notes = outputs.errors, outputs.warnings, outputs.notes
        result.dismissed, result.stale = outputs.dismissed, outputs.stale
        result.review_by_status = outputs.review.get("by_status", {})
        result.could_not_check = could_not_check(outputs.folder)
    except InputError as exc:
        result.reason, result.code = exc.reason, exc.code
    except AuditRunError as exc:
        result.reason, result.code = f"审核工作簿运行失败：{exc.reason}", "notebook"
        if any(marker in exc.reason for marker in OUTPUT_FAILURE_MARKERS):
            result.reason, result.code = f"输出目录无法写入：{exc.reason}", "output"
        cause = exc.__cause__  # the kernel died, or a cell ran out of memory, under the worker's limit
        if settings.memory_limit_mb and (_out_of_memory(cause) or (isinstance(cause, KernelFailed) and cause.died)
                                         or getattr(cause, "ename", "") == "MemoryError"
                                         or getattr(cause, "peak_address_space", 0) > 0.9 * settings.memory_limit_mb * 2**20):
            result.reason, result.code = f"内存不足（每个工作进程上限 {settings.memory_limit_mb} MB）：{exc.reason}", "memory"
        if _WARM is not None and isinstance(exc.__cause__, KernelFailed):  # a cell's own error keeps the kernel
            _WARM.shutdown()
            _WARM = None
    except JuesuanError as exc:
        result.reason, result.code = str(exc), exc.code
    except Exception as exc:  # a bug must fail this unit alone, with its reason
        problem = output_error(settings.out, exc) if isinstance(exc, OSError) else None
        if _out_of_memory(exc) or (isinstance(exc, KernelFailed) and exc.died and settings.memory_limit_mb):
            limit = f"（每个工作进程上限 {settings.memory_limit_mb} MB）" if settings.memory_limit_mb else ""
            result.reason, result.code = f"内存不足{limit}", "memory"
        elif problem is not None and problem.code in ("full", "read_only"):
            result.reason, result.code = problem.reason, "output"
        else:
            text = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
            result.reason, result.code = f"内部错误：{text}", "internal"
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def could_not_check(folder: Path) -> int:
    """How many rules could not run on the unit, from its findings.json ledger."""
    try:
        data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
        return sum(1 for entry in data.get("ledger") or [] if entry.get("status") == "could_not_check")
    except (OSError, ValueError, AttributeError):
        return 0


def _out_of_memory(exc: BaseException) -> bool:
    """MemoryError, or what a process at its address-space limit raises instead (no thread, ENOMEM)."""
    import errno

    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return True
    return isinstance(exc, OSError) and exc.errno == errno.ENOMEM


# --- local worker processes ----------------------------------------------------------------------

def _worker_main(conn, settings: BatchSettings, memory_limit_mb: int | None) -> None:
    """A worker: its own process group (a timeout kills it with its kernel), one unit at a time."""
    os.setsid()
    # The notebook runs in this process: the thread and malloc settings a kernel gets, set before
    # numpy is imported (the arena count through mallopt: the variable is read at process start).
    from juesuan.extract.pdf.java import few_malloc_arenas
    from juesuan.run.kernels import LEAN_ENVIRONMENT

    for name, value in LEAN_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    few_malloc_arenas()
    if memory_limit_mb:
        try:
            import resource

            limit = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    settled = False
    try:
        while True:
            try:
                unit = conn.recv()
            except EOFError:
                break
            if unit is None:
                break
            result = process_unit(unit, settings)
            conn.send(result)
            if not settled and result.status == UnitStatus.OK:
                settled = settle_heap()
    finally:
        if _WARM is not None:
            _WARM.shutdown()


def settle_heap() -> bool:
    """Move what a worker keeps for its whole life (modules, the notebook shell, caches: everything
    alive after its first audited unit) out of the cyclic collector's reach.

    Without this every full collection walks those objects again: ~0.14 CPU-s each, ~0.2 a unit,
    a tenth of a real unit's cost. Done once, after a collection, so no garbage is frozen; doing it
    after every unit would also freeze what the next unit lets go of (memory grew ~18 MB a unit)."""
    import gc

    gc.collect()
    gc.freeze()
    return True


def _died(unit: Unit, memory_limit_mb: int | None) -> UnitResult:
    """A worker that died with its unit: under a memory limit, most likely the limit (an allocation
    that failed outside Python, where no MemoryError can be raised)."""
    if memory_limit_mb:
        return _lost(unit, f"内存不足（每个工作进程上限 {memory_limit_mb} MB）：工作进程异常退出", "memory")
    return _lost(unit, "工作进程异常退出（可能内存不足或被系统终止）", "crashed")


class _Worker:
    def __init__(self, ctx, settings: BatchSettings, memory_limit_mb: int | None):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, settings, memory_limit_mb), daemon=True)
        self.process.start()
        child.close()
        self.unit: Unit | None = None
        self.started = 0.0
        self.stopping = False

    def stop(self) -> None:
        """Ask the worker to finish (after its unit, if it has one); once."""
        if self.stopping or not self.process.is_alive():
            return
        self.stopping = True
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.join(timeout=5)
        self.conn.close()


def run_local(units: list[Unit], settings: BatchSettings, workers: int, progress=None,
              memory_limit_mb: int | None = None, drained=None, linger: list | None = None) -> list[UnitResult]:
    """Run units over ``workers`` warm worker processes, with a wall-clock limit per unit.
    ``drained()`` is called once, when the last unit has been handed to a worker. A worker with no
    unit left to take is told to stop at once (it shuts down while the others finish). Stopping
    workers are joined before returning, or appended to ``linger`` for the caller to
    :func:`join_workers` later (a worker's shutdown, JVM included, takes ~0.6 s)."""
    import multiprocessing
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold a JVM
    pending = deque(units)
    results: list[UnitResult] = []
    pool = [_Worker(ctx, settings, memory_limit_mb) for _ in range(max(1, min(workers, len(units))))]
    # The whole-unit limit: reading, the notebook and the reports.
    limit = settings.unit_timeout + settings.grace_seconds
    try:
        while pending or any(w.unit for w in pool):
            for w in pool:
                if w.unit is None and pending:
                    w.unit, w.started = pending.popleft(), time.monotonic()
                    w.conn.send(w.unit)
                    if not pending and drained is not None:
                        drained()
                        drained = None
            busy = [w for w in pool if w.unit is not None]
            ready = wait([w.conn for w in busy], timeout=0.5)
            for w in busy:
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = _died(w.unit, memory_limit_mb)
                        _replace(pool, w, ctx, settings, memory_limit_mb)
                    results.append(result)
                    if progress:
                        progress(result)
                    w.unit = None
                    if not pending:
                        w.stop()
                elif time.monotonic() - w.started > limit:
                    result = _lost(w.unit, f"超时：超过{limit}秒未完成", "timeout")
                    results.append(result)
                    if progress:
                        progress(result)
                    _replace(pool, w, ctx, settings, memory_limit_mb)
                elif not w.process.is_alive():
                    result = _died(w.unit, memory_limit_mb)
                    results.append(result)
                    if progress:
                        progress(result)
                    _replace(pool, w, ctx, settings, memory_limit_mb)
    finally:
        for w in pool:
            w.stop()
        if linger is None:
            join_workers(pool)
        else:
            linger.extend(pool)
    return results


def join_workers(pool: list) -> None:
    """Wait for stopped workers to exit (10 s each at most, then killed)."""
    for w in pool:
        w.process.join(timeout=10)
        if w.process.is_alive():
            w.kill()


def _lost(unit: Unit, reason: str, code: str) -> UnitResult:
    return UnitResult(unit=unit.name, source=unit.source, status=UnitStatus.FAILED, reason=reason, code=code)


def _replace(pool: list[_Worker], worker: _Worker, ctx, settings: BatchSettings, memory_limit_mb: int | None) -> None:
    worker.kill()
    pool[pool.index(worker)] = _Worker(ctx, settings, memory_limit_mb)


# --- dask.distributed ----------------------------------------------------------------------------

def run_dask(units: list[Unit], settings: BatchSettings, workers: int, scheduler: str,
             progress=None) -> list[UnitResult]:
    """The same units through dask.distributed: ``scheduler`` is an address (tcp://host:8786) or
    ``local`` for a LocalCluster of ``workers`` single-threaded processes on this machine."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="30s")
    results: list[UnitResult] = []
    try:
        futures = client.map(process_unit, units, settings=settings, pure=False, retries=1)
        owner = {f.key: u for f, u in zip(futures, units)}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # the worker died twice on this unit
                unit = owner[future.key]
                result = _lost(unit, f"集群执行失败：{type(exc).__name__}: {exc}".splitlines()[0][:300], "cluster")
            results.append(result)
            if progress:
                progress(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results


# --- the batch -----------------------------------------------------------------------------------

def _warm_up_outputs() -> None:
    try:
        import openpyxl  # noqa: F401

        from juesuan.present.html import warm_up

        warm_up()
    except Exception:  # only a head start: the writers load what they need themselves
        pass


class SummaryKernel:
    """The summary notebook's kernel, launched while the last units are still running (it boots
    on a core their tail leaves idle), so summary.html does not wait for a kernel start at the end."""

    def __init__(self, wanted: bool):
        self.wanted = wanted
        self.kernel = None

    def launch(self) -> None:
        if not self.wanted or self.kernel is not None:
            return
        # This process renders summary.html and writes findings.xlsx at the end: load what they need
        # now, beside the last units, instead of after them (~0.3 s off the end of a batch).
        threading.Thread(target=_warm_up_outputs, name="warm-up", daemon=True).start()
        try:
            from juesuan.run.audit import shipped_notebook
            from juesuan.run.kernels import FreshKernel

            self.kernel = FreshKernel(cwd=shipped_notebook("batch_summary.ipynb").parent).start()
        except Exception:  # the summary then starts its own kernel, as without this
            self.kernel = None

    def runner(self):
        return self.kernel

    def close(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
            self.kernel = None


def run_batch(inputs: list[str], out: str | Path, *, workers: int = 2, unit_timeout: int = DEFAULT_TIMEOUT,
              cell_timeout: int | None = None, resume: bool = False, scheduler: str | None = None,
              extra_tolerance: str = "0", show_progress: bool = True, memory_limit_mb: int | None = None,
              summary: bool = True, review_dir: str | None = None) -> BatchReport:
    """Audit every unit named by ``inputs`` into ``out``; returns the per-unit results.

    Raises OutputError when ``out`` cannot be written (read-only, full) or none of the batch
    outputs could be written. Several runs may share one ``out``: none removes another's work in
    progress, and the index lists every complete unit folder in ``out``, whichever run made it.
    """
    out = check_output_folder(out)
    started = time.perf_counter()
    started_wall = time.time()
    report = BatchReport(started=time.strftime("%Y-%m-%dT%H:%M:%S"), workers=workers,
                         scheduler=scheduler or "local-processes")
    with out_lock(out) as writing:
        found = discover_inputs(inputs)
        for item in found.missing:
            report.results.append(UnitResult(unit=unit_folder_name(item), source=item, status=UnitStatus.FAILED,
                                             reason="文件或文件夹不存在", code="not_found"))
        for item, reason in found.unreadable:
            report.results.append(UnitResult(unit=unit_folder_name(item), source=item, status=UnitStatus.FAILED,
                                             reason=reason, code="not_regular"))
        report.skipped_inputs = [{"path": item, "reason": reason} for item, reason in found.ignored]
        units = [fingerprint(u) for u in found.units]
        todo: list[Unit] = []
        for unit in units:
            if resume and is_complete(unit, out) and _review_unchanged(unit, out, review_dir):
                report.results.append(_skipped(unit, out))
            else:
                todo.append(unit)
        # Longest first: a 170-page unit started last would keep one worker busy while the others idle.
        todo.sort(key=expected_cost, reverse=True)
        settings = BatchSettings(out=str(out), unit_timeout=unit_timeout, cell_timeout=cell_timeout,
                                 extra_tolerance=extra_tolerance, memory_limit_mb=memory_limit_mb,
                                 review_dir=review_dir)
        bar = _progress_bar(len(todo), show_progress)

        tally = {"ok": 0, "failed": 0}

        def progress(result: UnitResult) -> None:
            tally[result.status.value] = tally.get(result.status.value, 0) + 1
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"完成 {tally['ok']} 失败 {tally['failed']}", refresh=False)

        summary_kernel = SummaryKernel(summary)
        stopping: list = []  # workers shutting down while the batch outputs are written
        try:
            try:
                if todo:
                    if scheduler:
                        report.results.extend(run_dask(todo, settings, workers, scheduler, progress))
                    else:
                        report.results.extend(run_local(todo, settings, workers, progress, memory_limit_mb,
                                                        drained=summary_kernel.launch, linger=stopping))
            finally:
                if bar is not None:
                    bar.close()
            order = {u.name: i for i, u in enumerate(units)}
            report.results.sort(key=lambda r: (order.get(r.unit, -1), r.unit))
            with writing():
                # Written one run at a time, from everything complete in the folder now.
                report.results.extend(_from_other_runs(out, report, started_wall))
                for entry in report.skipped_inputs:
                    report.results.append(UnitResult(unit=unit_folder_name(entry["path"]), source=entry["path"],
                                                     status=UnitStatus.IGNORED, reason=entry["reason"], code="ignored"))
                report.seconds = round(time.perf_counter() - started, 3)
                _write_outputs(report, out, summary, summary_kernel.runner())
        finally:
            summary_kernel.close()
            join_workers(stopping)
    return report


def _write_outputs(report: BatchReport, out: Path, summary: bool, summary_runner=None) -> None:
    """The batch outputs; a writer that fails is recorded in batch.json, never fatal, unless none
    could be written because of the folder itself (full, read-only): OutputError."""
    from juesuan.run.batch_outputs import write_batch_outputs

    try:
        write_batch_outputs(report, out, summary=summary, summary_runner=summary_runner)
    except OSError as exc:
        raise as_output_error(out, exc) from None
    if report.output_errors and not any((out / name).is_file() for name in ("index.html", "batch.json")):
        raise OutputError(str(out), "输出目录无法写入：" + "；".join(f"{k}：{v}" for k, v in report.output_errors.items())[:300])


def _from_other_runs(out: Path, report: BatchReport, since: float) -> list[UnitResult]:
    """Units of ``out`` this run did not name: every complete unit folder (any run's), and the
    failures another run recorded while this one ran (two batches on one folder lose nothing)."""
    named = {r.unit for r in report.results}
    found: list[UnitResult] = []
    try:
        folders = sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        folders = []
    for folder in folders:
        if folder.name in named:
            continue
        manifest = _read_manifest(folder)
        if manifest is None or not outputs_intact(folder, manifest):
            continue
        result = _result_from_folder(folder, manifest, UnitStatus.EARLIER, "此前的运行已完成，不在本次输入中")
        result.other_run = True
        found.append(result)
        named.add(folder.name)
    try:
        batch_json = out / "batch.json"
        if batch_json.stat().st_mtime >= since:  # written by a run that finished while this one ran
            for entry in json.loads(batch_json.read_text(encoding="utf-8")).get("units", []):
                if entry.get("unit") not in named and entry.get("status") in (UnitStatus.FAILED, UnitStatus.IGNORED):
                    found.append(UnitResult(unit=entry["unit"], source=entry.get("source", ""),
                                            status=UnitStatus(entry["status"]), reason=entry.get("reason", ""),
                                            code=entry.get("code", ""), seconds=entry.get("seconds", 0.0),
                                            other_run=True))
                    named.add(entry["unit"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return found


def _result_from_folder(folder: Path, manifest: dict, status: UnitStatus, reason: str) -> UnitResult:
    try:
        findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        findings = {}
    return UnitResult(unit=folder.name, source=manifest.get("source", ""), status=status, reason=reason,
                      errors=manifest.get("errors", 0), warnings=manifest.get("warnings", 0),
                      notes=manifest.get("notes", 0), could_not_check=could_not_check(folder), seconds=0.0,
                      unit_name=findings.get("unit") or "", year=findings.get("year"),
                      dismissed=manifest.get("dismissed", 0), stale=manifest.get("stale", 0),
                      review_by_status=manifest.get("review_by_status", {}))


def _review_digest(unit: Unit, settings: BatchSettings) -> str:
    """What the auditor's review of this unit says now (see juesuan.present.review.digest)."""
    from juesuan.present.review import digest

    return digest(unit.source, review_dir=settings.review_dir, unit=unit.name, out=settings.out)


def _review_unchanged(unit: Unit, out: Path, review_dir: str | None) -> bool:
    """A resumed batch redoes a unit whose review changed since its outputs were made."""
    manifest = _read_manifest(out / unit.name) or {}
    return manifest.get("review_digest", "") == _review_digest(unit, BatchSettings(out=str(out), review_dir=review_dir))


def _skipped(unit: Unit, out: Path) -> UnitResult:
    folder = out / unit.name
    result = _result_from_folder(folder, _read_manifest(folder) or {}, UnitStatus.SKIPPED, "输出完整且输入未变，跳过")
    result.source = unit.source
    return result


def _progress_bar(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="个单位", desc="审核", file=sys.stderr, dynamic_ncols=True,
                bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {elapsed}<{remaining} {postfix}")

