"""`strascico deploy elastalert` end to end: real ElastAlert2 over a simulated flood, real node.

ElastAlert2 2.19.0 pins elasticsearch==7.10.1, so it lives in its own virtualenv (created once,
cached under ~/.cache/strascico) and runs as a separate process.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from strascico.es.bulk import bulk_index
from strascico.es.paths import cache_dir
from strascico.replay.runner import ScratchPrefix, new_test_prefix

from .conftest import IN_CI, run_cli

# 2.19.0 imports pytz without declaring it (APScheduler no longer brings it along).
ELASTALERT = ("elastalert2==2.19.0", "pytz")
FLOOD_CALLER = "+2348031234567"
START = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
PYPI_DOWN = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "ProxyError",
)

# ElastAlert2's own rule execution (what its scheduler calls each run_every), run once. Its CLI
# cannot do a single past window: with --end in the past it exits before the first run.
RUN_ONCE = """
import sys
from elastalert.elastalert import ElastAlerter
from elastalert.util import ts_to_dt
config, start, end = sys.argv[1:4]
ea = ElastAlerter(["--config", config, "--start", start, "--end", end, "--verbose", "--pin_rules"])
for rule in ea.rules:
    rule["initial_starttime"] = ts_to_dt(start)
ea.run_all_rules()
print(len(ea.rules), "rules run")
"""


class VersionShimForTestsOnly:
    """TEST-ONLY loopback proxy in front of the throwaway local node; never for a real cluster.

    The minimal Elasticsearch distribution answers 405 to `GET /` (no rest-root module), and
    ElastAlert2 reads the cluster version from `GET /`. This shim answers `GET /` from
    `/_nodes/_local` and forwards every other request to the node unchanged.
    """

    def __init__(self, node_url: str):
        self.node = urlparse(node_url)
        self.server: ThreadingHTTPServer | None = None
        self.url = ""

    def _upstream(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.node.hostname, self.node.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def _root(self) -> bytes:
        _, _, raw = self._upstream(
            "GET", "/_nodes/_local?filter_path=nodes.*.version,nodes.*.name", None, {}
        )
        node = next(iter(json.loads(raw)["nodes"].values()))
        return json.dumps(
            {
                "name": node["name"],
                "cluster_name": "strascico-test-node",
                "tagline": "You Know, for Search",
                "version": {"number": node["version"], "build_flavor": "default"},
            }
        ).encode()

    def start(self) -> VersionShimForTestsOnly:
        shim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command in ("GET", "HEAD") and self.path == "/":
                    status, headers, payload = (
                        200,
                        [("Content-Type", "application/json")],
                        shim._root(),
                    )
                else:
                    forwarded = {
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() not in ("host", "connection")
                    }
                    status, headers, payload = shim._upstream(
                        self.command, self.path, body, forwarded
                    )
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def elastalert_venv() -> Path:
    """A virtualenv with ElastAlert2, made once and cached (a lock file guards concurrent runs)."""
    venv = cache_dir() / "elastalert-venv"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "elastalert-venv.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        ready = venv / "strascico-ready"
        if ready.exists() and ready.read_text() == " ".join(ELASTALERT):
            return venv
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True
        )
        pip = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *ELASTALERT,
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if pip.returncode != 0:
            why = pip.stderr.strip().splitlines()[-1:] or ["pip failed"]
            if not IN_CI and any(marker in pip.stderr for marker in PYPI_DOWN):
                pytest.skip(f"PyPI unreachable, cannot install {ELASTALERT[0]}: {why[0]}")
            pytest.fail(f"cannot install {ELASTALERT[0]}: {pip.stderr[-2000:]}")
        ready.write_text(" ".join(ELASTALERT))
    return venv


def flood_events() -> list[dict[str, Any]]:
    """A Nigerian number calls six employees within the hour, an Indian one two; one local call."""

    def call(minute: int, caller: str, country: str, iso: str, callee: int) -> dict[str, Any]:
        return {
            "@timestamp": (START + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"),
            "event.id": f"e2e-{minute}-{callee}",
            "event.dataset": "telephony.cdr",
            "event.action": "call-cancelled",
            "network.direction": "inbound",
            "telephony.channel": "voice",
            "telephony.call.id": f"cdr-e2e-{minute}",
            "telephony.call.disposition": "cancelled",
            "telephony.call.ring_duration": 2.0,
            "telephony.call.talk_duration": 0.0,
            "telephony.local_hour": 11,
            "telephony.caller.number": caller,
            "telephony.caller.country_code": country,
            "telephony.caller.country_iso": iso,
            "telephony.caller.number_type": "mobile",
            "telephony.callee.number": f"+39333100000{callee}",
            "telephony.callee.country_code": "39",
            "telephony.callee.country_iso": "IT",
            "telephony.callee.number_type": "mobile",
        }

    flood = [call(7 * i, FLOOD_CALLER, "234", "NG", i + 1) for i in range(6)]
    other = [call(3, "+919812345678", "91", "IN", 1), call(9, "+919812345678", "91", "IN", 2)]
    local = [call(12, "+390212345678", "39", "IT", 3)]
    return flood + other + local


@pytest.fixture
def scratch(es_client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    area = ScratchPrefix(es_client, new_test_prefix())
    area.install()
    try:
        yield area.prefix
    finally:
        area.remove()


@pytest.fixture
def shim(es_url: str) -> Iterator[VersionShimForTestsOnly]:
    proxy = VersionShimForTestsOnly(es_url).start()
    yield proxy
    proxy.stop()


def test_deploy_elastalert_writes_a_config_without_secrets_and_a_rule_per_convertible_rule(
    tmp_path: Path,
) -> None:
    out = tmp_path / "ea"
    result = run_cli(
        "deploy",
        "elastalert",
        "--es-url",
        "https://es.example.org:9243/prefix",
        "-o",
        str(out),
        "--alert",
        "email",
        "--json",
        env={"ES_API_KEY": "never-written-key", "ES_USERNAME": ""},
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config | {"run_every": None, "buffer_time": None, "alert_time_limit": None} == {
        "es_host": "es.example.org",
        "es_port": 9243,
        "es_url_prefix": "prefix",
        "use_ssl": True,
        "verify_certs": True,
        "writeback_index": "elastalert_status",
        "rules_folder": "rules",
        "run_every": None,
        "buffer_time": None,
        "alert_time_limit": None,
    }
    written = json.loads(result.stdout)
    everything = (
        result.stdout + result.stderr + "".join(Path(p).read_text() for p in written["rules"])
    )
    assert "never-written-key" not in everything + (out / "config.yaml").read_text()
    rules = {Path(p).stem: yaml.safe_load(Path(p).read_text()) for p in written["rules"]}
    assert all(r["alert"] for r in rules.values())
    assert rules["telephony_inbound_foreign_call"]["alert"] == ["email"]
    caller = rules["corr_flood_caller_hits_many_employees"]
    assert (caller["type"], caller["max_cardinality"], caller["query_key"]) == (
        "cardinality",
        4,
        ["telephony.caller.number"],
    )
    assert len(written["skipped"]) >= 1  # temporal_ordered has no ElastAlert2 form, and says so
    assert all("no ElastAlert2 rule" in line for line in result.stderr.splitlines()[:-1])


def test_elastalert2_alerts_on_a_simulated_flood_with_the_deployed_rules(
    es_client, shim: VersionShimForTestsOnly, scratch: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    venv = elastalert_venv()
    venv_s = time.monotonic() - started

    indexed = bulk_index(
        es_client, [(f"{scratch}-telephony-e2e", e) for e in flood_events()], refresh=True
    )
    assert (indexed.indexed, indexed.failures) == (len(flood_events()), [])

    out = tmp_path / "elastalert"
    writeback = f"{scratch}-elastalert_status"
    deployed = run_cli(
        "deploy",
        "elastalert",
        "--es-url",
        shim.url,
        "--index-prefix",
        scratch,
        "--writeback-index",
        writeback,
        "-o",
        str(out),
    )
    assert deployed.returncode == 0, deployed.stderr

    created = subprocess.run(
        [str(venv / "bin" / "elastalert-create-index"), "--config", "config.yaml"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    run_started = time.monotonic()
    end = START + timedelta(hours=1)
    ran = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            RUN_ONCE,
            "config.yaml",
            START.strftime("%Y-%m-%dT%H:%M:%S"),
            end.strftime("%Y-%m-%dT%H:%M:%S"),
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    run_s = time.monotonic() - run_started

    es_client.indices.refresh(index=f"{writeback}*")
    alerts = [
        hit["_source"]
        for hit in es_client.search(
            index=writeback, query={"term": {"alert_sent": True}}, size=100
        )["hits"]["hits"]
    ]
    by_rule: dict[str, list[dict]] = {}
    for alert in alerts:
        by_rule.setdefault(alert["rule_name"], []).append(alert)
    print(
        f"\nElastAlert2: venv {venv_s:.1f} s, run {run_s:.1f} s, {len(alerts)} alerts: "
        f"{ {name: len(a) for name, a in by_rule.items()} }"
    )
    assert "Inbound Call From A Foreign Number" in by_rule  # the base rule
    cardinality = by_rule.get("One Foreign Number Reaches Many Employees", [])
    assert cardinality, (
        f"no cardinality alert; rules that alerted: {sorted(by_rule)}\n{ran.stderr[-3000:]}"
    )
    assert {a["match_body"]["telephony.caller.number"] for a in cardinality} == {FLOOD_CALLER}
    errors = es_client.search(index=f"{writeback}_error", size=10, ignore_unavailable=True)["hits"][
        "hits"
    ]
    assert errors == [], [e["_source"].get("message") for e in errors]
