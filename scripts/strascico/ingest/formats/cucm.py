"""Cisco Unified CM CDR files (cdr_<cluster>_<node>_<YYYYMMDDHHMM>_<seq>): one call per record.

Each file starts with the field names and, on its second line, their data types (INTEGER,
VARCHAR(50), UNIQUEIDENTIFIER): columns are mapped by name, because every CUCM release adds
fields. Only cdrRecordType 1 is a call (0 = start record, 2 = CMR) — others are Rejects saying
so. Times are epoch seconds in UTC; dateTimeConnect is 0 when the call never connected.

Parties: callingPartyNumber → caller; originalCalledPartyNumber (what the caller dialed, the
number that may have leaked; finalCalledPartyNumber when empty) → callee; short all-digit
numbers are extensions. Devices tell who is inside: SEP/CSF/BOT/TCT/TAB… device names are the
organization's phones and Jabber clients, anything else (trunks, gateways) is outside; without
device names the extension rule decides. Direction: inside → inside internal, inside → outside
outbound, else inbound. user.name is the login user of the employee contacted (the callee's,
or the caller's on outbound calls). A call through a hunt pilot (huntPilotDN set) reached a
hunt group (telephony.callee.kind); the member who answered (finalCalledPartyNumber) becomes
telephony.callee.extension.

Disposition: answered when dateTimeConnect is set. Otherwise the Q.850 cause (destCause_value,
or origCause_value when the destination gave none): 16/31 normal clearing before connect means
the caller hung up while it rang → cancelled; 17 busy; 18/19/20 no_answer; 21 rejected; 52/54
(calls barred) blocked; any other Q.850 cause (1–127) failed. No cause, or a value outside
Q.850 (CUCM's own codes) on an unanswered call, is a Reject. sip_code stays unset: CUCM reports
Q.850, not SIP. Ring = connect − origination when answered, else disconnect − origination;
talk = duration.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, BinaryIO, Iterator

from ..base import Format
from ..calls import call_fields, is_extension, put_callee_kind
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject, Skip
from ..reading import csv_records, decoded_lines

REQUIRED = ("cdrRecordType", "dateTimeOrigination", "callingPartyNumber", "originalCalledPartyNumber",
            "finalCalledPartyNumber", "dateTimeConnect", "dateTimeDisconnect", "duration",
            "origCause_value", "destCause_value")
CALL_RECORD = "1"
MAX_EPOCH = 253402300800  # 10000-01-01: beyond it datetime cannot represent the value
Q850 = {16: "cancelled", 31: "cancelled", 17: "busy", 18: "no_answer", 19: "no_answer", 20: "no_answer",
        21: "rejected", 52: "blocked", 54: "blocked"}
PHONE_DEVICES = ("SEP", "CSF", "BOT", "TCT", "TAB", "CIPC", "ATA")  # phones and soft clients
_TYPE_LINE = re.compile(r"^(INTEGER|VARCHAR\(\d+\)|UNIQUEIDENTIFIER|BIGINT|TEXT|CHAR\(\d+\))$", re.IGNORECASE)


class CiscoCucmCdr(Format):
    name = "cisco-cucm-cdr"
    category = "telephony"
    description = "Cisco Unified CM CDR flat files (header + type line, mapped by field name)"
    dataset = "telephony.cdr"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        header: list[str] | None = None
        missing: list[str] = []
        for line, fields, raw in csv_records(decoded_lines(stream, self.ctx.stats)):
            if fields is None:
                yield Reject(source, line, "unterminated quoted field (truncated line?)", raw)
                continue
            if header is None:
                names = [f.strip().lstrip("\ufeff").strip('"') for f in fields]  # a BOM defeats the quoting
                if "cdrRecordType" not in names:
                    yield Reject(source, line, "no header line: a CUCM CDR file starts with the field names", raw)
                    continue
                header = names
                missing = [name for name in REQUIRED if name not in header]
                continue
            if fields and _TYPE_LINE.match(fields[0].strip()):  # the data-type line under the header
                continue
            if len(fields) != len(header):
                yield Reject(source, line, f"expected {len(header)} columns as in the header, found {len(fields)}", raw)
                continue
            row = dict(zip(header, (f.strip() for f in fields)))
            if row["cdrRecordType"] != CALL_RECORD:
                yield Skip(source, line, f"not a call record (cdrRecordType {row['cdrRecordType']})")
            elif missing:
                yield Reject(source, line, f"header lacks {', '.join(missing)}", raw)
            else:
                try:
                    yield Event(self.category, self._event(row, raw))
                except BAD_VALUE as exc:
                    yield Reject(source, line, f"bad value: {exc}", raw)

    def _event(self, row: dict[str, str], raw: str) -> dict[str, Any]:
        origination, connect = _epoch(row["dateTimeOrigination"]), _epoch(row["dateTimeConnect"])
        disconnect = _epoch(row["dateTimeDisconnect"])
        if origination is None:
            raise ValueError("dateTimeOrigination is 0")
        disposition = "answered" if connect is not None else _disposition(row)
        ring = (connect or disconnect or origination) - origination
        caller = row["callingPartyNumber"] or None
        callee = row["originalCalledPartyNumber"] or row["finalCalledPartyNumber"] or None
        caller_inside, callee_inside = _inside(row, "origDeviceName", caller), _inside(row, "destDeviceName", callee)
        direction = ("internal" if callee_inside else "outbound") if caller_inside else "inbound"
        event: dict[str, Any] = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        event.update(self.ctx.contact_fields(origination, None if is_extension(caller) else caller,
                                             None if is_extension(callee) else callee))
        if is_extension(caller):
            event["telephony.caller.extension"] = caller
        if is_extension(callee):
            event["telephony.callee.extension"] = callee
        hunt = (row.get("huntPilotDN") or "").strip()
        final = (row.get("finalCalledPartyNumber") or "").strip()
        if hunt and disposition == "answered" and is_extension(final):
            event["telephony.callee.extension"] = final  # the hunt-list member who answered
        put_callee_kind(event, "hunt_group" if hunt else None)
        event.update(call_fields(disposition, ring.total_seconds(), float(row["duration"] or 0), direction))
        if row.get("globalCallID_callId"):
            event["telephony.call.id"] = row["globalCallID_callId"]
        login = row.get("callingPartyUnicodeLoginUserID" if direction == "outbound"
                        else "finalCalledPartyUnicodeLoginUserID")
        if login:
            event["user.name"] = login
        return event


def _epoch(text: str) -> datetime | None:
    """Epoch seconds (UTC) → datetime; 0 means the call never got there (e.g. no connect)."""
    seconds = int(text or 0)
    if seconds == 0:
        return None
    if not 0 < seconds < MAX_EPOCH:
        raise ValueError(f"epoch time out of range: {text!r}")
    return datetime.fromtimestamp(seconds, timezone.utc)


def _disposition(row: dict[str, str]) -> str:
    """Unanswered call: the destination's Q.850 cause, or the origin's when the destination gave none."""
    cause = int(row["destCause_value"] or 0) or int(row["origCause_value"] or 0)
    if cause == 0:
        raise ValueError("unanswered call without a cause code")
    if cause in Q850:
        return Q850[cause]
    if 1 <= cause <= 127:
        return "failed"
    raise ValueError(f"unknown cause code {cause} (not Q.850)")


def _inside(row: dict[str, str], device_column: str, number: str | None) -> bool:
    """Is this party one of the organization's phones? By device name when the file has it."""
    device = row.get(device_column, "")
    if device:
        return device.upper().startswith(PHONE_DEVICES)
    return is_extension(number)
