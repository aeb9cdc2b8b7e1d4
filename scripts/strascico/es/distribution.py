"""The official Elasticsearch distribution: fetched once through Maven, cached, unpacked on demand.

Elastic publishes the minimal `integ-test-zip` distribution (core server, no bundled JDK,
no ingest processors, painless, ES|QL or EQL) to Maven Central; `mvn` is how this
machine reaches it, and it works anywhere Maven does.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

from ..errors import NodeError
from .paths import cache_dir

# Newest 8.x served here; runs on Java 17 (9.x needs Java 21+). See README "Local node".
DEFAULT_VERSION = "8.19.21"
ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"


def zip_path(version: str) -> Path:
    return cache_dir() / "elasticsearch" / f"elasticsearch-{version}.zip"


def ensure_zip(version: str = DEFAULT_VERSION) -> Path:
    """The distribution zip, downloaded with Maven the first time only."""
    target = zip_path(version)
    if target.exists():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeError(f"Elasticsearch {version} is not cached at {target} and Maven (mvn) is not installed "
                        "to fetch it; install Maven or place the zip there")
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT.format(version=version)}",
               f"-DoutputDirectory={target.parent}", "-Dmdep.overWriteReleases=true"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=target.parent, check=False)
    if result.returncode != 0 or not target.exists():
        detail = (result.stdout + result.stderr).strip().splitlines()
        raise NodeError(f"could not fetch Elasticsearch {version} with Maven: "
                        f"{detail[-1] if detail else 'mvn exited ' + str(result.returncode)}")
    return target


def unpack(zip_file: Path, destination: Path) -> Path:
    """Unpack the zip (keeping the executable bits zipfile would drop); returns ES home."""
    with zipfile.ZipFile(zip_file) as archive:
        root = archive.namelist()[0].split("/")[0]
        for info in archive.infolist():
            extracted = Path(archive.extract(info, destination))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                extracted.chmod(mode | stat.S_IRUSR)
    return destination / root
