"""Kannel bearerbox access log (`access-log`, default `access-log-format`): one SMS per line.

Layout (gw/bb_alog.c, no custom format): `<YYYY-MM-DD HH:MM:SS> <event> [SMSC:id] [SVC:] [ACT:]
[BINF:] [FID:] [META:] [from:] [to:] [flags:mclass:coding:mwi:compress:dlr_mask] [msg:len:text]
[udh:len:hex]`. Times are the gateway's local time (`access-log-time = local`, the default; --tz).
The text is the message with non-printable bytes written as '.', so it is one line but may hold
']'; for coding 1 (8-bit) and 2 (UCS-2) Kannel writes it as hex: UCS-2 is decoded, 8-bit binary
gets no text. Nothing is URL-decoded: the default format does not URL-encode.

Events: `Receive SMS` (inbound, message-received), `DROPPED Received SMS` (inbound,
message-received, failure: the gateway dropped it), `REJECTED - ... SMS` (inbound, white/black
list: message-blocked), `Sent SMS` / `FAILED Send SMS` / `DISCARDED SMS` / `EXPIRED SMS`
(outbound, message-sent).
Delivery reports (every `... DLR` event) describe an earlier message, not a new one: skipped
with that reason so they are counted, never taken for inbound messages from the handset.
`Log begins`/`Log ends` markers are skipped the same way. Segments: the total of a concatenation
UDH when there is one, else derived from the length and coding (160/153 septets, 140/134 octets).
"""

from __future__ import annotations

import math
import re
from typing import Any, BinaryIO, Iterator

from ..base import LineFormat
from ..clock import LocalClock
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject, Skip
from ..messages import link_fields
from ..reading import decoded_lines

# [CHARGE:] (older releases) and [META:] (newer) are optional; the text is greedy: it may hold ']'.
_LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<label>.+?) \[SMSC:(?P<smsc>[^\]]*)\]"
    r" \[SVC:[^\]]*\](?: \[CHARGE:[^\]]*\])? \[ACT:[^\]]*\] \[BINF:[^\]]*\]"
    r" \[FID:(?P<fid>[^\]]*)\](?: \[META:[^\]]*\])?"
    r" \[from:(?P<from>[^\]]*)\] \[to:(?P<to>[^\]]*)\] \[flags:(?P<flags>-?\d+(?::-?\d+){4})\]"
    r" \[msg:(?P<len>\d+):(?P<text>.*)\] \[udh:(?P<udhlen>\d+):(?P<udh>[0-9A-Fa-f]*)\]$")
_MARKER = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Log (?:begins|ends)$")
# upper-cased event label → (network.direction, event.action, event.outcome)
LABELS: dict[str, tuple[str, str | None, str]] = {
    "RECEIVE SMS": ("inbound", "message-received", "success"),
    "DROPPED RECEIVED SMS": ("inbound", "message-received", "failure"),
    "SENT SMS": ("outbound", "message-sent", "success"),
    "FAILED SEND SMS": ("outbound", "message-sent", "failure"),
    "DISCARDED SMS": ("outbound", "message-sent", "failure"),
    "EXPIRED SMS": ("outbound", "message-sent", "failure"),
}
BLOCKED = ("inbound", "message-blocked", "failure")  # every "REJECTED - <list> SMS"
CODING_8BIT, CODING_UCS2 = 1, 2

def _concat_total(udh: bytes) -> int | None:
    """Total parts from a concatenation information element (IEI 0x00 or 0x08) of a UDH."""
    pos, end = 1, min(len(udh), 1 + (udh[0] if udh else 0))
    while pos + 1 < end:
        iei, size = udh[pos], udh[pos + 1]
        body = udh[pos + 2:pos + 2 + size]
        if iei == 0x00 and size == 3 and len(body) == 3:
            return body[1]
        if iei == 0x08 and size == 4 and len(body) == 4:
            return body[2]
        pos += 2 + size
    return None


def segments(length: int, coding: int, udh: bytes) -> int:
    """SMS parts: the UDH's total when the line is one part, else what the length needs."""
    if udh and (total := _concat_total(udh)):
        return total
    single, part = (140, 134) if coding in (CODING_8BIT, CODING_UCS2) else (160, 153)
    return 1 if length <= single else math.ceil(length / part)


class KannelAccess(LineFormat):
    name = "kannel-access"
    category = "messaging"
    description = "Kannel bearerbox access-log (default access-log-format)"
    dataset = "messaging.sms"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        clock = LocalClock(self.ctx.zone)
        for line, text in decoded_lines(stream, self.ctx.stats):
            if not text.strip():
                continue
            if _MARKER.match(text):
                yield Skip(source, line, "access-log marker (Log begins/ends)")
                continue
            match = _LINE.match(text)
            if match is None:
                yield Reject(source, line, "not a default-format access-log line (truncated?)", text)
                continue
            label = " ".join(match["label"].split()).upper()
            if "DLR" in label.split():
                yield Skip(source, line, "delivery report, not a message")
                continue
            rejected = label.startswith("REJECTED") and label.endswith("SMS")
            kind = BLOCKED if rejected else LABELS.get(label)
            if kind is None:
                yield Reject(source, line, f"unknown access-log event {match['label']!r}", text)
                continue
            try:
                yield Event(self.category, self._event(match, kind, text, clock))
            except BAD_VALUE as exc:
                yield Reject(source, line, f"bad value: {exc}", text)

    def _event(self, match: re.Match[str], kind: tuple[str, str | None, str],
               raw: str, clock: LocalClock) -> dict[str, Any]:
        direction, action, outcome = kind
        when = clock.stamp(match["time"])
        coding = int(match["flags"].split(":")[1])
        udh = bytes.fromhex(match["udh"]) if len(match["udh"]) % 2 == 0 else b""
        body = self._body(match["text"], coding)
        event: dict[str, Any] = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        self.ctx.put_contact(event, when.utc(), when.hour, match["from"] or None, match["to"] or None)
        event["telephony.channel"] = "sms"
        event["network.direction"] = direction
        event["event.outcome"] = outcome
        event["telephony.message.segments"] = segments(int(match["len"]), coding, udh)
        if action:
            event["event.action"] = action
        if match["fid"].strip():
            event["telephony.call.id"] = match["fid"].strip()
        event.update(self.ctx.text_fields(body))
        event.update(link_fields(body))
        return event

    @staticmethod
    def _body(text: str, coding: int) -> str | None:
        """The message text; None for 8-bit binary (a WAP push or a ringtone is no text)."""
        if coding == CODING_UCS2:
            try:
                return bytes.fromhex(text).decode("utf-16-be", "replace")
            except ValueError:
                raise ValueError("UCS-2 message body is not hex") from None
        if coding == CODING_8BIT:
            return None
        return text
