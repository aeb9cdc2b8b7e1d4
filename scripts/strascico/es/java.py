"""Finding a Java runtime that the chosen Elasticsearch version runs on."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..errors import NodeError

JVM_ROOT = Path("/usr/lib/jvm")


def required_java(es_version: str) -> int:
    """8.x runs on Java 17; 9.x needs 21 or newer."""
    return 21 if int(es_version.split(".")[0]) >= 9 else 17


def java_version(java_home: Path) -> int | None:
    """Major version of the JDK at `java_home`, or None if there is no working java there."""
    java = java_home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java_home(es_version: str) -> Path:
    """A JDK home new enough for `es_version`: ES_JAVA_HOME, JAVA_HOME, else the oldest
    adequate JDK under /usr/lib/jvm (the one closest to what the version was tested on)."""
    need = required_java(es_version)
    for env in ("ES_JAVA_HOME", "JAVA_HOME"):
        if (home := os.environ.get(env)) and (java_version(Path(home)) or 0) >= need:
            return Path(home)
    if JVM_ROOT.is_dir():
        installed = [(java_version(p), p) for p in sorted(JVM_ROOT.iterdir()) if p.is_dir() and not p.is_symlink()]
        adequate = sorted((v, p) for v, p in installed if v is not None and v >= need)
        if adequate:
            return adequate[0][1]
    raise NodeError(f"Elasticsearch {es_version} needs Java {need}+; none found in ES_JAVA_HOME, "
                    f"JAVA_HOME or {JVM_ROOT} (install e.g. openjdk-17-jre-headless)")
