"""Where strascico keeps downloads (cache) and running-node state, per user."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Downloads, kept across runs: $STRASCICO_CACHE_DIR, else $XDG_CACHE_HOME/strascico."""
    if env := os.environ.get("STRASCICO_CACHE_DIR"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "strascico"


def nodes_dir() -> Path:
    """Working folders of local nodes: $STRASCICO_NODE_DIR, else a per-user folder in /var/tmp.

    Not under the home folder: as root, the node runs as an unprivileged user that cannot
    enter /root.
    """
    if env := os.environ.get("STRASCICO_NODE_DIR"):
        return Path(env)
    return Path("/var/tmp") / f"strascico-nodes-{os.getuid()}"
