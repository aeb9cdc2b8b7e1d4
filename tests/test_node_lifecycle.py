"""A local node whose wrapper process died: `es status` still sees it and `es down` stops it.

The recorded pid is a wrapper (runuser as root, else Elasticsearch's launcher); the server JVM
is its child in the same process group. Once that wrapper died alone, status said "not
running" while the JVM lived and `es down` left it behind. Status and down now follow the
whole process group.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.request

from strascico.es.node import LocalNode, _group_has_running

from .conftest import start_or_skip


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback)
            return True
    except OSError:
        return False


def test_status_and_down_follow_the_node_when_its_wrapper_died() -> None:
    node = LocalNode(name=f"pytest-wrapper-{os.getpid()}")
    state = start_or_skip(node)
    try:
        os.kill(state.pid, signal.SIGKILL)  # the wrapper alone, not its group
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.waitpid(state.pid, os.WNOHANG)  # our child: reap it, or it stays a zombie
            except ChildProcessError:
                pass
            if not os.path.exists(f"/proc/{state.pid}"):
                break
            time.sleep(0.2)
        time.sleep(2)  # what the wrapper's death does to the rest has happened
        running = _group_has_running(state.pid)
        assert (node.status() is not None) == running  # never "not running" while part of it runs
    finally:
        stopped = node.down()
    assert not _group_has_running(state.pid), "es down left part of the node running"
    assert not _answers(state.url)
    assert stopped == running
