"""Asterisk `cdr_csv` (Master.csv): one call per line, columns in Asterisk's fixed order.

Columns: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start,
answer, end, duration, billsec, disposition, amaflags[, uniqueid, userfield]. Times are the
PBX's local time (--tz); `answer` is empty for unanswered calls. Ring time is answer − start
when answered, else duration (the whole attempt rang); talk time is billsec.
Direction comes from the dialplan context: from-trunk/from-pstn/from-external (inbound),
from-internal to a non-extension (outbound), extension to extension (internal).
What the call reached (telephony.callee.kind): lastapp Queue or a queue context (FreePBX
`ext-queues`) → queue, and the agent whose channel answered (dstchannel `SIP/1234-…`) becomes
telephony.callee.extension; an IVR context (`ivr-*`) or an IVR application (BackGround, Read,
WaitExten, Playback) → ivr; a ring-group context (`ext-group`) → hunt_group; else person.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from ..base import Format
from ..calls import is_extension, put_call, put_callee_kind
from ..clock import LocalClock, Stamp
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject
from ..reading import MAX_RECORD_LINES, csv_records, decoded_lines

COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
           "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield")
DISPOSITIONS = {"ANSWERED": "answered", "NO ANSWER": "no_answer", "BUSY": "busy", "FAILED": "failed",
                "CONGESTION": "failed"}
INBOUND_CONTEXTS = ("from-trunk", "from-pstn", "from-external", "from-did", "ext-did")
IVR_APPS = frozenset({"background", "read", "waitexten", "playback"})
_AGENT_CHANNEL = re.compile(r"^(?:PJSIP|SIP|IAX2|Local)/(\d{2,6})[-@]")
_CLID_NAME = re.compile(r'^\s*"?([^"<]*?)"?\s*<[^>]*>\s*$')


class AsteriskCdrCsv(Format):
    name = "asterisk-cdr-csv"
    category = "telephony"
    description = "Asterisk cdr_csv Master.csv"
    dataset = "telephony.cdr"

    split_context = MAX_RECORD_LINES

    @classmethod
    def split_point(cls, lines: list[bytes]) -> bool:
        """A fresh csv_records reads on like the running one where the latter holds no pending
        lines. It holds at most MAX_RECORD_LINES lines, and only while their quotes are odd in
        total: when each of the last MAX_RECORD_LINES lines has an even count, nothing is pending."""
        return all(line.count(b'"') % 2 == 0 for line in lines)

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        clock = LocalClock(self.ctx.zone)
        for line, fields, raw in csv_records(decoded_lines(stream, self.ctx.stats)):
            if fields is None:
                yield Reject(source, line, "unterminated quoted field (truncated line?)", raw)
                continue
            if len(fields) < 16:
                yield Reject(source, line, f"expected at least 16 columns, found {len(fields)}", raw)
                continue
            try:
                yield Event(self.category, self._event(fields, raw, clock))
            except BAD_VALUE as exc:
                yield Reject(source, line, f"bad value: {exc}", raw)

    def _event(self, fields: list[str], raw: str, clock: LocalClock) -> dict:
        """One call from the columns in COLUMNS order (read by index: this runs for every line)."""
        src, dst, dcontext, clid = fields[1], fields[2], fields[3], fields[4]
        disposition = DISPOSITIONS.get(fields[14].strip().upper())
        if disposition is None:
            raise ValueError(f"unknown disposition {fields[14]!r}")
        start, answer = _stamp(clock, fields[9]), _stamp(clock, fields[10])
        if start is None:
            raise ValueError("empty start time")
        duration, billsec = float(fields[12] or 0), float(fields[13] or 0)
        # ring: answer - start of two stamps of one zone, as datetime subtraction would give
        ring = float(answer.seconds - start.seconds) if answer is not None else duration
        src_extension, dst_extension = is_extension(src), is_extension(dst)
        direction = _direction(dcontext, src_extension, dst_extension)
        event = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        self.ctx.put_contact(event, start.utc(), start.hour, None if src_extension else src or None,
                             None if dst_extension else dst or None)
        if src_extension:
            event["telephony.caller.extension"] = src
        put_call(event, disposition, ring, billsec, direction)
        if dst_extension:
            event["telephony.callee.extension"] = dst
        kind = _entry_point(dcontext, fields[7])
        if kind == "queue" and disposition == "answered" and (agent := _AGENT_CHANNEL.match(fields[6])):
            event["telephony.callee.extension"] = agent.group(1)  # the person who took the queue call
        put_callee_kind(event, kind)
        if len(fields) > 16 and fields[16]:
            event["telephony.call.id"] = fields[16]
        if (name := _CLID_NAME.match(clid or "")) and name.group(1).strip():
            event["telephony.caller.name"] = name.group(1).strip()
        return event


def _stamp(clock: LocalClock, text: str) -> Stamp | None:
    text = text.strip()
    return clock.stamp(text) if text else None


def _entry_point(dcontext: str, lastapp: str) -> str | None:
    """queue / ivr / hunt_group from the dialplan's own words; None for a person's line."""
    context, app = dcontext.lower(), lastapp.strip().lower()
    if app == "queue" or "queue" in context:
        return "queue"
    if context.startswith("ivr") or app in IVR_APPS:
        return "ivr"
    if context.startswith(("ext-group", "ringgroup")) or "hunt" in context:
        return "hunt_group"
    return None


def _direction(dcontext: str, src_extension: bool, dst_extension: bool) -> str:
    if dcontext.lower().startswith(INBOUND_CONTEXTS):
        return "inbound"
    if src_extension and dst_extension:
        return "internal"
    return "outbound" if src_extension else "inbound"
