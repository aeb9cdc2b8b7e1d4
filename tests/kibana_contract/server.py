"""A fake Kibana on 127.0.0.1 that speaks the contract in schema.py — for tests only.

It validates every request (headers, query, body) against the contract, answers with Kibana's
status codes and error shapes, keeps rules in memory per space, and can be told to misbehave:
answer 429/503 a number of times, refuse credentials, or fail chosen rule_ids.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from . import schema as contract

RULES = "/api/detection_engine/rules"
_SPACE_PATH = re.compile(r"^/s/([a-z0-9_-]+)(/.*)$")
_TAG_FILTER = re.compile(r'^alert\.attributes\.tags:\s*"?([^"]+)"?$')
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Answer(Exception):
    """An HTTP answer other than 200, raised from deep inside a handler."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def platform_error(status: int, message: str) -> Answer:
    """Kibana's platform error shape: {statusCode, error, message}."""
    return Answer(status, {"statusCode": status, "error": _STATUS_TEXT[status], "message": message})


def siem_error(status: int, message: str) -> Answer:
    """The security solution's own error shape: {message, status_code}."""
    return Answer(status, {"message": message, "status_code": status})


@dataclass
class Request:
    """One request as the fake saw it (for assertions)."""

    method: str
    path: str
    space: str
    query: dict[str, list[str]]
    body: Any


@dataclass
class FakeKibana:
    """State and misbehaviour switches; `url` once started."""

    api_keys: set[str] = field(default_factory=lambda: {"test-api-key"})
    users: dict[str, str] = field(default_factory=lambda: {"deployer": "s3cret-pass"})
    spaces: set[str] = field(default_factory=lambda: {"default", "soc"})
    rules: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict
    )  # space → rule_id → rule
    requests: list[Request] = field(default_factory=list)
    dropped_keys: list[str] = field(default_factory=list)  # keys Kibana would silently drop
    transient: list[tuple[int, str | None]] = field(
        default_factory=list
    )  # next answers: (status, Retry-After)
    fail_rule_ids: dict[str, tuple[int, str]] = field(
        default_factory=dict
    )  # rule_id → (status, message)
    forbid_writes: bool = False
    broken_after_writes: int | None = None  # after this many writes, every write answers 503
    export_omits: set[str] = field(default_factory=set)  # rule_ids _export "cannot find"
    url: str = ""
    _writes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, certfile: str | None = None, keyfile: str | None = None) -> FakeKibana:
        """Serve on a free loopback port (https when given a certificate and key)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(
                    self.command, self.path, dict(self.headers), raw
                )
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # ---- helpers for tests -----------------------------------------------------------------
    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET" and not r.path.endswith("/_export")]

    def space_rules(self, space: str = "default") -> dict[str, dict[str, Any]]:
        return self.rules.setdefault(space, {})

    # ---- the API -----------------------------------------------------------------------------
    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any, dict]:
        url = urlparse(raw_path)
        space, path = "default", url.path
        if match := _SPACE_PATH.match(url.path):
            space, path = match.group(1), match.group(2)
        query = parse_qs(url.query)
        with self._lock:
            try:
                body = self._body(headers, raw)
                self.requests.append(Request(method, path, space, query, body))
                self._authenticate(headers)
                self._check_headers(method, headers)
                if space not in self.spaces:
                    raise platform_error(404, "Not Found")
                if self.transient:
                    status, retry_after = self.transient.pop(0)
                    raise Answer(
                        status,
                        {
                            "statusCode": status,
                            "error": _STATUS_TEXT[status],
                            "message": "injected by the test",
                        },
                        {"Retry-After": retry_after} if retry_after is not None else {},
                    )
                result = self._route(method, path, space, query, body)
                return (
                    200,
                    result,
                    {"Content-Type": "application/ndjson"} if isinstance(result, bytes) else {},
                )
            except Answer as answer:
                return answer.status, answer.body, dict(answer.headers)

    @staticmethod
    def _body(headers: dict[str, str], raw: bytes) -> Any:
        if not raw:
            return None
        if "application/json" not in (
            headers.get("Content-Type") or headers.get("content-type") or ""
        ):
            raise platform_error(
                400, "[request body]: expected a JSON body (Content-Type: application/json)"
            )
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise platform_error(400, f"[request body]: invalid JSON: {exc}") from None

    def _authenticate(self, headers: dict[str, str]) -> None:
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        if auth.startswith("ApiKey ") and auth[7:] in self.api_keys:
            return
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if self.users.get(user) == password:
                return
        raise platform_error(401, "[security_exception]: unable to authenticate user")

    @staticmethod
    def _check_headers(method: str, headers: dict[str, str]) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        if method != "GET" and "kbn-xsrf" not in lower:
            raise platform_error(400, "Request must contain a kbn-xsrf header.")
        version = lower.get("elastic-api-version")
        if version is not None and version != "2023-10-31":
            raise platform_error(
                400, f"Please specify a valid version: [2023-10-31], got {version}"
            )

    def _route(
        self, method: str, path: str, space: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        rules = self.space_rules(space)
        if path == f"{RULES}/_find" and method == "GET":
            return self._find(rules, query)
        if path == f"{RULES}/_export" and method == "POST":
            return self._export(rules, query, body)
        if path != RULES:
            raise platform_error(404, "Not Found")
        if method == "GET":
            return self._existing(rules, self._rule_id_param(query))
        if self.forbid_writes:
            raise platform_error(
                403,
                f"API [{method} {RULES}] is unauthorized for user, this action is granted "
                "by the Kibana privileges [securitySolution-rules-all]",
            )
        if method == "DELETE":
            rule_id = self._rule_id_param(query)
            self._write_gate(rule_id)
            existing = self._existing(rules, rule_id)
            del rules[rule_id]
            return existing
        if method in ("POST", "PUT"):
            return self._upsert(rules, method, body)
        raise platform_error(404, "Not Found")

    @staticmethod
    def _rule_id_param(query: dict[str, list[str]]) -> str:
        if "rule_id" not in query:
            raise siem_error(400, 'either "id" or "rule_id" must be set')
        return query["rule_id"][0]

    @staticmethod
    def _existing(rules: dict[str, dict[str, Any]], rule_id: str) -> dict[str, Any]:
        if rule_id not in rules:
            raise siem_error(404, f'rule_id: "{rule_id}" not found')
        return rules[rule_id]

    def _write_gate(self, rule_id: str | None) -> None:
        """The injected per-rule failures and the 'broken after N writes' switch."""
        if rule_id in self.fail_rule_ids:
            status, message = self.fail_rule_ids[rule_id]
            raise (platform_error if status in (401, 403) else siem_error)(status, message)
        if self.broken_after_writes is not None and self._writes >= self.broken_after_writes:
            answer = platform_error(503, "Kibana server is not ready yet")
            answer.headers["Retry-After"] = "0"  # keeps the test fast; the client honours it
            raise answer
        self._writes += 1

    def _validated(self, body: Any, update: bool) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise platform_error(
                400, "[request body]: Expected object, received " + type(body).__name__
            )
        rule_type = body.get("type")
        if rule_type in contract.OTHER_TYPES:
            raise platform_error(
                400, f"[request body]: type: {rule_type} rules are not implemented by this fake"
            )
        if rule_type not in contract.TYPES:
            raise platform_error(
                400,
                "[request body]: type: Invalid discriminator value. Expected 'eql' | "
                "'query' | 'saved_query' | 'threshold' | 'threat_match' | "
                "'machine_learning' | 'new_terms' | 'esql'",
            )
        unknown: list[str] = []
        problems = contract.validate(body, contract.rule_schema(rule_type, update), unknown=unknown)
        if problems:
            raise platform_error(400, "[request body]: " + ", ".join(problems))
        if extra := contract.extra_problems(body):
            raise siem_error(400, ", ".join(extra))
        self.dropped_keys += unknown
        top_unknown = {u for u in unknown if "." not in u}
        return {k: v for k, v in body.items() if k not in top_unknown}

    def _upsert(self, rules: dict[str, dict[str, Any]], method: str, body: Any) -> dict[str, Any]:
        clean = self._validated(body, update=method == "PUT")
        rule_id = clean.get("rule_id")
        self._write_gate(rule_id)
        now = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        if method == "POST":
            rule_id = rule_id or str(uuid.uuid4())
            if rule_id in rules:
                raise siem_error(409, f'rule_id: "{rule_id}" already exists')
            stored = {
                **contract.DEFAULTS,
                **contract.TYPE_DEFAULTS[clean["type"]],
                **clean,
                "rule_id": rule_id,
                "id": str(uuid.uuid4()),
                "immutable": False,
                "rule_source": {"type": "internal"},
                "created_at": now,
                "created_by": "deployer",
                "updated_at": now,
                "updated_by": "deployer",
                "revision": 0,
            }
        else:
            if not rule_id:
                raise siem_error(400, 'either "id" or "rule_id" must be set')
            old = self._existing(rules, rule_id)
            stored = {
                **contract.DEFAULTS,
                "version": old["version"],
                **contract.TYPE_DEFAULTS[clean["type"]],
                **clean,
                **{
                    k: old[k]
                    for k in (
                        "id",
                        "rule_id",
                        "immutable",
                        "rule_source",
                        "created_at",
                        "created_by",
                    )
                },
                "updated_at": now,
                "updated_by": "deployer",
                "revision": old["revision"] + 1,
            }
        missing = [
            k
            for k in contract.RESPONSE_REQUIRED + contract.RESPONSE_TYPE_REQUIRED[stored["type"]]
            if k not in stored
        ]
        assert not missing, f"the fake's own response breaks the RuleResponse contract: {missing}"
        rules[rule_id] = stored
        return stored

    @staticmethod
    def _find(rules: dict[str, dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        def number(name: str, default: int, minimum: int) -> int:
            try:
                value = int(query.get(name, [default])[0])
            except ValueError:
                raise platform_error(400, f"[request query]: {name}: Expected number") from None
            if value < minimum:
                raise platform_error(
                    400,
                    f"[request query]: {name}: Number must be greater than or equal to {minimum}",
                )
            return value

        page, per_page = number("page", 1, 1), number("per_page", 20, 0)
        sort_field = query.get("sort_field", ["created_at"])[0]
        if sort_field not in contract.FIND_SORT_FIELDS:
            raise platform_error(
                400, f"[request query]: sort_field: Invalid enum value, received '{sort_field}'"
            )
        if query.get("sort_order", ["asc"])[0] not in ("asc", "desc"):
            raise platform_error(400, "[request query]: sort_order: Invalid enum value")
        found = list(rules.values())
        if "filter" in query:
            match = _TAG_FILTER.match(query["filter"][0])
            if not match:
                raise platform_error(
                    400, f"this fake only understands tag filters, got {query['filter'][0]!r}"
                )
            found = [r for r in found if match.group(1) in r.get("tags", [])]
        found.sort(
            key=lambda r: str(r.get(sort_field.replace("At", "_at"), "")),
            reverse=query.get("sort_order", ["asc"])[0] == "desc",
        )
        return {
            "page": page,
            "perPage": per_page,
            "total": len(found),
            "data": found[(page - 1) * per_page : page * per_page],
        }

    def _export(
        self, rules: dict[str, dict[str, Any]], query: dict[str, list[str]], body: Any
    ) -> bytes:
        """Rules as NDJSON, then the export summary line (unless exclude_export_details=true)."""
        if body is not None:
            problems = contract.validate(body, contract.EXPORT_BODY)
            if problems:
                raise platform_error(400, "[request body]: " + ", ".join(problems))
        wanted = [o["rule_id"] for o in body["objects"]] if body else list(rules)
        exported = [rules[r] for r in wanted if r in rules and r not in self.export_omits]
        missing = [{"rule_id": r} for r in wanted if r not in rules or r in self.export_omits]
        lines = [json.dumps(rule) for rule in exported]
        if query.get("exclude_export_details", ["false"])[0] != "true":
            lines.append(
                json.dumps(
                    {
                        "exported_count": len(exported),
                        "exported_rules_count": len(exported),
                        "missing_rules": missing,
                        "missing_rules_count": len(missing),
                        "exported_exception_list_count": 0,
                        "exported_exception_list_item_count": 0,
                        "missing_exception_list_item_count": 0,
                        "missing_exception_list_items": [],
                        "missing_exception_lists": [],
                        "missing_exception_lists_count": 0,
                        "exported_action_connector_count": 0,
                        "missing_action_connection_count": 0,
                        "missing_action_connections": [],
                        "excluded_action_connection_count": 0,
                        "excluded_action_connections": [],
                    }
                )
            )
        return ("\n".join(lines) + "\n").encode()
