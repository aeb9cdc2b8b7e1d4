"""Twilio Message resources (REST API 2010-04-01): a list page, a JSON array, or JSON lines.

Input: what `GET /Accounts/{sid}/Messages.json` returns (`{"messages": [...], "next_page_uri": ...}`,
one page per file), a JSON array of Message resources, or one resource per line. Read with
reading.json_objects, so a page or an array streams and a truncated one keeps the records
before the break.

Mapping: `date_sent` (RFC 2822, e.g. "Tue, 14 Jan 2025 02:13:00 +0000"; for inbound messages when
Twilio received it), or `date_created` while a message has not been sent yet. `from` is the
caller, `to` the callee, both kept as written (`whatsapp:+39…`); a `whatsapp:` address makes
the channel whatsapp, another `scheme:` address (messenger:, rcs:) other, else sms.
`direction` inbound → inbound, message-received; outbound-api/-call/-reply → outbound,
message-sent. `status` gives the
outcome: received/delivered/read/sent → success; failed/undelivered/canceled/partially_delivered
→ failure; receiving/queued/sending/accepted/scheduled → unknown. An unknown direction or status
is rejected. `sid` → telephony.call.id, `num_segments` (a string) → segments, `body` → text and
its first link. Prices, account and messaging-service sids have no taxonomy field.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO, Iterator
from zoneinfo import ZoneInfo

from ..base import Format
from ..clock import remember, steady_hour
from ..context import IngestContext, event_id, iso
from ..model import BAD_VALUE, Event, Reject
from ..messages import link_fields
from ..reading import json_objects

DIRECTIONS = {"inbound": "inbound", "outbound-api": "outbound", "outbound-call": "outbound",
              "outbound-reply": "outbound"}
OUTCOMES = {
    "received": "success", "delivered": "success", "read": "success", "sent": "success",
    "failed": "failure", "undelivered": "failure", "canceled": "failure",
    "partially_delivered": "failure",
    "receiving": "unknown", "queued": "unknown", "sending": "unknown", "accepted": "unknown",
    "scheduled": "unknown",
}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def channel(*addresses: str | None) -> str:
    """whatsapp when either side is a whatsapp: address, other for another scheme, else sms."""
    schemes = {m.group(1).lower() for a in addresses if a and (m := _SCHEME.match(a.strip()))}
    if "whatsapp" in schemes:
        return "whatsapp"
    return "other" if schemes - {"tel"} else "sms"


def rfc2822(value: Any) -> datetime | None:
    """An aware datetime from Twilio's RFC 2822 dates; None when absent."""
    if value in (None, ""):
        return None
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        raise ValueError(f"bad date {value!r}") from None
    # "-0000" (parsed as naive) is UTC with the sender's zone unknown (RFC 2822 §3.3)
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


# Twilio's own spelling of a date: parsed by parsedate_to_datetime into exactly these fields.
_CANONICAL_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
                             r"|Nov|Dec) \d{4} \d\d:[0-5]\d:[0-5]\d [+-]\d{4}")


class HourStamps:
    """iso() and the local hour of Twilio dates, looked up once per hour of a canonical date:
    with a whole-hour offset, and the organization's zone steady through that hour, only the
    minutes and seconds differ. Anything else, and the first date of an hour, goes through
    rfc2822 as before."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._hours: dict[str, tuple[str, int] | None] = {}

    def stamp(self, value: Any) -> tuple[str, int] | None:
        """(UTC ISO string, local hour), None when the date is absent; raises what rfc2822 raises."""
        if type(value) is str and _CANONICAL_DATE.fullmatch(value):
            key = value[:-11] + value[-6:]  # without "MM:SS"
            hour = self._hours.get(key)
            if hour is not None:
                return f"{hour[0]}{value[-11:-6]}Z", hour[1]
            when = rfc2822(value)
            assert when is not None
            found = iso(when), when.astimezone(self.zone).hour
            if key not in self._hours:
                self._remember(key, when, found)
            return found
        when = rfc2822(value)
        return None if when is None else (iso(when), when.astimezone(self.zone).hour)

    def _remember(self, key: str, when: datetime, found: tuple[str, int]) -> None:
        # steady in the date's own offset (the UTC prefix) and in the organization's zone (its hour)
        first = when.replace(minute=0, second=0)
        steady = steady_hour(first) and steady_hour(first.astimezone(self.zone))
        remember(self._hours, key, (found[0][:-6], found[1]) if steady else None)  # found[0] without "MM:SSZ"


class TwilioMessagesJson(Format):
    name = "twilio-messages-json"
    category = "messaging"
    description = "Twilio Message resources (list page JSON, JSON array or JSON lines)"
    dataset = "messaging.twilio"

    def __init__(self, ctx: IngestContext):
        super().__init__(ctx)
        self.dates = HourStamps(ctx.zone)

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        for number, item, raw in json_objects(stream, stats=self.ctx.stats):
            if isinstance(item, str):
                yield Reject(source, number, item, raw)
            else:
                yield self._record(source, number, item, raw)

    def _record(self, source: str, number: int, item: Any, raw: str) -> Event | Reject:
        if not isinstance(item, dict):
            return Reject(source, number, f"expected a Message object, found {type(item).__name__}", raw)
        try:
            return Event(self.category, self._event(item, raw))
        except BAD_VALUE as exc:
            return Reject(source, number, f"bad value: {exc}", raw)

    def _event(self, msg: dict[str, Any], raw: str) -> dict[str, Any]:
        direction = DIRECTIONS.get(str(msg.get("direction") or ""))
        if direction is None:
            raise ValueError(f"unknown direction {msg.get('direction')!r}")
        outcome = OUTCOMES.get(str(msg.get("status") or ""))
        if outcome is None:
            raise ValueError(f"unknown status {msg.get('status')!r}")
        when = self.dates.stamp(msg.get("date_sent")) or self.dates.stamp(msg.get("date_created"))
        if when is None:
            raise ValueError("neither date_sent nor date_created")
        sender, receiver = msg.get("from") or None, msg.get("to") or None
        for name, address in (("from", sender), ("to", receiver)):
            if address is not None and not isinstance(address, str):
                raise TypeError(f"{name!r} is a JSON {type(address).__name__}, not an address")
        event: dict[str, Any] = {"event.dataset": self.dataset, "event.id": event_id(self.name, raw)}
        self.ctx.put_contact(event, when[0], when[1], sender, receiver)
        event["telephony.channel"] = channel(sender, receiver)
        event["network.direction"] = direction
        event["event.outcome"] = outcome
        event["event.action"] = "message-received" if direction == "inbound" else "message-sent"
        if msg.get("sid"):
            event["telephony.call.id"] = str(msg["sid"])
        if str(msg.get("num_segments") or "").strip().isdigit() and int(msg["num_segments"]) > 0:
            event["telephony.message.segments"] = int(msg["num_segments"])
        body = msg.get("body") if isinstance(msg.get("body"), str) else None
        event.update(self.ctx.text_fields(body))
        event.update(link_fields(body))
        return event
