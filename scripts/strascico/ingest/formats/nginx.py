"""nginx access log in the predefined `combined` log_format: one request per line.

Layout: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
"$http_referer" "$http_user_agent"`; anything after the user agent (the `main` format's
"$http_x_forwarded_for", upstream timings...) is ignored. $time_local carries its own offset
(`14/Jan/2025:03:13:00 +0100`, English month names whatever the locale). nginx writes `"`, `\\`
and bytes outside printable ASCII as `\\xHH` (escape=default): these are decoded (UTF-8, else
Latin-1) so the fields hold what the client sent.

Mapping: remote_addr → source.ip (when it is an address), remote_user → user.name (unless "-"),
the request line → http.request.method, url.path, url.query (after the first "?", without it;
an absolute-form target `http://host/p` gives its path). A request line that is not
`METHOD target [HTTP/x]` (TLS or binary garbage sent to the HTTP port, "-", empty) still makes an
event: the request happened and got a status, only method and URL stay unset. status →
http.response.status_code (a status outside 100-599 is rejected), body_bytes_sent →
http.response.body.bytes, user agent → user_agent.original, outcome success below 400, else
failure. The referrer has no taxonomy field. A line that does not match (truncated) is rejected.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from typing import Any, BinaryIO, Iterator
from urllib.parse import urlsplit

from ..base import LineFormat
from ..clock import SIXTY, remember
from ..context import IngestContext, event_id, iso
from ..model import BAD_VALUE, Event, Reject
from ..reading import decoded_lines

# A quoted field is `[^"\\]*(?:\\.[^"\\]*)*`: the same strings as `(?:[^"\\]|\\.)*`, matched
# without one alternation per character.
_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'
_LINE = re.compile(rf'^(?P<addr>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\]'
                   rf' "(?P<request>{_QUOTED})" (?P<status>\d+) (?P<bytes>\d+|-)'
                   rf' "(?P<referer>{_QUOTED})" "(?P<agent>{_QUOTED})"(?:\s.*)?$')
_TIME = re.compile(r"^(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$")
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_REQUEST = re.compile(r"^(?P<method>[A-Z][A-Z_-]*) (?P<target>\S+(?: \S+)*?)(?: HTTP/\d(?:\.\d)?)?$")
_ESCAPE = re.compile(rb"\\x([0-9A-Fa-f]{2})")


def unescape(value: str) -> str:
    """Undo nginx's \\xHH escaping; the bytes are decoded as UTF-8, else Latin-1."""
    if "\\x" not in value:
        return value
    data = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), value.encode("utf-8", "surrogateescape"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def time_local(text: str) -> datetime:
    """`14/Jan/2025:03:13:00 +0100` → aware datetime (month names are always English)."""
    match = _TIME.match(text)
    if match is None or match.group(2) not in MONTHS:
        raise ValueError(f"bad time {text!r}")
    day, month_name, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m))
    zone = timezone(-offset if sign == "-" else offset)
    return datetime(int(year), MONTHS[month_name], int(day), int(hour), int(minute), int(second),
                    tzinfo=zone)


def request_fields(request: str) -> dict[str, str]:
    """Method, path and query of a request line; nothing for one that is not HTTP."""
    match = _REQUEST.match(request)
    if match is None:
        return {}
    target = match["target"]
    if "://" in target:  # absolute-form target (proxy requests): keep its path and query
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
    else:
        path, _, query = target.partition("?")
    fields = {"http.request.method": match["method"], "url.path": path}
    if query:
        fields["url.query"] = query
    return fields


@lru_cache(maxsize=65536)  # a log has few distinct clients
def ip_text(addr: str) -> str | None:
    """The address in ipaddress's spelling; None when `addr` is no IP address."""
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return None


class NginxCombined(LineFormat):
    name = "nginx-combined"
    category = "webserver"
    description = "nginx access log, predefined 'combined' log_format"
    dataset = "webserver.access"

    def __init__(self, ctx: IngestContext):
        super().__init__(ctx)
        self._hours: dict[str, str | None] = {}  # "DD/Mon/YYYY:HH +HH00" → UTC "YYYY-MM-DDTHH:"

    def _utc(self, text: str) -> str:
        """iso(time_local(text)), the UTC hour looked up once per local hour and offset: with a
        whole-hour offset, minutes and seconds are the same in UTC. Errors come from time_local."""
        if len(text) == 26 and text[14] == ":" and text[17] == ":" and text[24:] == "00":
            key = text[:14] + text[20:]
            prefix = self._hours.get(key)
            minute, second = SIXTY.get(text[15:17]), SIXTY.get(text[18:20])
            if prefix is not None and minute is not None and second is not None:
                return f"{prefix}{text[15:20]}Z"
            stamp = iso(time_local(text))
            if text.isascii() and minute is not None and second is not None:
                remember(self._hours, key, stamp[:-6])  # without "MM:SSZ"
            return stamp
        return iso(time_local(text))

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        for line, text in decoded_lines(stream, self.ctx.stats):
            if not text.strip():
                continue
            match = _LINE.match(text)
            if match is None:
                yield Reject(source, line, "not a combined log line (truncated?)", text)
                continue
            try:
                yield Event(self.category, self._event(match, text))
            except BAD_VALUE as exc:
                yield Reject(source, line, f"bad value: {exc}", text)

    def _event(self, match: re.Match[str], raw: str) -> dict[str, Any]:
        status = int(match["status"])
        if not 100 <= status <= 599:
            raise ValueError(f"status {status} is not an HTTP status")
        event: dict[str, Any] = {"@timestamp": self._utc(match["time"]),
                                 "event.dataset": self.dataset, "event.id": event_id(self.name, raw),
                                 "http.response.status_code": status,
                                 "event.outcome": "success" if status < 400 else "failure"}
        address = ip_text(match["addr"])
        if address is not None:  # None: unix: socket clients or a hostname: no address to give
            event["source.ip"] = address
        if match["user"] != "-":
            event["user.name"] = unescape(match["user"])
        event.update(request_fields(unescape(match["request"])))
        if match["bytes"] != "-":
            event["http.response.body.bytes"] = int(match["bytes"])
        agent = unescape(match["agent"])
        if agent and agent != "-":
            event["user_agent.original"] = agent
        return event
