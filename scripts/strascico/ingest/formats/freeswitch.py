"""FreeSWITCH `mod_cdr_csv` (Master.csv, default/example template): one call leg per line.

Columns (the template shipped in cdr_csv.conf.xml): caller_id_name, caller_id_number,
destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
hangup_cause, uuid, bleg_uuid, accountcode[, read_codec, write_codec] — the module's built-in
template stops at accountcode, so 13 columns are enough. Every field is double-quoted and
values are written unescaped, so a line is split on `","` rather than parsed as CSV (a caller
ID name may contain a quote). Times are the switch's local time (--tz); answer_stamp is empty
when the leg was never answered.

Disposition: answered whenever answer_stamp is set (the hangup cause then only says who hung
up). Otherwise the Q.850 hangup cause decides: ORIGINATOR_CANCEL, and NORMAL_CLEARING without an
answer (carriers put cause 16 in the CANCEL's Reason header), mean the caller hung up while it
rang → cancelled; NO_ANSWER/NO_USER_RESPONSE/SUBSCRIBER_ABSENT → no_answer; USER_BUSY → busy;
CALL_REJECTED → rejected; *_CALL_BARRED → blocked; routing, network and number errors → failed.
An unlisted cause is a Reject, not a guess. Ring time is answer − start when answered, else
duration; talk time is billsec.
Direction from the dialplan context: public → inbound; default (registered users) → outbound, or
internal when the destination is an extension; any other context (e.g. a FusionPBX domain) is
judged by the caller: an extension calls out (or internally), anything else is inbound.
The default template carries no queue or IVR field: a context named for one (`*ivr*`,
`*queue*`, `callcenter`) gives telephony.callee.kind, the site file --service-numbers the rest.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, Iterator

from ..base import LineFormat
from ..calls import is_extension, put_call, put_callee_kind
from ..clock import LocalClock, Stamp
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject
from ..reading import decoded_lines

COLUMNS = ("caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp",
           "answer_stamp", "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid",
           "accountcode", "read_codec", "write_codec")
MIN_COLUMNS = 13
_CAUSES: dict[str, tuple[str, ...]] = {
    "cancelled": ("ORIGINATOR_CANCEL", "NORMAL_CLEARING", "LOSE_RACE", "PICKED_OFF"),
    "no_answer": ("NO_ANSWER", "NO_USER_RESPONSE", "SUBSCRIBER_ABSENT", "ALLOTTED_TIMEOUT", "PROGRESS_TIMEOUT"),
    "busy": ("USER_BUSY",),
    "rejected": ("CALL_REJECTED",),
    "blocked": ("OUTGOING_CALL_BARRED", "INCOMING_CALL_BARRED"),
    "failed": ("UNALLOCATED_NUMBER", "NO_ROUTE_TRANSIT_NET", "NO_ROUTE_DESTINATION", "NUMBER_CHANGED",
               "DESTINATION_OUT_OF_ORDER", "INVALID_NUMBER_FORMAT", "FACILITY_REJECTED", "NORMAL_UNSPECIFIED",
               "NORMAL_CIRCUIT_CONGESTION", "NETWORK_OUT_OF_ORDER", "NORMAL_TEMPORARY_FAILURE",
               "SWITCH_CONGESTION", "REQUESTED_CHAN_UNAVAIL", "BEARERCAPABILITY_NOTAVAIL",
               "SERVICE_UNAVAILABLE", "INCOMPATIBLE_DESTINATION", "RECOVERY_ON_TIMER_EXPIRE",
               "INTERWORKING", "USER_NOT_REGISTERED", "GATEWAY_DOWN", "MEDIA_TIMEOUT",
               "EXCHANGE_ROUTING_ERROR", "MANDATORY_IE_MISSING"),
}
DISPOSITIONS = {cause: disposition for disposition, causes in _CAUSES.items() for cause in causes}
_SEPARATOR = re.compile(r'",\s*"')  # the module's built-in template writes `", "` before accountcode
INBOUND_CONTEXTS = ("public",)
LOCAL_CONTEXTS = ("default", "features")  # where registered users' calls run


class FreeswitchCdrCsv(LineFormat):
    name = "freeswitch-cdr-csv"
    category = "telephony"
    description = "FreeSWITCH mod_cdr_csv Master.csv (default template)"
    dataset = "telephony.cdr"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        clock = LocalClock(self.ctx.zone)
        for line, text in decoded_lines(stream, self.ctx.stats):
            if not text.strip():
                continue
            fields = split_quoted(text)
            if fields is None:
                yield Reject(source, line, "not a fully quoted line (truncated line?)", text)
                continue
            if len(fields) < MIN_COLUMNS:
                yield Reject(source, line, f"expected at least {MIN_COLUMNS} columns, found {len(fields)}", text)
                continue
            try:
                yield Event(self.category, self._event([f.strip() for f in fields[:MIN_COLUMNS]], text, clock))
            except BAD_VALUE as exc:
                yield Reject(source, line, f"bad value: {exc}", text)

    def _event(self, row: list[str], raw: str, clock: LocalClock) -> dict[str, Any]:
        """One call leg from the first MIN_COLUMNS columns, in COLUMNS order."""
        (name, caller, callee, context, start_text, answer_text, _end, duration, billsec, cause, uuid,
         _bleg, _account) = row
        start, answer = _stamp(clock, start_text), _stamp(clock, answer_text)
        if start is None:
            raise ValueError("empty start_stamp")
        disposition = "answered" if answer is not None else DISPOSITIONS.get(cause.upper())
        if disposition is None:
            raise ValueError(f"unknown hangup_cause {cause!r}")
        duration_s, talk = float(duration or 0), float(billsec or 0)
        # ring: answer - start of two stamps of one zone, as datetime subtraction would give
        ring = float(answer.seconds - start.seconds) if answer is not None else duration_s
        caller_extension, callee_extension = is_extension(caller), is_extension(callee)
        event: dict[str, Any] = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        self.ctx.put_contact(event, start.utc(), start.hour, None if caller_extension else caller or None,
                             None if callee_extension else callee or None)
        if caller_extension:
            event["telephony.caller.extension"] = caller
        if callee_extension:
            event["telephony.callee.extension"] = callee
        put_call(event, disposition, ring, talk, _direction(context, caller_extension, callee_extension))
        put_callee_kind(event, _entry_point(context))
        if uuid:
            event["telephony.call.id"] = uuid
        if name and name != caller:  # FreeSWITCH copies the number into the name when there is none
            event["telephony.caller.name"] = name
        return event


def _stamp(clock: LocalClock, text: str) -> Stamp | None:
    return clock.stamp(text) if text else None


def split_quoted(text: str) -> list[str] | None:
    """Fields of a line whose every field is double-quoted; None when it does not start and end
    with a quote. mod_cdr_csv does not escape quotes inside values, so CSV parsing would break
    on a caller ID name with a `"` in it (a value the caller chooses); `","` only ends a field."""
    line = text.strip()
    if len(line) < 2 or line[0] != '"' or line[-1] != '"':
        return None
    return _SEPARATOR.split(line[1:-1])


def _entry_point(context: str) -> str | None:
    lowered = context.lower()
    if "ivr" in lowered:
        return "ivr"
    if "queue" in lowered or "callcenter" in lowered:
        return "queue"
    return None


def _direction(context: str, caller_extension: bool, callee_extension: bool) -> str:
    if context.lower() in INBOUND_CONTEXTS:
        return "inbound"
    if context.lower() in LOCAL_CONTEXTS or caller_extension:  # other contexts: judge by the caller
        return "internal" if callee_extension else "outbound"
    return "inbound"
