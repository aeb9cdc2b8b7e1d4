"""PostgreSQL server log (stderr/file) lines carrying pgAudit records.

Supported log_line_prefix: the default '%m [%p] ' and '%m [%p] %u@%d ' (also with %q, so
background processes write no user@db); %t instead of %m works too. The time zone written
by %m must be UTC/GMT, a numeric offset, or the abbreviation of --tz (CET/CEST for
Europe/Rome, which also settles the repeated hour at the end of summer time); any other
abbreviation is ambiguous and the record is rejected. PostgreSQL writes a multi-line message
with a tab after each newline: continuation lines are joined back and the tab removed.

The AUDIT message is CSV (quoted only when a value holds a comma, quote or newline):
AUDIT_TYPE, STATEMENT_ID, SUBSTATEMENT_ID, CLASS, COMMAND, OBJECT_TYPE, OBJECT_NAME, STATEMENT,
PARAMETER[, ROWS with pgaudit.log_rows]. Lines that are not AUDIT records (connections,
checkpoints, ERROR/STATEMENT lines...) are rejected with that reason, so they are counted.
pgAudit logs a statement when it starts, so event.outcome is unknown (a following ERROR line
of the same process is not correlated). Mapping: CLASS → event.action (read, write, ddl, ...),
COMMAND → db.operation.name as written (SELECT, COPY, CREATE TABLE), OBJECT_NAME → db.collection
.name as written (schema-qualified), else the first table of the statement; ROWS of a READ →
db.response.returned_rows.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta, timezone
from typing import Any, BinaryIO, Iterator
from zoneinfo import ZoneInfo

from ..base import Format
from ..context import event_id, iso
from ..model import BAD_VALUE, Event, Reject, Skip
from ..reading import decoded_lines
from ..sql import MAX_RECORD_LINES, sql_collection, statement_fields

_LINE = re.compile(r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)"
                   r" (?P<tz>[A-Za-z][A-Za-z0-9/_+-]*|[+-]\d\d(?::?\d\d)?) \[(?P<pid>\d+)\]"
                   r" (?:(?P<user>[^@\s]*)@(?P<db>\S*) )?(?P<level>[A-Z]+\d?):  (?P<message>.*)$")
_OFFSET = re.compile(r"^([+-])(\d\d):?(\d\d)?$")
AUDIT = "AUDIT: "
CLASSES = {"READ", "WRITE", "FUNCTION", "ROLE", "DDL", "MISC", "MISC_SET"}
NOT_TEXT = {"<not logged>", "<previously logged>", ""}
UNKNOWN_NAMES = {"", "[unknown]"}


def pg_time(stamp: str, zone_name: str, zone: ZoneInfo) -> datetime:
    """The %m/%t time as an aware datetime; ValueError for a zone abbreviation we cannot place."""
    naive = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f" if "." in stamp else "%Y-%m-%d %H:%M:%S")
    if zone_name.upper() in ("UTC", "GMT", "Z"):
        return naive.replace(tzinfo=timezone.utc)
    if offset := _OFFSET.match(zone_name):
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        return naive.replace(tzinfo=timezone(sign * delta))
    for fold in (0, 1):  # fold=1 is the second pass of the hour repeated when summer time ends
        local = naive.replace(tzinfo=zone, fold=fold)
        if local.tzname() == zone_name:
            return local
    raise ValueError(f"time zone {zone_name!r} is not UTC, an offset or an abbreviation of "
                     f"--tz {zone.key}")


class PgAudit(Format):
    name = "pgaudit"
    category = "database"
    description = "PostgreSQL log with pgAudit records (log_line_prefix '%m [%p] ' or '%m [%p] %u@%d ')"
    dataset = "database.pgaudit"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        pending: list[str] = []
        start = 0
        for number, text in decoded_lines(stream, self.ctx.stats):
            if pending and not _LINE.match(text) and len(pending) < MAX_RECORD_LINES:
                pending.append(text[1:] if text.startswith("\t") else text)  # continuation of a message
                continue
            if pending:
                yield self._record(source, start, pending)
                pending = []
            if _LINE.match(text):
                pending, start = [text], number
            elif text.strip():
                yield Reject(source, number, "not a PostgreSQL log line "
                                             "(log_line_prefix '%m [%p] ' or '%m [%p] %u@%d ')", text)
        if pending:
            yield self._record(source, start, pending)

    def _record(self, source: str, line: int, lines: list[str]) -> Event | Reject | Skip:
        raw = "\n".join(lines)
        match = _LINE.match(raw.split("\n", 1)[0])
        assert match is not None  # records start only at prefix lines
        message = match["message"] + raw[len(lines[0]):]
        if not message.startswith(AUDIT):
            return Skip(source, line, f"PostgreSQL {match['level']} line, not a pgAudit record")
        payload = message[len(AUDIT):]
        if payload.count('"') % 2:
            return Reject(source, line, "unterminated quoted AUDIT field (truncated line?)", raw)
        fields = next(csv.reader([payload]), [])
        if len(fields) not in (9, 10):
            return Reject(source, line, f"expected 9 or 10 AUDIT fields, found {len(fields)}", raw)
        if fields[0] not in ("SESSION", "OBJECT"):
            return Reject(source, line, f"unknown AUDIT_TYPE {fields[0]!r}", raw)
        if fields[3] not in CLASSES:
            return Reject(source, line, f"unknown CLASS {fields[3]!r}", raw)
        try:
            return Event(self.category, self._event(match, fields, raw))
        except BAD_VALUE as exc:
            return Reject(source, line, f"bad value: {exc}", raw)

    def _event(self, prefix: re.Match[str], fields: list[str], raw: str) -> dict[str, Any]:
        when = pg_time(prefix["time"], prefix["tz"], self.ctx.zone)
        klass, command, object_name, statement = fields[3], fields[4], fields[6], fields[7]
        event: dict[str, Any] = {"@timestamp": iso(when), "event.dataset": self.dataset,
                                 "event.id": event_id(self.name, raw),
                                 "db.system.name": "postgresql",
                                 "event.action": klass.lower().replace("_", "-"),
                                 "event.outcome": "unknown", "db.operation.name": command.upper()}
        if (prefix["user"] or "") not in UNKNOWN_NAMES:
            event["user.name"] = prefix["user"]
        if (prefix["db"] or "") not in UNKNOWN_NAMES:
            event["db.namespace"] = prefix["db"]
        text = statement if statement not in NOT_TEXT else None
        if text:
            event.update(statement_fields(text))
        collection = object_name or (sql_collection(text) if text else None)
        if collection:
            event["db.collection.name"] = collection
        if len(fields) == 10 and klass == "READ":
            if not fields[9].isdigit():
                raise ValueError(f"ROWS {fields[9]!r} is not a number")
            event["db.response.returned_rows"] = int(fields[9])
        return event
