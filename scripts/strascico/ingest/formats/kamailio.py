"""Kamailio `acc` module records written to syslog (log_flag / log_missed_flag): one SIP
transaction per line.

A line reads `[syslog header] ... ACC: <event>: timestamp=<epoch>;method=...;from_tag=...;
to_tag=...;call_id=...;code=...;reason=...[;log_extra pairs]`, <event> being `transaction
answered` (log_flag, and failed_transaction_flag for codes ≥ 300), `call missed`
(log_missed_flag), `request accounted` (acc_log_request() from the script) or `request
acknowledged` (report_ack). Pairs are parsed by name, so any log_extra works; the ones used are
those of the stock kamailio.cfg: src_user, src_domain, src_ip, dst_ouser, dst_user, dst_domain.
timestamp is epoch seconds (UTC); the syslog header's local time (no year) is not used.

Only INVITE transactions are call attempts. acc logs a call's INVITE and its BYE as separate
transactions and this ingest streams line by line, so a BYE cannot be joined to its INVITE:
BYE (and ACK, CANCEL, MESSAGE, ...) lines are counted as skipped, and talk/ring durations
stay unset — acc records no answer or hang-up time for the INVITE. Lines that are not acc
records (other log output) are Rejects too: route acc to its own facility (log_facility).

Disposition from the final SIP code: 2xx answered, 486/600 busy, 487 cancelled (caller hung up
while ringing), 603 rejected, 408/480 no_answer, any other 3xx–6xx failed; a provisional code
(early_media) or anything else is a Reject. telephony.call.sip_code = code.
Parties: src_user → caller; dst_ouser (the To user: what was dialed) or dst_user → callee; short
all-digit users are extensions; a non-numeric callee is a local SIP account (user.name).
Direction: extension → extension internal, extension → number outbound, else inbound.
A configuration that sets both failed_transaction_flag and log_missed_flag on INVITEs logs a
failed call twice; event.id is therefore a hash of call_id, from_tag and code (not of the line),
so both lines are one event in Elasticsearch (counted as a duplicate).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timezone
from typing import Any, BinaryIO, Iterator

from ..base import Format
from ..calls import call_fields, is_extension, put_callee_kind, sip_disposition
from ..context import event_id
from ..model import BAD_VALUE, Event, Reject, Skip
from ..reading import decoded_lines

_ACC = re.compile(r"ACC: (transaction answered|call missed|request accounted|request acknowledged): (.*)$")
_SYSLOG_HOST = re.compile(r"^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\S+) (\S+) ")
MAX_EPOCH = 253402300800  # 10000-01-01: beyond it datetime cannot represent the value
_NUMBERISH = re.compile(r"^[+\d][\d\s\-.()]*$")


class NotACall(Exception):
    """A well-formed acc line about another transaction (BYE, ACK, ...)."""


def parse_pairs(text: str) -> dict[str, str]:
    """`k=v;k=v` → dict; a value keeps any `=` it contains (base64 Call-IDs)."""
    pairs: dict[str, str] = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if sep:
            pairs[key.strip()] = value.strip()
    return pairs


class KamailioAcc(Format):
    name = "kamailio-acc"
    category = "telephony"
    description = "Kamailio acc module syslog records (ACC: transaction answered / call missed)"
    dataset = "telephony.acc"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        for line, text in decoded_lines(stream, self.ctx.stats):
            if not text.strip():
                continue
            match = _ACC.search(text)
            if match is None:
                yield Reject(source, line, "not an acc record (no 'ACC: <event>:' marker)", text)
                continue
            pairs = parse_pairs(match.group(2))
            try:
                yield Event(self.category, self._event(pairs, text))
            except NotACall as exc:
                yield Skip(source, line, str(exc))
            except BAD_VALUE as exc:
                yield Reject(source, line, str(exc), text)

    def _event(self, pairs: dict[str, str], line: str) -> dict[str, Any]:
        for key in ("timestamp", "method", "call_id", "code"):
            if not pairs.get(key):
                raise ValueError(f"no {key} (truncated line?)")
        method = pairs["method"].upper()
        if method != "INVITE":
            raise NotACall(f"{method} transaction (not a call attempt)")
        if not pairs["code"].isdigit() or (disposition := sip_disposition(int(pairs["code"]))) is None:
            raise ValueError(f"SIP code {pairs['code']!r} is not a final response")
        when = _epoch(pairs["timestamp"])
        caller = pairs.get("src_user") or None
        callee = pairs.get("dst_ouser") or pairs.get("dst_user") or None
        account = callee if callee and not _NUMBERISH.match(callee) else None  # a SIP account name (alice), not a number
        caller_local, callee_local = is_extension(caller), is_extension(callee) or account is not None
        direction = ("internal" if callee_local else "outbound") if caller_local else "inbound"
        identity = "\x00".join((pairs["call_id"], pairs.get("from_tag", ""), pairs["code"]))
        event: dict[str, Any] = {"event.dataset": self.dataset, "event.id": event_id(self.name, identity)}
        event.update(self.ctx.contact_fields(when, None if caller_local else caller,
                                             None if callee_local else callee))
        if caller_local:
            event["telephony.caller.extension"] = caller
        if is_extension(callee):
            event["telephony.callee.extension"] = callee
        if account:
            event["user.name"] = account
        event.update(call_fields(disposition, None, None, direction))
        put_callee_kind(event)
        event["telephony.call.sip_code"] = int(pairs["code"])
        event["telephony.call.id"] = pairs["call_id"]
        if _is_ip(pairs.get("src_ip", "")):
            event["source.ip"] = pairs["src_ip"]
        if host := _SYSLOG_HOST.match(line):
            event["host.name"] = host.group(1)
        return event


def _epoch(text: str) -> datetime:
    if not text.isdigit() or not 0 < int(text) < MAX_EPOCH:
        raise ValueError(f"timestamp {text!r} is not epoch seconds")
    return datetime.fromtimestamp(int(text), timezone.utc)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False
