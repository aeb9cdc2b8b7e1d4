"""Microsoft Teams PSTN reports from Microsoft Graph (callRecords): getPstnCalls
(pstnCallLogRow), getDirectRoutingCalls (directRoutingLogRow) and getSmsLog (smsLogRow).

Input: a Graph response ({"@odata.context": ..., "value": [...], "@odata.nextLink": ...}), a
bare JSON array or JSON lines; the three row kinds may be mixed and are told apart by their keys
(smsType → SMS, successfulCall/finalSipCode → Direct Routing, callType → Calling Plan PSTN).
Times are ISO 8601 UTC. callerNumber/sourceNumber is who called or sent, calleeNumber/
destinationNumber who received. External numbers are masked in some countries (+39******567,
+123 456789***): they keep number_original only and count as unparsed numbers, because a
masked number is not the caller's number and libphonenumber would read one with a single * as
a different, valid one. userPrincipalName → user.name (and user.email when it has an @),
userId → user.id: the employee on either side.

PSTN (Calling Plan) rows: direction from callType (user_in, conf_in, ucap_in → inbound;
user_out*, conf_out, ucap_out, emergency → outbound); the log has no failure code, only the
connected duration: > 0 answered, 0 failed (did not connect, reason unknown); talk = duration,
ring unset. telephony.call.id = callId. A ucap_* callType is a call to a Teams auto attendant or
call queue (a resource account): telephony.callee.kind service.
Direct Routing rows: callType ByotIn* inbound, ByotOut* outbound; successfulCall → answered,
else finalSipCode gives the disposition (as for Kamailio: 486/600 busy, 487 cancelled, 603
rejected, 408/480 no_answer, other ≥ 300 failed) and telephony.call.sip_code; @timestamp =
inviteDateTime; ring = start − invite when answered, failure − invite otherwise ("0001-01-01"
is Graph's empty date); talk = duration. telephony.call.id = correlationId.
SMS rows: category messaging, dataset messaging.sms, channel sms, segments = smsUnits, call.id =
id. Inbound → event.action message-received; outbound (sent by the employee) → message-sent,
never "received", which would feed the rules on incoming messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, Iterator

from ..base import Format
from ..calls import call_fields, put_callee_kind, sip_disposition
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject
from ..reading import json_objects

GRAPH_EMPTY_DATE = "0001-01-01"


class TeamsPstnJson(Format):
    name = "teams-pstn-json"
    category = "telephony"
    description = "Microsoft Graph Teams PSTN, Direct Routing and SMS logs (JSON, JSON lines)"
    dataset = "telephony.cdr"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        for number, row, raw in json_objects(stream, stats=self.ctx.stats):
            if not isinstance(row, dict):
                yield Reject(source, number, row if isinstance(row, str) else "not a JSON object", raw)
                continue
            try:
                yield self._event(row, raw)
            except BAD_VALUE as exc:
                yield Reject(source, number, f"bad value: {exc}", raw)

    def _event(self, row: dict[str, Any], raw: str) -> Event:
        if "smsType" in row:
            return Event("messaging", self._sms(row, raw))
        if "successfulCall" in row or "finalSipCode" in row:
            return Event(self.category, self._direct_routing(row, raw))
        if "callType" in row:
            return Event(self.category, self._pstn(row, raw))
        raise ValueError(f"unknown row kind (keys: {', '.join(sorted(row)[:8])})")

    def _common(self, row: dict[str, Any], raw: str, dataset: str, when: datetime | None) -> dict[str, Any]:
        if when is None:
            raise ValueError("no start time")
        event: dict[str, Any] = {"event.dataset": dataset, "event.id": event_id(self.name, raw)}
        event.update(self.ctx.contact_fields(when, None, None))  # timestamp and local hour; parties below
        upn = str(row.get("userPrincipalName") or "")
        if upn:
            event["user.name"] = upn
            if "@" in upn:
                event["user.email"] = upn
        if row.get("userId"):
            event["user.id"] = str(row["userId"])
        return event

    def _parties(self, event: dict[str, Any], caller: Any, callee: Any) -> None:
        for prefix, raw in (("telephony.caller", caller), ("telephony.callee", callee)):
            if isinstance(raw, str) and "*" in raw:  # masked by Microsoft: keep it, never normalize it
                event[f"{prefix}.number_original"] = raw.strip()
                self.ctx.stats.unparsed_numbers += 1
            elif raw:
                event.update(self.ctx.number_fields(prefix, str(raw)))

    def _pstn(self, row: dict[str, Any], raw: str) -> dict[str, Any]:
        direction = _direction(row.get("callType"))
        event = self._common(row, raw, self.dataset, _time(row.get("startDateTime")))
        self._parties(event, row.get("callerNumber"), row.get("calleeNumber"))
        talk = float(row.get("duration") or 0)
        event.update(call_fields("answered" if talk > 0 else "failed", None, talk, direction))
        put_callee_kind(event, "service" if str(row.get("callType") or "").lower().startswith("ucap") else None)
        if row.get("callId") or row.get("id"):
            event["telephony.call.id"] = str(row.get("callId") or row["id"])
        return event

    def _direct_routing(self, row: dict[str, Any], raw: str) -> dict[str, Any]:
        direction = _direction(row.get("callType"))
        invite, start = _time(row.get("inviteDateTime")), _time(row.get("startDateTime"))
        failure = _time(row.get("failureDateTime"))
        code = int(row.get("finalSipCode") or 0)
        failed = sip_disposition(code) if code >= 300 else None
        if row.get("successfulCall") is True:
            disposition, ring_end = "answered", start
        elif failed is not None:
            disposition, ring_end = failed, failure or start
        else:
            raise ValueError(f"unsuccessful call with finalSipCode {row.get('finalSipCode')!r}")
        when = invite or start
        event = self._common(row, raw, self.dataset, when)
        self._parties(event, row.get("callerNumber"), row.get("calleeNumber"))
        ring = (ring_end - when).total_seconds() if ring_end and when else None
        event.update(call_fields(disposition, ring, float(row.get("duration") or 0), direction))
        put_callee_kind(event)
        if code:  # Graph writes 0 for calls that ended normally with a BYE
            event["telephony.call.sip_code"] = code
        if row.get("correlationId") or row.get("id"):
            event["telephony.call.id"] = str(row.get("correlationId") or row["id"])
        return event

    def _sms(self, row: dict[str, Any], raw: str) -> dict[str, Any]:
        kind = str(row.get("smsType") or "").lower()
        if kind not in ("inbound", "outbound"):
            raise ValueError(f"unknown smsType {row.get('smsType')!r}")
        event = self._common(row, raw, "messaging.sms", _time(row.get("sentDateTime")))
        self._parties(event, row.get("sourceNumber"), row.get("destinationNumber"))
        event.update({"telephony.channel": "sms", "network.direction": kind, "event.outcome": "success"})
        event["event.action"] = "message-received" if kind == "inbound" else "message-sent"
        if type(row.get("smsUnits")) is int:  # not a bool, not a float
            event["telephony.message.segments"] = row["smsUnits"]
        if row.get("id"):
            event["telephony.call.id"] = str(row["id"])
        return event


def _time(text: Any) -> datetime | None:
    """Graph DateTimeOffset (7 fractional digits, Z) → aware datetime; empty or 0001-01-01 → None."""
    if not text or str(text).startswith(GRAPH_EMPTY_DATE):
        return None
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"date without a time zone: {text!r}")
    return value


def _direction(call_type: Any) -> str:
    kind = str(call_type or "").lower()
    if kind.startswith("byotin"):
        return "inbound"
    if kind.startswith("byotout"):
        return "outbound"
    parts = kind.split("_")
    if "in" in parts:
        return "inbound"
    if "out" in parts or "emergency" in parts:
        return "outbound"
    raise ValueError(f"unknown callType {call_type!r}")
