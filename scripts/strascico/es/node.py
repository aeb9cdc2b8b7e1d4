"""A throwaway single-node Elasticsearch on loopback: `strascico es up | status | down`.

Security is off because the node listens on 127.0.0.1 only and holds test data; it is never
used for anything else. Elasticsearch refuses to run as root, so as root the node runs as
an unprivileged system user created once.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import NodeError
from .distribution import DEFAULT_VERSION, ensure_zip, unpack
from .java import find_java_home
from .paths import nodes_dir

NODE_USER = "strascico-es"
READY_TIMEOUT_S = 240.0


@dataclass
class NodeState:
    """What `es up` recorded about a running node."""

    url: str
    pid: int
    version: str
    home: str
    java_home: str
    started_at: float


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    """Whether anything of the node started as `pid` still runs: the process group it leads
    (started with start_new_session). `pid` is a wrapper (runuser, then Elasticsearch's
    launcher); when it died alone, the server JVM lived on while `es status` said "not
    running" and `es down` left it behind."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _group_has_running(pid)


def _group_has_running(group: int) -> bool:
    """A member of the process group that is not a zombie (an orphan init has not reaped yet
    would otherwise keep a dead node "alive"); without /proc, the group's existence."""
    return bool(group_pids(group)) if Path("/proc").is_dir() else True


def group_pids(group: int) -> list[int]:
    """Processes of a process group that are not zombies, from /proc ([] without it)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp ...
        if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _health(url: str, timeout: float = 2.0) -> str | None:
    """Cluster health status ('green'/'yellow'/'red') or None when not answering."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=timeout) as response:  # noqa: S310 (loopback)
            return str(json.load(response).get("status"))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _ensure_node_user() -> str:
    """The unprivileged user the node runs as when we are root (created once)."""
    try:
        pwd.getpwnam(NODE_USER)
    except KeyError:
        result = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NODE_USER],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0 and "already exists" not in result.stderr:
            raise NodeError(f"cannot create user {NODE_USER} to run Elasticsearch: {result.stderr.strip()}")
    return NODE_USER


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


class LocalNode:
    """One named local node; its folder holds the unpacked distribution, data and logs."""

    def __init__(self, name: str = "default", version: str = DEFAULT_VERSION, heap: str = "512m"):
        self.name = name
        self.version = version
        self.heap = heap
        self.folder = nodes_dir() / name
        self.state_file = self.folder / "state.json"

    def status(self) -> NodeState | None:
        """The running node's state, or None (stale state of a dead node is removed)."""
        if not self.state_file.exists():
            return None
        try:
            state = NodeState(**json.loads(self.state_file.read_text()))
        except (ValueError, TypeError):
            return None
        if not _alive(state.pid):
            return None
        return state

    def healthy(self, state: NodeState) -> bool:
        return _health(state.url) in ("green", "yellow")

    def up(self, timeout: float = READY_TIMEOUT_S) -> NodeState:
        """Start the node unless it already runs; return once it answers health checks."""
        current = self.status()
        if current is not None and self.healthy(current):
            return current
        if current is not None:
            self.down()
        java_home = find_java_home(self.version)
        archive = ensure_zip(self.version)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.folder.parent.chmod(0o755)
        home = unpack(archive, self.folder)
        port, transport = free_port(), free_port()
        url = f"http://127.0.0.1:{port}"
        command = self._command(home, port, transport)
        env = {**os.environ, "ES_JAVA_HOME": str(java_home), "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}"}
        env.pop("JAVA_TOOL_OPTIONS", None)
        if os.geteuid() == 0:
            user = _ensure_node_user()
            _chown_tree(self.folder, user)
            command = ["runuser", "-u", user, "--", *command]
        console = (self.folder / "console.log").open("wb")
        process = subprocess.Popen(command, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=home, start_new_session=True)
        state = NodeState(url, process.pid, self.version, str(home), str(java_home), time.time())
        self.state_file.write_text(json.dumps(asdict(state)))
        self._wait_ready(process, state, timeout)
        return state

    def _command(self, home: Path, port: int, transport: int) -> list[str]:
        settings = {
            "discovery.type": "single-node",
            "network.host": "127.0.0.1",
            "http.port": port,
            "transport.port": transport,
            "xpack.security.enabled": "false",
            "cluster.name": f"strascico-{self.name}",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.destructive_requires_name": "false",
        }
        return [str(home / "bin" / "elasticsearch"), *(f"-E{k}={v}" for k, v in settings.items())]

    def _wait_ready(self, process: subprocess.Popen, state: NodeState, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = self.log_tail()
                self.down()
                raise NodeError(f"Elasticsearch exited with code {process.returncode} while starting: {tail}")
            if self.healthy(state):
                return
            time.sleep(1.0)
        tail = self.log_tail()
        self.down()
        raise NodeError(f"Elasticsearch did not become ready within {timeout:.0f} s: {tail}")

    def log_tail(self, lines: int = 3) -> str:
        """Last meaningful lines of the node's console output, for error messages."""
        log = self.folder / "console.log"
        if not log.exists():
            return "(no output)"
        text = log.read_text(errors="replace").strip().splitlines()
        return " | ".join(line.strip()[:300] for line in text[-lines:]) or "(no output)"

    def down(self) -> bool:
        """Stop the node and delete its folder (data, logs); True if one was running."""
        state = None
        if self.state_file.exists():
            try:
                state = NodeState(**json.loads(self.state_file.read_text()))
            except (ValueError, TypeError):
                state = None
        was_running = state is not None and _alive(state.pid)
        if state is not None and was_running:
            self._terminate(state.pid)
        shutil.rmtree(self.folder, ignore_errors=True)
        return was_running

    @staticmethod
    def _terminate(pid: int, grace: float = 30.0) -> None:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            _reap(pid)
            time.sleep(0.3)
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap(pid)


def _reap(pid: int) -> None:
    """Collect the exit status when the node is our own child (avoids a zombie group)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
