"""Shared fixtures: no network but loopback, one local Elasticsearch node per test session."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"network access blocked in tests: {address}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach beyond this machine (pySigma would otherwise fetch ATT&CK data)."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


def start_or_skip(node):  # type: ignore[no-untyped-def]
    """node.up(); a machine without Java skips the test outside CI, and fails it in CI."""
    from strascico.errors import NodeError

    try:
        return node.up()
    except NodeError as exc:
        if IN_CI:
            pytest.fail(f"the local Elasticsearch node must start in CI: {exc}")
        pytest.skip(f"no local Elasticsearch node: {exc}")


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """URL of a real local Elasticsearch node, started once for the session by our own code.

    Outside CI, a machine without Java skips the node tests with the reason; in CI a node that
    cannot start fails them.
    """
    from strascico.es.node import LocalNode

    node = LocalNode(name=f"pytest-{os.getpid()}")
    state = start_or_skip(node)
    try:
        yield state.url
    finally:
        node.down()


@pytest.fixture(scope="session")
def es_client(es_url: str):  # type: ignore[no-untyped-def]
    from strascico.es.connection import ClusterSettings

    return ClusterSettings(es_url).client()


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `strascico` entry point in a subprocess."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "strascico", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=timeout)
