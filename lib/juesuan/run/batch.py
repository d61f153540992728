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
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from juesuan import __version__
from juesuan.run.audit import MANIFEST, OUTPUT_FILES, unit_folder_name

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
    status: str  # ok / failed / skipped
    reason: str = ""
    code: str = ""
    errors: int = 0
    warnings: int = 0
    notes: int = 0
    seconds: float = 0.0
    unit_name: str = ""  # the document's own 单位名称, when read
    year: int | None = None
    dismissed: int = 0  # findings the review marked 排除 (not in the counts above)
    stale: int = 0  # review entries whose finding no longer appears
    review_by_status: dict = field(default_factory=dict)


@dataclass
class BatchSettings:
    out: str
    timeout: int = DEFAULT_TIMEOUT
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

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


# --- finding the units ---------------------------------------------------------------------------

def discover(inputs: list[str]) -> tuple[list[Unit], list[str]]:
    """The units named by files and folders (searched recursively), and the inputs that are not there."""
    files: list[Path] = []
    missing: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(item)
    seen: dict[Path, None] = {}
    for f in files:
        seen.setdefault(f.resolve(), None)
    units: list[Unit] = []
    names: dict[str, int] = {}
    for f in seen:
        name = unit_folder_name(f)
        if name in names:
            # Two inputs with the same file name in different folders: keep both, apart.
            name = f"{name}-{hashlib.sha1(str(f).encode()).hexdigest()[:8]}"
        names[name] = 1
        units.append(Unit(source=str(f), name=name))
    return units, missing


def fingerprint(unit: Unit) -> Unit:
    digest = hashlib.sha256()
    size = 0
    try:
        with open(unit.source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except OSError:
        return unit
    unit.sha256, unit.size = digest.hexdigest(), size
    return unit


def is_complete(unit: Unit, out: Path) -> bool:
    """The unit's outputs are all there and were made from this very input."""
    folder = out / unit.name
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("sha256") != unit.sha256 or not unit.sha256:
        return False
    return all((folder / name).is_file() and (folder / name).stat().st_size > 0 for name in OUTPUT_FILES)


def clean_partials(out: Path) -> int:
    """Remove what an interrupted run left half-built (hidden *.partial and *.old-* folders)."""
    import shutil

    removed = 0
    if not out.is_dir():
        return 0
    for p in out.iterdir():
        if p.name.startswith(".") and (p.name.endswith(".partial") or ".old-" in p.name) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    return removed


# --- doing one unit (inside a worker) ------------------------------------------------------------

_WARM = None  # this process's warm kernel


def _warm_kernel():
    global _WARM
    if _WARM is None:
        from juesuan.run.kernels import WarmKernel
        from juesuan.run.audit import NOTEBOOK

        _WARM = WarmKernel(cwd=NOTEBOOK.parent)
        _WARM.start()
    return _WARM


def process_unit(unit: Unit, settings: BatchSettings) -> UnitResult:
    """Audit one unit; never raises: every failure comes back as a result with its reason."""
    from juesuan.core.exceptions import InputError, JuesuanError
    from juesuan.extract import read_document
    from juesuan.run.audit import AuditRunError, run_audit

    global _WARM
    start = time.perf_counter()
    result = UnitResult(unit=unit.name, source=unit.source, status="failed")
    try:
        if not unit.sha256:
            fingerprint(unit)
        document = read_document(unit.source)
        result.unit_name, result.year = document.unit_name or "", document.year
        outputs = run_audit(unit.source, settings.out, document=document, runner=_warm_kernel(),
                            folder_name=unit.name, timeout=settings.timeout, extra_tolerance=settings.extra_tolerance,
                            manifest={"source": unit.source, "sha256": unit.sha256, "size": unit.size,
                                      "juesuan": __version__, "review_digest": _review_digest(unit, settings)},
                            review_dir=settings.review_dir)
        result.status = "ok"
        result.errors, result.warnings, result.notes = outputs.errors, outputs.warnings, outputs.notes
        result.dismissed, result.stale = outputs.dismissed, outputs.stale
        result.review_by_status = outputs.review.get("by_status", {})
    except InputError as exc:
        result.reason, result.code = exc.reason, exc.code
    except AuditRunError as exc:
        result.reason, result.code = f"审核工作簿运行失败：{exc.reason}", "notebook"
        if _WARM is not None and "Kernel" in exc.reason:
            _WARM.shutdown()
            _WARM = None
    except JuesuanError as exc:
        result.reason, result.code = str(exc), "error"
    except Exception as exc:  # a bug must fail this unit alone, with its reason
        if _out_of_memory(exc):
            limit = f"（每个工作进程上限 {settings.memory_limit_mb} MB）" if settings.memory_limit_mb else ""
            result.reason, result.code = f"内存不足{limit}", "memory"
        else:
            text = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
            result.reason, result.code = f"内部错误：{text}", "internal"
    result.seconds = round(time.perf_counter() - start, 3)
    return result


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
    if memory_limit_mb:
        try:
            import resource

            limit = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        while True:
            try:
                unit = conn.recv()
            except EOFError:
                break
            if unit is None:
                break
            conn.send(process_unit(unit, settings))
    finally:
        if _WARM is not None:
            _WARM.shutdown()


class _Worker:
    def __init__(self, ctx, settings: BatchSettings, memory_limit_mb: int | None):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, settings, memory_limit_mb), daemon=True)
        self.process.start()
        child.close()
        self.unit: Unit | None = None
        self.started = 0.0

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.join(timeout=5)
        self.conn.close()


def run_local(units: list[Unit], settings: BatchSettings, workers: int, progress=None,
              memory_limit_mb: int | None = None) -> list[UnitResult]:
    """Run units over ``workers`` warm worker processes, with a wall-clock limit per unit."""
    import multiprocessing
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold a JVM
    pending = deque(units)
    results: list[UnitResult] = []
    pool = [_Worker(ctx, settings, memory_limit_mb) for _ in range(max(1, min(workers, len(units))))]
    # The whole-unit limit: reading, the notebook and the reports.
    limit = settings.timeout + settings.grace_seconds
    try:
        while pending or any(w.unit for w in pool):
            for w in pool:
                if w.unit is None and pending:
                    w.unit, w.started = pending.popleft(), time.monotonic()
                    w.conn.send(w.unit)
            busy = [w for w in pool if w.unit is not None]
            ready = wait([w.conn for w in busy], timeout=0.5)
            for w in busy:
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = _lost(w.unit, "工作进程异常退出（可能内存不足或被系统终止）", "crashed")
                        _replace(pool, w, ctx, settings, memory_limit_mb)
                    results.append(result)
                    if progress:
                        progress(result)
                    w.unit = None
                elif time.monotonic() - w.started > limit:
                    result = _lost(w.unit, f"超时：超过{limit}秒未完成", "timeout")
                    results.append(result)
                    if progress:
                        progress(result)
                    _replace(pool, w, ctx, settings, memory_limit_mb)
                elif not w.process.is_alive():
                    result = _lost(w.unit, "工作进程异常退出（可能内存不足或被系统终止）", "crashed")
                    results.append(result)
                    if progress:
                        progress(result)
                    _replace(pool, w, ctx, settings, memory_limit_mb)
    finally:
        for w in pool:
            if w.process.is_alive():
                try:
                    w.conn.send(None)
                except (OSError, BrokenPipeError):
                    pass
        for w in pool:
            w.process.join(timeout=10)
            if w.process.is_alive():
                w.kill()
    return results


def _lost(unit: Unit, reason: str, code: str) -> UnitResult:
    return UnitResult(unit=unit.name, source=unit.source, status="failed", reason=reason, code=code)


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

def run_batch(inputs: list[str], out: str | Path, *, workers: int = 2, timeout: int = DEFAULT_TIMEOUT,
              resume: bool = False, scheduler: str | None = None, extra_tolerance: str = "0",
              show_progress: bool = True, memory_limit_mb: int | None = None,
              summary: bool = True, review_dir: str | None = None) -> BatchReport:
    """Audit every unit named by ``inputs`` into ``out``; returns the per-unit results."""
    from juesuan.run.batch_outputs import write_batch_outputs

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = BatchReport(started=time.strftime("%Y-%m-%dT%H:%M:%S"), workers=workers,
                         scheduler=scheduler or "local-processes")
    clean_partials(out)
    units, missing = discover(inputs)
    for item in missing:
        report.results.append(UnitResult(unit=unit_folder_name(item), source=item, status="failed",
                                         reason="文件或文件夹不存在", code="not_found"))
    units = [fingerprint(u) for u in units]
    todo: list[Unit] = []
    for unit in units:
        settings_review = BatchSettings(out=str(out), review_dir=review_dir)
        if resume and is_complete(unit, out) and _review_unchanged(unit, out, settings_review):
            report.results.append(_skipped(unit, out))
        else:
            todo.append(unit)
    settings = BatchSettings(out=str(out), timeout=timeout, extra_tolerance=extra_tolerance,
                             memory_limit_mb=memory_limit_mb, review_dir=review_dir)
    bar = _progress_bar(len(todo), show_progress)

    tally = {"ok": 0, "failed": 0}

    def progress(result: UnitResult) -> None:
        tally[result.status] = tally.get(result.status, 0) + 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"完成 {tally['ok']} 失败 {tally['failed']}", refresh=False)

    try:
        if todo:
            if scheduler:
                report.results.extend(run_dask(todo, settings, workers, scheduler, progress))
            else:
                report.results.extend(run_local(todo, settings, workers, progress, memory_limit_mb))
    finally:
        if bar is not None:
            bar.close()
    order = {u.name: i for i, u in enumerate(units)}
    report.results.sort(key=lambda r: (order.get(r.unit, -1), r.unit))
    report.seconds = round(time.perf_counter() - started, 3)
    write_batch_outputs(report, out, summary=summary)
    return report


def _skipped(unit: Unit, out: Path) -> UnitResult:
    manifest = json.loads((out / unit.name / MANIFEST).read_text(encoding="utf-8"))
    findings = json.loads((out / unit.name / "findings.json").read_text(encoding="utf-8"))
    return UnitResult(unit=unit.name, source=unit.source, status="skipped", reason="输出完整且输入未变，跳过",
                      errors=manifest.get("errors", 0), warnings=manifest.get("warnings", 0),
                      notes=manifest.get("notes", 0), seconds=0.0, unit_name=findings.get("unit") or "",
                      year=findings.get("year"), dismissed=manifest.get("dismissed", 0), stale=manifest.get("stale", 0),
                      review_by_status=manifest.get("review_by_status", {}))


def _review_digest(unit: Unit, settings: BatchSettings) -> str:
    """What the auditor's review of this unit says now (see juesuan.present.review.digest)."""
    from juesuan.present.review import digest

    return digest(unit.source, review_dir=settings.review_dir, unit=unit.name, out=settings.out)


def _review_unchanged(unit: Unit, out: Path, settings: BatchSettings) -> bool:
    try:
        manifest = json.loads((out / unit.name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("review_digest", "") == _review_digest(unit, settings)


def _progress_bar(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="个单位", desc="审核", file=sys.stderr, dynamic_ncols=True,
                bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {elapsed}<{remaining} {postfix}")

