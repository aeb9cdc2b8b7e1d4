"""Vocabulary shared by the call-record formats: dispositions, actions, directions."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

# taxonomy disposition → event.action
ACTIONS = {
    "answered": "call-answered",
    "no_answer": "call-missed",
    "busy": "call-rejected",
    "failed": "call-missed",
    "cancelled": "call-cancelled",
    "rejected": "call-rejected",
    "blocked": "call-blocked",
}
_EXTENSION = re.compile(r"^\d{2,6}$")
# telephony.callee.kind: every value but "person" is a public entry point, not someone's own line
ENTRY_POINTS = ("service", "queue", "ivr", "hunt_group")


def is_extension(value: str | None) -> bool:
    """Short all-digit numbers are PBX extensions, not phone numbers."""
    return bool(value and _EXTENSION.match(value.strip()))


def call_fields(disposition: str, ring: float | None, talk: float | None, direction: str | None) -> dict[str, Any]:
    """Disposition, action, durations and direction in the taxonomy's words."""
    fields: dict[str, Any] = {}
    put_call(fields, disposition, ring, talk, direction)
    return fields


def put_call(event: dict[str, Any], disposition: str, ring: float | None, talk: float | None,
             direction: str | None) -> None:
    """call_fields, written straight into `event`."""
    event["telephony.channel"] = "voice"
    event["telephony.call.disposition"] = disposition
    event["event.action"] = ACTIONS[disposition]
    event["event.outcome"] = "success" if disposition == "answered" else "failure"
    if ring is not None:
        event["telephony.call.ring_duration"] = round(max(ring, 0.0), 3)
    if talk is not None:
        event["telephony.call.talk_duration"] = round(max(talk, 0.0), 3)
    if direction:
        event["network.direction"] = direction


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def sip_disposition(code: int) -> str | None:
    """Taxonomy disposition of a final SIP response code; None for provisional or invalid codes."""
    if 200 <= code < 300:
        return "answered"
    special = {486: "busy", 600: "busy", 487: "cancelled", 603: "rejected", 408: "no_answer", 480: "no_answer"}
    if code in special:
        return special[code]
    return "failed" if 300 <= code < 700 else None


def put_callee_kind(event: dict[str, Any], hint: str | None = None) -> None:
    """telephony.callee.kind: the export's own hint (queue, ivr, hunt_group) first, then a service
    number of the site file (set by the context when the callee was normalized), else `person`
    when the call names a callee at all."""
    if hint is not None:
        event["telephony.callee.kind"] = hint
    elif "telephony.callee.kind" not in event and (
            "telephony.callee.number_original" in event or "telephony.callee.extension" in event):
        event["telephony.callee.kind"] = "person"
