"""MariaDB Audit Plugin (server_audit) log file: one record per line, comma-separated.

Layout (`server_audit_output_type=file`): timestamp (`YYYYMMDD HH:MM:SS`, the server's local
time: --tz), serverhost, username, host (`host:port` from MariaDB 12), connectionid, queryid,
operation, database, object, retcode[, connection type (newer CONNECT lines), ...]. For QUERY
the object is the statement in single quotes; the plugin escapes ' and \\ (and, in current
versions, newlines as \\n); older versions write newlines raw, so a record may span lines: a
quoted statement continues until its closing quote, never across a line that starts a new record.
TABLE events (READ, WRITE, CREATE, ALTER, RENAME, DROP) name the table as object and have an
empty retcode: they are logged when the table is opened, so their outcome is unknown.
Syslog output (`server_audit_output_type=syslog`) has no year and is not supported.

The plugin gives no row counts (db.response.returned_rows stays unset) and no client program.
db.operation.name is the statement's first keyword; db.collection.name the first name after
FROM/INTO/UPDATE/TABLE/JOIN/COPY (see sql_collection for the limits). The SQL helpers in ingest/sql.py
are shared with pgaudit.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Any, BinaryIO, Iterator

from ..base import Format
from ..context import event_id, iso
from ..model import BAD_VALUE, Event, Reject
from ..reading import decoded_lines
from ..sql import MAX_RECORD_LINES, sql_collection, sql_operation, statement_fields

ACTIONS = {"CONNECT": "connect", "FAILED_CONNECT": "failed-connect", "DISCONNECT": "disconnect",
           "CHANGEUSER": "change-user", "PROXY_CONNECT": "proxy-connect", "QUERY": "query",
           "READ": "table-read", "WRITE": "table-write", "CREATE": "table-create",
           "ALTER": "table-alter", "RENAME": "table-rename", "DROP": "table-drop"}
TABLE_EVENTS = ("READ", "WRITE", "CREATE", "ALTER", "RENAME", "DROP")
_START = re.compile(r"^\d{8} \d\d:\d\d:\d\d,")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
OBJECT = 8  # the only field the plugin quotes

UNTERMINATED = "unterminated quoted statement (truncated line?)"


def client_ip(host: str) -> str | None:
    """The client address when the host field is an IP (MariaDB 12 appends :port)."""
    for candidate in (host, host.rsplit(":", 1)[0].strip("[]")):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def split_record(text: str) -> list[str] | None:
    """The fields of a record; None while the quoted object is still open (more lines needed)."""
    fields: list[str] = []
    pos = 0
    while True:
        if len(fields) == OBJECT and text.startswith("'", pos):
            value, pos = _quoted(text, pos + 1)
            if pos < 0:
                return None
            fields.append(value)
            end = text.find(",", pos)
            end = len(text) if end < 0 else end
            if text[pos:end].strip():
                raise ValueError(f"text after the quoted statement: {text[pos:end][:40]!r}")
        else:
            end = text.find(",", pos)
            end = len(text) if end < 0 else end
            fields.append(text[pos:end])
        if end >= len(text):
            return fields
        pos = end + 1


def _quoted(text: str, pos: int) -> tuple[str, int]:
    """Unescaped quoted value and the position after its closing quote (-1 if none)."""
    out: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
            pos += 2
        elif char == "'":
            return "".join(out), pos + 1
        else:
            out.append(char)
            pos += 1
    return "", -1


class MariadbAudit(Format):
    name = "mariadb-audit"
    category = "database"
    description = "MariaDB Audit Plugin (server_audit) log file"
    dataset = "database.audit"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        pending: list[str] = []
        start = 0
        for number, text in decoded_lines(stream, self.ctx.stats):
            if pending and not _START.match(text) and len(pending) < MAX_RECORD_LINES:
                pending.append(text)  # an open quoted statement goes on
            else:
                if pending:
                    yield Reject(source, start, UNTERMINATED, pending[0])
                    pending = []
                if not _START.match(text):
                    if text.strip():
                        yield Reject(source, number, "not a server_audit record "
                                                     "(does not start with YYYYMMDD HH:MM:SS,)", text)
                    continue
                pending, start = [text], number
            raw = "\n".join(pending)
            try:
                fields = split_record(raw)
            except ValueError as exc:
                yield Reject(source, start, f"bad record: {exc}", raw)
                pending = []
                continue
            if fields is not None:
                yield self._record(source, start, fields, raw)
                pending = []
        if pending:
            yield Reject(source, start, UNTERMINATED, "\n".join(pending))

    def _record(self, source: str, line: int, fields: list[str], raw: str) -> Event | Reject:
        if len(fields) < 10:
            return Reject(source, line, f"expected at least 10 fields, found {len(fields)}", raw)
        operation = fields[6].strip().upper()
        if operation not in ACTIONS:
            return Reject(source, line, f"unknown operation {fields[6]!r}", raw)
        try:
            return Event(self.category, self._event(fields, operation, raw))
        except BAD_VALUE as exc:
            return Reject(source, line, f"bad value: {exc}", raw)

    def _event(self, fields: list[str], operation: str, raw: str) -> dict[str, Any]:
        when = datetime.strptime(fields[0], "%Y%m%d %H:%M:%S").replace(tzinfo=self.ctx.zone)
        server, user, host, database, obj = fields[1], fields[2], fields[3], fields[7], fields[8]
        retcode = fields[9].strip()
        if retcode and not retcode.lstrip("-").isdigit():
            raise ValueError(f"retcode {retcode!r} is not a number")
        event: dict[str, Any] = {"@timestamp": iso(when), "event.dataset": self.dataset,
                                 "event.id": event_id(self.name, raw), "db.system.name": "mariadb",
                                 "event.action": ACTIONS[operation],
                                 "event.outcome": "unknown" if not retcode else
                                 ("success" if int(retcode) == 0 else "failure")}
        optional = {"host.name": server, "user.name": user, "source.ip": client_ip(host),
                    "db.namespace": database}
        event.update({k: v for k, v in optional.items() if v})
        if operation == "QUERY" and obj:
            event.update(statement_fields(obj))
            event.update({k: v for k, v in (("db.operation.name", sql_operation(obj)),
                                            ("db.collection.name", sql_collection(obj))) if v})
        elif operation in TABLE_EVENTS and obj:
            event["db.collection.name"] = obj.split("|", 1)[0]  # RENAME: old|newdb.new
        return event

