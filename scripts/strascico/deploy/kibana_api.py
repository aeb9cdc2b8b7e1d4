"""Kibana's Detection Engine rules API: the six calls `deploy kibana` makes, with retries.

The contract is Kibana's own OpenAPI description (public API version 2023-10-31; see
docs/deploying.md, "The Kibana contract"). Every request carries `kbn-xsrf` (Kibana refuses
writes without it) and `elastic-api-version`. 429 and 5xx answers are retried with
exponential backoff, honouring `Retry-After`; every other error becomes a KibanaError that
carries the status and Kibana's own message.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ConnectionProblem, StrascicoError
from .kibana_settings import KibanaSettings

RULES = "/api/detection_engine/rules"
API_VERSION = "2023-10-31"
RETRYABLE = frozenset({429, 500, 502, 503, 504})
FIND_PAGE = 100
MAX_RETRY_AFTER_S = 30.0


class KibanaError(StrascicoError):
    """Kibana answered a request with an error status; `message` is Kibana's own words."""

    def __init__(self, endpoint: str, status: int, message: str):
        super().__init__(f"{endpoint}: {status} {message}")
        self.endpoint = endpoint
        self.status = status
        self.kibana_message = message


def _message(raw: bytes) -> str:
    """Kibana's message from its error shapes {statusCode,error,message} / {status_code,message}."""
    try:
        body = json.loads(raw)
    except ValueError:
        return " ".join(raw.decode("utf-8", "replace").split())[:200] or "(empty body)"
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return json.dumps(body)[:200]


def _object(raw: bytes) -> dict[str, Any]:
    """A JSON object answer; anything else (a proxy's HTML page, say) is a ConnectionProblem."""
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        excerpt = " ".join(raw[:80].decode("utf-8", "replace").split())
        raise ConnectionProblem(
            f"Kibana answered with something that is not a JSON object: {excerpt!r}"
        )
    return answer


@dataclass
class KibanaClient:
    """Talks to one Kibana space; never prints, never exits."""

    settings: KibanaSettings
    retries: int = 5
    backoff_s: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    retried: int = 0  # how many answers were retried, for the report

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes, dict[str, str]]:
        context = self.settings.ssl_context()
        opener = (
            urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
            if context
            else urllib.request.build_opener()
        )
        try:
            with opener.open(request, timeout=self.settings.timeout) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers or {})
        except urllib.error.URLError as exc:
            where = self.settings.url
            if isinstance(exc.reason, ssl.SSLError):
                raise ConnectionProblem(
                    f"{where}: TLS error: {exc.reason}; pass --ca-cert or set KIBANA_CA_CERT"
                ) from None
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise ConnectionProblem(
                    f"{where}: timed out after {self.settings.timeout:.0f} s"
                ) from None
            raise ConnectionProblem(
                f"{where}: cannot connect ({exc.reason}); is Kibana up?"
            ) from None
        except TimeoutError:
            raise ConnectionProblem(
                f"{self.settings.url}: timed out after {self.settings.timeout:.0f} s"
            ) from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise ConnectionProblem(
                f"{self.settings.url}: connection failed ({type(exc).__name__}: {exc})"
            ) from None

    def request(
        self, method: str, path: str, query: dict[str, Any] | None = None, body: Any = None
    ) -> bytes:
        """One API call in the configured space; the raw response body on 2xx."""
        endpoint = f"{method} {path}"
        url = self.settings.base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        headers = {
            "kbn-xsrf": "strascico",
            "elastic-api-version": API_VERSION,
            "Accept": "application/json",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth := self.settings.auth_header():
            headers["Authorization"] = auth
        for attempt in range(self.retries + 1):
            status, raw, response_headers = self._open(
                urllib.request.Request(url, data=data, headers=headers, method=method)
            )
            if status < 400:
                return raw
            if status not in RETRYABLE or attempt == self.retries:
                raise KibanaError(endpoint, status, _message(raw))
            self.retried += 1
            self.sleep(self._delay(attempt, response_headers.get("Retry-After")))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), MAX_RETRY_AFTER_S)
            except ValueError:
                pass
        return min(self.backoff_s * (2.0**attempt), MAX_RETRY_AFTER_S)

    def find_tagged(self, tag: str) -> list[dict[str, Any]]:
        """Every rule of the space carrying `tag` (all pages of `_find`)."""
        rules: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {
                "filter": f'alert.attributes.tags:"{tag}"',
                "page": page,
                "per_page": FIND_PAGE,
                "sort_field": "name",
                "sort_order": "asc",
            }
            answer = _object(self.request("GET", f"{RULES}/_find", query))
            rules += answer.get("data") or []
            if not answer.get("data") or len(rules) >= int(answer.get("total", 0)):
                return rules
            page += 1

    def read(self, rule_id: str) -> dict[str, Any] | None:
        """The rule with this rule_id, or None when Kibana has none."""
        try:
            return _object(self.request("GET", RULES, {"rule_id": rule_id}))
        except KibanaError as exc:
            if exc.status == 404:
                return None
            raise

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        return _object(self.request("POST", RULES, body=body))

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        """Replace the rule named by body["rule_id"] (fields not sent are reset to defaults)."""
        return _object(self.request("PUT", RULES, body=body))

    def delete(self, rule_id: str) -> dict[str, Any]:
        return _object(self.request("DELETE", RULES, {"rule_id": rule_id}))

    def export(self, rule_ids: list[str]) -> bytes:
        """NDJSON export of these rules (rules, then Kibana's export summary line)."""
        return self.request(
            "POST",
            f"{RULES}/_export",
            {"exclude_export_details": "false"},
            body={"objects": [{"rule_id": r} for r in rule_ids]},
        )
