"""The real node: templates (strict, case-insensitive subfields), bulk guarantees, error lines."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator

import pytest
from elasticsearch import Elasticsearch

from strascico.deploy.templates import apply_templates, plan_templates
from strascico.es.bulk import bulk_index
from strascico.es.templates import build_templates
from strascico.replay.runner import ScratchPrefix

from .conftest import run_cli
from .loopback import RelayHandler


@pytest.fixture
def area(es_client: Elasticsearch) -> Iterator[ScratchPrefix]:
    prefix = ScratchPrefix(es_client, "strascico-unit")
    prefix.install()
    yield prefix
    prefix.remove()


def _hits(client: Elasticsearch, index: str, query: str) -> int:
    client.indices.refresh(index=index)
    response = client.search(index=index, query={"query_string": {"query": query}}, track_total_hits=True)
    return int(response["hits"]["total"]["value"])


def test_lower_subfield_matches_mixed_case_data_and_the_exact_field_keeps_case(
        es_client: Elasticsearch, area: ScratchPrefix) -> None:
    index = "strascico-unit-messaging-case"
    report = bulk_index(es_client, [
        (index, {"@timestamp": "2025-01-14T02:00:00Z", "telephony.message.text": "SALVE, Posso PARLARLE un attimo?",
                 "telephony.call.disposition": "ANSWERED", "telephony.caller.name": "Acme"}),
    ])
    assert report.indexed == 1 and not report.failures
    assert _hits(es_client, index, r"telephony.message.text.lower:*posso\ parlarle*") == 1
    assert _hits(es_client, index, "telephony.call.disposition.lower:answered") == 1
    assert _hits(es_client, index, "telephony.call.disposition:answered") == 0  # raw keyword: case-sensitive
    assert _hits(es_client, index, "telephony.caller.name:Acme") == 1  # |cased goes here
    assert _hits(es_client, index, "telephony.caller.name:acme") == 0
    assert _hits(es_client, index, "telephony.message.text.keyword:*Posso*") == 1


def test_strict_mapping_refuses_unknown_fields_and_bulk_reports_why(es_client: Elasticsearch, area: ScratchPrefix) -> None:
    index = "strascico-unit-telephony-strict"
    report = bulk_index(es_client, [
        (index, {"@timestamp": "2025-01-14T02:00:00Z", "telephony.caller.number": "+2348031234567"}),
        (index, {"@timestamp": "2025-01-14T02:00:00Z", "telephony.caller.numbr": "+2348031234567"}),
        (index, {"@timestamp": "not a date"}),
    ])
    assert (report.sent, report.indexed) == (3, 1)
    assert [f.position for f in report.failures] == [1, 2]
    assert "strict_dynamic_mapping_exception" in report.failures[0].reason
    assert "numbr" in report.failures[0].reason
    assert "date" in report.failures[1].reason


def test_templates_cover_every_logsource_with_explicit_types() -> None:
    templates = build_templates("p")
    assert set(templates.index_templates) == {f"p-{c}" for c in (
        "authentication", "database", "messaging", "process_creation", "telephony", "user_report", "webserver")}
    telephony = templates.component_templates["p-fields-telephony"]["template"]["mappings"]
    assert telephony["dynamic"] == "strict"
    call = telephony["properties"]["telephony"]["properties"]["call"]["properties"]
    assert call["ring_duration"] == {"type": "float"}
    assert call["disposition"]["fields"]["lower"]["normalizer"] == "strascico_lowercase"


def test_deploy_templates_is_idempotent_and_dry_run_changes_nothing(es_client: Elasticsearch, es_url: str) -> None:
    prefix = "strascico-deploytest"
    try:
        dry = run_cli("deploy", "templates", "--es-url", es_url, "--index-prefix", prefix, "--dry-run", "--json")
        assert dry.returncode == 0, dry.stderr
        import json

        plan = json.loads(dry.stdout)
        assert {i["action"] for i in plan["plan"]} == {"add"} and plan["applied"] == []
        assert not es_client.indices.exists_index_template(name=f"{prefix}-telephony")

        first = json.loads(run_cli("deploy", "templates", "--es-url", es_url, "--index-prefix", prefix, "--json").stdout)
        assert len(first["applied"]) == len(first["plan"]) == 14
        second = json.loads(run_cli("deploy", "templates", "--es-url", es_url, "--index-prefix", prefix, "--json").stdout)
        assert second["applied"] == [] and {i["action"] for i in second["plan"]} == {"unchanged"}

        # a hand edit on the cluster is seen as a change and put back
        es_client.indices.put_index_template(name=f"{prefix}-telephony", index_patterns=[f"{prefix}-telephony-*"],
                                             priority=1, _meta={"strascico_hash": "edited"})
        items = plan_templates(es_client, prefix)
        assert [i.name for i in items if i.action == "change"] == [f"{prefix}-telephony"]
        assert [i.name for i in apply_templates(es_client, items)] == [f"{prefix}-telephony"]
    finally:
        ScratchPrefix(es_client, prefix).remove()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Answer401(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = b'{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-elastic-product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def unauthorized_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Answer401)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_node_down_is_one_line_exit_2() -> None:
    result = run_cli("deploy", "templates", "--es-url", f"http://127.0.0.1:{_closed_port()}")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: http://127.0.0.1:")
    assert "cannot connect" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_credentials_are_one_line_and_the_secret_is_never_printed(unauthorized_url: str) -> None:
    result = run_cli("deploy", "templates", "--es-url", unauthorized_url,
                     env={"ES_USERNAME": "soc", "ES_PASSWORD": "hunter2-secret"})
    assert result.returncode == 2
    assert "authentication failed (401)" in result.stderr
    assert "hunter2-secret" not in result.stderr + result.stdout


def test_tls_to_a_plain_http_port_is_one_line(es_url: str) -> None:
    result = run_cli("deploy", "templates", "--es-url", es_url.replace("http://", "https://"))
    assert result.returncode == 2
    assert "TLS error" in result.stderr or "cannot connect" in result.stderr
    assert "Traceback" not in result.stderr


def test_timeout_is_one_line(silent_url: str) -> None:
    result = run_cli("deploy", "templates", "--es-url", silent_url, env={"ES_TIMEOUT": "1"}, timeout=60)
    assert result.returncode == 2
    assert "timed out after 1 s" in result.stderr


def test_api_key_from_a_file(tmp_path, unauthorized_url: str) -> None:  # type: ignore[no-untyped-def]
    key_file = tmp_path / "key"
    key_file.write_text("c2VjcmV0LWFwaS1rZXk=\n")
    result = run_cli("deploy", "templates", "--es-url", unauthorized_url, env={"ES_API_KEY_FILE": str(key_file)})
    assert result.returncode == 2 and "401" in result.stderr
    assert "c2VjcmV0LWFwaS1rZXk" not in result.stderr


class _ThrottlingProxy(RelayHandler):
    """Loopback proxy to the real node that answers the first N `_bulk` requests with 429/503."""

    def intercept(self, body: bytes | None) -> bool:
        if self.path.startswith("/_bulk") and self.server.throttle:  # type: ignore[attr-defined]
            status = self.server.throttle.pop(0)  # type: ignore[attr-defined]
            payload = b'{"error":{"type":"es_rejected_execution_exception","reason":"queue full"},"status":%d}' % status
            self._answer(status, payload, "application/json")
            return True
        return False


def test_bulk_retries_429_and_503_and_loses_nothing(es_client: Elasticsearch, es_url: str, area: ScratchPrefix) -> None:
    from strascico.es.connection import ClusterSettings

    server = HTTPServer(("127.0.0.1", 0), _ThrottlingProxy)
    server.upstream = es_url  # type: ignore[attr-defined]
    server.throttle = [429, 503]  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        proxied = ClusterSettings(f"http://127.0.0.1:{server.server_address[1]}").client()
        index = "strascico-unit-telephony-retry"
        docs = [(index, {"@timestamp": "2025-01-14T02:00:00Z", "event.id": f"r{i}"}) for i in range(25)]
        report = bulk_index(proxied, docs, batch_size=10)
    finally:
        server.shutdown()
    assert (report.sent, report.indexed, report.retries, report.failures) == (25, 25, 2, [])
    es_client.indices.refresh(index=index)
    assert es_client.count(index=index)["count"] == 25
