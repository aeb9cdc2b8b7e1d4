"""A throwaway multi-node Elasticsearch cluster on loopback: `strascico es up --nodes N`.

N real nodes of one distribution, unpacked once and run with their own config, data and log
folders, distinct HTTP and transport ports, discovering each other through
`discovery.seed_hosts` and electing a master among `cluster.initial_master_nodes`. Once formed,
the `strascico-layout` component template gives every strascico index several primaries and a
replica (templates.LAYOUT_COMPONENT), so losing one node loses no data.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import NodeError
from .distribution import DEFAULT_VERSION, ensure_zip, unpack
from .java import find_java_home
from .node import READY_TIMEOUT_S, LocalNode, _alive, _chown_tree, _ensure_node_user, _reap, free_port
from .paths import nodes_dir
from .templates import LAYOUT_COMPONENT, layout_component

MAX_PRIMARIES = 3  # enough to spread every index over a small cluster; more only costs heap


@dataclass
class MemberState:
    """One node of the cluster: where it listens and which process it is."""

    name: str
    url: str
    transport_port: int
    pid: int


@dataclass
class ClusterState:
    """What `es up --nodes N` recorded about a running cluster."""

    name: str
    version: str
    home: str
    java_home: str
    started_at: float
    members: list[MemberState] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [m.url for m in self.members]


def _get(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return dict(json.load(response))
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _put(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310 (loopback)
            pass
    except (urllib.error.URLError, OSError) as exc:
        raise NodeError(f"cannot install {url.rsplit('/', 1)[-1]} on the new cluster: {exc}") from None


class LocalCluster:
    """N local nodes forming one cluster; its folder holds the distribution and one folder per node."""

    def __init__(self, name: str = "default", nodes: int = 3, version: str = DEFAULT_VERSION, heap: str = "512m"):
        if nodes < 2:
            raise NodeError("a cluster has at least 2 nodes (one node: LocalNode)")
        self.name = name
        self.size = nodes
        self.version = version
        self.heap = heap
        self.folder = nodes_dir() / name
        self.state_file = self.folder / "cluster.json"

    # --- state -------------------------------------------------------------------------------
    def recorded(self) -> ClusterState | None:
        """The state written by `up`, whether or not its processes still run."""
        if not self.state_file.exists():
            return None
        try:
            raw = json.loads(self.state_file.read_text())
            members = [MemberState(**m) for m in raw.pop("members")]
            return ClusterState(**raw, members=members)
        except (ValueError, TypeError, KeyError):
            return None

    def status(self) -> ClusterState | None:
        """The running cluster's state (some members may be down), or None when none runs."""
        state = self.recorded()
        if state is None or not any(_alive(m.pid) for m in state.members):
            return None
        return state

    def member_health(self, member: MemberState) -> dict | None:
        """This node's view of the cluster: status and node count, or None when it does not answer."""
        if not _alive(member.pid):
            return None
        return _get(f"{member.url}/_cluster/health?filter_path=status,number_of_nodes")

    def healthy(self, state: ClusterState) -> bool:
        """Every member answers and sees all the others."""
        for member in state.members:
            health = self.member_health(member)
            if not health or health.get("number_of_nodes") != len(state.members) or health.get("status") == "red":
                return False
        return True

    # --- lifecycle ---------------------------------------------------------------------------
    def up(self, timeout: float = READY_TIMEOUT_S) -> ClusterState:
        """Start the cluster unless it already runs whole; return once every node has joined."""
        current = self.status()
        if current is not None and len(current.members) == self.size and self.healthy(current):
            return current
        if LocalNode(self.name).status() is not None:
            raise NodeError(f"a single local node {self.name!r} is running; stop it first (strascico es down)")
        self.down()
        java_home = find_java_home(self.version)
        archive = ensure_zip(self.version)
        self.folder.mkdir(parents=True)
        self.folder.parent.chmod(0o755)
        home = unpack(archive, self.folder)
        names = [f"{self.name}-{i}" for i in range(self.size)]
        members = [MemberState(name, f"http://127.0.0.1:{free_port()}", free_port(), 0) for name in names]
        state = ClusterState(self.name, self.version, str(home), str(java_home), time.time(), members)
        for member in members:
            node_dir = self.folder / member.name
            shutil.copytree(home / "config", node_dir / "config")
            (node_dir / "data").mkdir()
            (node_dir / "logs").mkdir()
        if os.geteuid() == 0:
            _chown_tree(self.folder, _ensure_node_user())
        for i in range(self.size):
            self._start(state, i)
        try:
            self._wait(state, self.size, timeout)
            _put(f"{members[0].url}/_component_template/{LAYOUT_COMPONENT}",
                 layout_component(min(self.size, MAX_PRIMARIES), 1))
        except BaseException:
            self.down()
            raise
        return state

    def _write(self, state: ClusterState) -> None:
        data = asdict(state)
        self.state_file.write_text(json.dumps(data))

    def _start(self, state: ClusterState, i: int) -> None:
        member = state.members[i]
        node_dir = self.folder / member.name
        settings = {
            "cluster.name": f"strascico-{self.name}",
            "node.name": member.name,
            "network.host": "127.0.0.1",
            "http.port": member.url.rsplit(":", 1)[1],
            "transport.port": member.transport_port,
            "discovery.seed_hosts": ",".join(f"127.0.0.1:{m.transport_port}" for m in state.members),
            "cluster.initial_master_nodes": ",".join(m.name for m in state.members),
            "path.data": node_dir / "data",
            "path.logs": node_dir / "logs",
            "xpack.security.enabled": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.destructive_requires_name": "false",
        }
        command = [str(Path(state.home) / "bin" / "elasticsearch"), *(f"-E{k}={v}" for k, v in settings.items())]
        env = {**os.environ, "ES_JAVA_HOME": state.java_home, "ES_PATH_CONF": str(node_dir / "config"),
               "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}"}
        env.pop("JAVA_TOOL_OPTIONS", None)
        if os.geteuid() == 0:
            command = ["runuser", "-u", _ensure_node_user(), "--", *command]
        with (node_dir / "console.log").open("ab") as console:
            process = subprocess.Popen(command, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env, cwd=state.home, start_new_session=True)
        member.pid = process.pid
        self._write(state)

    def _wait(self, state: ClusterState, nodes: int, timeout: float, red_ok: bool = False) -> None:
        """Until the live members see `nodes` nodes and (unless `red_ok`) no primary is unassigned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            live = [m for m in state.members if _alive(m.pid)]
            if len(live) < nodes:
                dead = next(m for m in state.members if not _alive(m.pid))
                raise NodeError(f"Elasticsearch node {dead.name} exited while the cluster formed: "
                                f"{self.log_tail(dead)}")
            views = [self.member_health(m) for m in live]
            wanted = ("green", "yellow", "red") if red_ok else ("green", "yellow")
            if all(v and v.get("number_of_nodes") == nodes and v.get("status") in wanted for v in views):
                return
            time.sleep(1.0)
        raise NodeError(f"the {nodes}-node cluster did not form within {timeout:.0f} s: "
                        f"{self.log_tail(state.members[0])}")

    def log_tail(self, member: MemberState, lines: int = 3) -> str:
        log = self.folder / member.name / "console.log"
        if not log.exists():
            return "(no output)"
        text = log.read_text(errors="replace").strip().splitlines()
        return " | ".join(line.strip()[:300] for line in text[-lines:]) or "(no output)"

    def kill(self, i: int) -> None:
        """SIGKILL one node (a crash, not a shutdown) and wait until the others have noticed."""
        state = self._require()
        member = state.members[i]
        try:
            os.killpg(member.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while _alive(member.pid):
            _reap(member.pid)
            time.sleep(0.05)
        survivors = [m for m in state.members if _alive(m.pid)]
        if survivors:  # red is what losing an unreplicated primary looks like
            self._wait(state, len(survivors), READY_TIMEOUT_S, red_ok=True)

    def restart(self, i: int, timeout: float = READY_TIMEOUT_S) -> None:
        """Start a killed node again on its data and ports; return once it has rejoined."""
        state = self._require()
        if not _alive(state.members[i].pid):
            self._start(state, i)
        self._wait(state, len(state.members), timeout)

    def _require(self) -> ClusterState:
        state = self.recorded()
        if state is None:
            raise NodeError(f"no local cluster {self.name!r} is running")
        return state

    def down(self) -> bool:
        """Stop every node and delete the folder; True if any was running."""
        state = self.recorded()
        running = [m for m in state.members if _alive(m.pid)] if state else []
        for member in running:  # all asked to stop first, then waited for: shutdowns overlap
            try:
                os.killpg(member.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for member in running:
            LocalNode._terminate(member.pid)
        shutil.rmtree(self.folder, ignore_errors=True)
        return bool(running)
