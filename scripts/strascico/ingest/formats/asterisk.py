"""Asterisk `cdr_csv` (Master.csv): one call per line, columns in Asterisk's fixed order.

Columns: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start,
answer, end, duration, billsec, disposition, amaflags[, uniqueid, userfield]. Times are the
PBX's local time (--tz); `answer` is empty for unanswered calls. Ring time is answer − start
when answered, else duration (the whole attempt rang); talk time is billsec.
Direction comes from the dialplan context: from-trunk/from-pstn/from-external (inbound),
from-internal to a non-extension (outbound), extension to extension (internal).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import BinaryIO, Iterator

from ..base import Format
from ..calls import call_fields, is_extension, seconds_between
from ..context import event_id, local_time
from ..model import Event, Reject
from ..reading import csv_records, decoded_lines

COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
           "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield")
DISPOSITIONS = {"ANSWERED": "answered", "NO ANSWER": "no_answer", "BUSY": "busy", "FAILED": "failed",
                "CONGESTION": "failed"}
INBOUND_CONTEXTS = ("from-trunk", "from-pstn", "from-external", "from-did", "ext-did")
_CLID_NAME = re.compile(r'^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$')


class AsteriskCdrCsv(Format):
    name = "asterisk-cdr-csv"
    category = "telephony"
    description = "Asterisk cdr_csv Master.csv"
    dataset = "telephony.cdr"

    def _time(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        return local_time(text.strip(), self.ctx.zone)

    def _direction(self, row: dict[str, str]) -> str:
        context = row["dcontext"].lower()
        if any(context.startswith(c) for c in INBOUND_CONTEXTS):
            return "inbound"
        if is_extension(row["src"]) and is_extension(row["dst"]):
            return "internal"
        return "outbound" if is_extension(row["src"]) else "inbound"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        for line, fields, raw in csv_records(decoded_lines(stream, self.ctx.stats)):
            if fields is None:
                yield Reject(source, line, "unterminated quoted field (truncated line?)", raw)
                continue
            if len(fields) < 16:
                yield Reject(source, line, f"expected at least 16 columns, found {len(fields)}", raw)
                continue
            row = dict(zip(COLUMNS, fields))
            try:
                yield Event(self.category, self._event(row, raw))
            except (ValueError, KeyError) as exc:
                yield Reject(source, line, f"bad value: {exc}", raw)

    def _event(self, row: dict[str, str], raw: str) -> dict:
        disposition = DISPOSITIONS.get(row["disposition"].strip().upper())
        if disposition is None:
            raise ValueError(f"unknown disposition {row['disposition']!r}")
        start, answer = self._time(row["start"]), self._time(row["answer"])
        if start is None:
            raise ValueError("empty start time")
        duration, billsec = float(row["duration"] or 0), float(row["billsec"] or 0)
        ring = seconds_between(start, answer) if answer is not None else duration
        direction = self._direction(row)
        event = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        caller, callee = row["src"] or None, row["dst"] or None
        event.update(self.ctx.contact_fields(start, None if is_extension(caller) else caller,
                                             None if is_extension(callee) else callee))
        if is_extension(caller):
            event["telephony.caller.extension"] = caller
        event.update(call_fields(disposition, ring, billsec, direction))
        if is_extension(row["dst"]):
            event["telephony.callee.extension"] = row["dst"]
        if row.get("uniqueid"):
            event["telephony.call.id"] = row["uniqueid"]
        if (name := _CLID_NAME.match(row["clid"] or "")) and name.group(1).strip():
            event["telephony.caller.name"] = name.group(1).strip()
        return event
