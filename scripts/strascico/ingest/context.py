"""Shared normalization every format uses: numbers, the watchlist flag, local hour, ids."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterator
from zoneinfo import ZoneInfo

from ..contacts.store import KnownContacts
from ..watchlist import Watchlist
from .model import Event, IngestStats, Reject, Skip
from .phones import PHONE_FIELDS, PhoneInfo, PhoneNormalizer


@dataclass
class IngestContext:
    """Settings and caches for one ingest run."""

    default_region: str = "IT"
    tz: str = "Europe/Rome"  # the organization's time zone, for telephony.local_hour
    watchlist: Watchlist | None = None
    keep_text: bool = True
    blocked_ranges: frozenset[str] = frozenset()  # ranges of numbers the organization blocked
    service_numbers: frozenset[str] = frozenset()  # E.164 of public service lines (site file)
    known_contacts: KnownContacts | None = None  # who already knew whom before the cut-off (hashed)
    stats: IngestStats = field(default_factory=IngestStats)

    def __post_init__(self) -> None:
        self.phones = PhoneNormalizer(self.default_region)
        self.zone = ZoneInfo(self.tz)

    def mark_known(self, event: dict[str, Any]) -> None:
        """telephony.caller.known on inbound contacts: the caller is a known contact of the person
        reached (their number or extension) or of someone in the organisation (a relative, a
        supplier). Needs both sides, so it runs on the finished event (see `enriched`)."""
        known, contact = self.known_contacts, event.get("telephony.caller.number")
        if known is None or contact is None or event.get("network.direction") != "inbound":
            return
        person = [event.get("telephony.callee.number"), event.get("telephony.callee.extension")]
        event["telephony.caller.known"] = known.known_to(person, contact) or known.known_to_organisation(contact)

    def number_fields(self, prefix: str, raw: str | None) -> dict[str, Any]:
        """`<prefix>.number_original` always (when given), the normalized fields when parseable."""
        fields: dict[str, Any] = {}
        self.put_number(fields, prefix, raw)
        return fields

    def put_number(self, event: dict[str, Any], prefix: str, raw: str | None) -> None:
        """number_fields, written straight into `event` (the hot path of every call record)."""
        if raw is None:
            return
        if type(raw) is not str:
            raw = str(raw)
        raw = raw.strip()
        if not raw:
            return
        keys = _NUMBER_KEYS.get(prefix) or _number_keys(prefix)
        event[keys[0]] = raw
        info = self.phones.normalize(raw)
        if info is None:
            self.stats.unparsed_numbers += 1
            return
        event[keys[1]], event[keys[2]], event[keys[3]], event[keys[4]], event[keys[5]] = info
        if prefix == "telephony.callee":
            if self.watchlist is not None:
                event["telephony.callee.exposed"] = self.watchlist.contains(info.e164)
            if info.e164 in self.service_numbers:
                event["telephony.callee.kind"] = "service"
        if prefix == "telephony.caller" and self.blocked_ranges:
            event["telephony.caller.range_blocked"] = info.range in self.blocked_ranges

    def contact_fields(self, when: datetime, caller: str | None, callee: str | None) -> dict[str, Any]:
        """Timestamp, local hour and both parties of a call or message."""
        fields: dict[str, Any] = {}
        self.put_contact(fields, iso(when), when.astimezone(self.zone).hour, caller, callee)
        return fields

    def put_contact(self, event: dict[str, Any], timestamp: str, local_hour: int, caller: str | None,
                    callee: str | None) -> None:
        """contact_fields, written straight into `event`, from an already formatted timestamp."""
        event["@timestamp"] = timestamp
        event["telephony.local_hour"] = local_hour
        self.put_number(event, "telephony.caller", caller)
        self.put_number(event, "telephony.callee", callee)

    def text_fields(self, text: str | None) -> dict[str, Any]:
        """Message body (if policy keeps it) and its hash for campaign clustering."""
        if not text:
            return {}
        fields: dict[str, Any] = {"telephony.message.text_hash": text_hash(text)}
        if self.keep_text:
            fields["telephony.message.text"] = text
        return fields


@lru_cache(maxsize=16384)  # campaigns and notification templates repeat their bodies
def text_hash(text: str) -> str:
    """Hash of a message body, case and spacing folded, for campaign clustering."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode()).hexdigest()[:32]


_NUMBER_KEYS: dict[str, tuple[str, ...]] = {}


def _number_keys(prefix: str) -> tuple[str, ...]:
    """`<prefix>.number_original` and the PhoneInfo fields' names, built once per prefix."""
    keys = (f"{prefix}.number_original",) + tuple(f"{prefix}.{name}" for name in PHONE_FIELDS)
    _NUMBER_KEYS[prefix] = keys
    return keys


def _listed_numbers(text: str, normalizer: PhoneNormalizer) -> tuple[list[PhoneInfo], int]:
    """The numbers of a site list: a CSV with a `number` (or `numero`, `phone`) column, or one
    number per line; `#` comments. Unparseable rows are counted, not fatal."""
    rows = list(csv.reader(io.StringIO(text)))
    column = 0
    if rows and any(c.strip().lower() in ("number", "numero", "phone") for c in rows[0]):
        header = [c.strip().lower() for c in rows[0]]
        column = next(i for i, c in enumerate(header) if c in ("number", "numero", "phone"))
        rows = rows[1:]
    numbers, unusable = [], 0
    for row in rows:
        cell = row[column].strip() if len(row) > column else ""
        if not cell or cell.startswith("#"):
            continue
        info = normalizer.normalize(cell)
        if info is None:
            unusable += 1
        else:
            numbers.append(info)
    return numbers, unusable


def blocked_ranges(text: str, normalizer: PhoneNormalizer) -> tuple[frozenset[str], int]:
    """Ranges of the numbers in a blocklist (format: _listed_numbers)."""
    numbers, unusable = _listed_numbers(text, normalizer)
    return frozenset(info.range for info in numbers), unusable


def service_numbers(text: str, normalizer: PhoneNormalizer) -> tuple[frozenset[str], int]:
    """E.164 of the site's public service lines: toll-free numbers, queues' and IVRs' DIDs."""
    numbers, unusable = _listed_numbers(text, normalizer)
    return frozenset(info.e164 for info in numbers), unusable


_LOCAL_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def local_time(text: str, zone: ZoneInfo) -> datetime:
    """`YYYY-MM-DD HH:MM:SS` in the organization's zone; fromisoformat is ~10x faster than
    strptime on the hot path of every CDR. Raises ValueError for any other shape."""
    if not _LOCAL_STAMP.match(text):
        raise ValueError(f"time {text!r} is not YYYY-MM-DD HH:MM:SS")
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def iso(when: datetime) -> str:
    """UTC ISO-8601 with a Z, second precision (what the templates' date fields take)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_id(format_name: str, raw: str) -> str:
    """Deterministic id: the same record ingested twice is the same event."""
    return hashlib.sha256(f"{format_name}\x00{raw}".encode("utf-8", "surrogateescape")).hexdigest()[:24]


def enriched(records: Iterator[Event | Reject | Skip], ctx: IngestContext) -> Iterator[Event | Reject | Skip]:
    """A format's records with the enrichments that need the whole event (known contacts)."""
    if ctx.known_contacts is None:
        yield from records
        return
    for record in records:
        if type(record) is Event:
            ctx.mark_known(record.fields)  # type: ignore[union-attr]
        yield record
