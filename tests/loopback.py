"""A loopback HTTP relay to a real node, for tests that need to throttle or kill something in
the middle of a conversation. Subclasses decide in `intercept` whether to answer themselves."""

from __future__ import annotations

import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler


class RelayHandler(BaseHTTPRequestHandler):
    """Relays every request to `self.server.upstream`, unless `intercept` answered it."""

    upstream_timeout = 30.0

    def intercept(self, body: bytes | None) -> bool:
        """Answer the request here (and return True), or let it through."""
        return False

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.intercept(body):
            return
        request = urllib.request.Request(self.server.upstream + self.path, data=body, method=self.command,  # type: ignore[attr-defined]
                                         headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            with urllib.request.urlopen(request, timeout=self.upstream_timeout) as response:  # noqa: S310 (loopback)
                self._answer(response.status, response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            self._answer(exc.code, exc.read(), exc.headers.get("Content-Type", ""))

    def _answer(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("X-elastic-product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass
