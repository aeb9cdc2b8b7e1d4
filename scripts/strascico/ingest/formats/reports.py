"""Employees' reports of unwanted contacts: form exports (CSV) and helpdesk ticket exports (JSON).

The harassment reaches personal phones that no company system logs; the people harassed are
the only sensors. A column mapping (`ingest/report_mapping.py`, docs/reports.md) says which
column is what; without `--mapping` the shipped mapping that fits the header is used.

Mapping, per report: `@timestamp` is when the contact was received when the reporter gave it
(a date, or a date and a separate time), else when the report was filed; `report.reported_at`
and `report.received_at` keep both. The reported number box may hold several numbers
(`+234 803 555 1201; +234 803 555 1202`): one event per number (at most ten), each with
`telephony.caller.*` (number_original as typed, E.164, country, type, range). The reporter is
kept only as keyed hashes (`report.reporter.hash` of the e-mail or user id,
`report.reporter.number_hash` of their own contacted number, the watchlist's HMAC), never in
clear; with a watchlist, `telephony.callee.exposed` says whether their number is in it. Free
text (message pasted + notes) has every phone number but the reported ones and every e-mail
address replaced, then gives `report.language`, `report.text_hash` and `report.text` (cut to
--text-max characters; dropped with --no-text).

Rejected: a row whose fields do not line up with the header, a broken quote, a report with
no usable time, a time in no known format. A row with every cell empty is skipped.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from zoneinfo import ZoneInfo

from ...errors import InputError
from ...watchlist import KEY_ENV, load_key, number_hash
from ..base import Format
from ..context import IngestContext, event_id, iso
from ..language import detect_language
from ..model import BAD_VALUE, Event, Reject, Skip
from ..reading import csv_records, decoded_lines, json_objects
from ..report_mapping import ReportMapping, detect, load_mapping, lookup, shipped_mappings
from ..report_values import (CONTACT_CHANNEL, numbers_in, parse_time, parse_time_of_day, redacted, report_channel,
                             reporter_hash, trimmed)

DEFAULT_TEXT_MAX = 500
JSON_ITEMS = ("tickets", "requests", "results", "records", "items", "data", "value")
IDENTITY_MEANINGS = ("reporter", "reporter_number")


@dataclass(frozen=True)
class ReportOptions:
    """What a report ingest needs beyond the context: the mapping, the hash key, the text limit."""

    mapping: ReportMapping | None = None  # None: the shipped mapping that fits the header
    key: bytes | None = field(default=None, repr=False)  # reporter hashes; None: the watchlist's key
    text_max: int = DEFAULT_TEXT_MAX


def report_options(mapping: str | None, key_file: Path | None, text_max: int = DEFAULT_TEXT_MAX,
                   base: Path | None = None) -> ReportOptions:
    """Options from what a user gives: a mapping file or shipped name, the key (file, else
    STRASCICO_WATCHLIST_KEY; not needed when the mapping reads no reporter), the text limit."""
    key = load_key(key_file) if key_file is not None or os.environ.get(KEY_ENV) else None
    return ReportOptions(load_mapping(mapping, base) if mapping else None, key, text_max)


class ReportFormat(Format):
    """What both report formats share: values by meaning → normalized user_report events."""

    category = "user_report"

    def __init__(self, ctx: IngestContext, options: ReportOptions | None = None):
        super().__init__(ctx)
        self.options = options or ReportOptions()
        self.key = self.options.key or (ctx.watchlist.key if ctx.watchlist is not None else None)

    def _check_key(self, mapping: ReportMapping, meanings: set[str]) -> None:
        if self.key is None and meanings & set(IDENTITY_MEANINGS):
            raise InputError(f"mapping {mapping.name} reads the reporter, who is stored only as a keyed hash: set "
                             "STRASCICO_WATCHLIST_KEY or pass --key-file")

    def events(self, mapping: ReportMapping, values: dict[str, Any], raw: str) -> list[Event]:
        """One event per reported number (one without a caller when none is given). Raises ValueError."""
        zone = ZoneInfo(mapping.timezone or self.ctx.tz)
        reported, _ = _time(values.get("reported_at"), zone, mapping.dayfirst)
        received, at_hour = _time(values.get("received_at"), zone, mapping.dayfirst, values.get("received_time"))
        if reported is None and received is None:
            raise ValueError("no report time: the reported_at/received_at cells are empty")
        when = received or reported
        assert when is not None
        base: dict[str, Any] = {"@timestamp": iso(when), "event.dataset": f"{self.dataset}.{mapping.slug}",
                                "event.action": "contact-reported", "network.direction": "inbound"}
        if reported is not None:
            base["report.reported_at"] = iso(reported)
        if received is not None:
            base["report.received_at"] = iso(received)
            if at_hour:  # a bare date has no hour to speak of
                base["telephony.local_hour"] = received.astimezone(self.ctx.zone).hour
        base.update(self._descriptive(mapping, values))
        base.update(self._reporter(values))
        numbers = numbers_in(_text(values.get("number")))
        callers = [self.ctx.number_fields("telephony.caller", n) for n in numbers]
        kept = {c["telephony.caller.number"] for c in callers if "telephony.caller.number" in c}
        base.update(self._text(values, kept))  # the reported numbers stay in the text, no other
        out = []
        for index, caller in enumerate(callers or [{}]):
            event = {**base, **caller, "event.id": event_id(self.name, raw if index == 0 else f"{raw}\x00{index}")}
            out.append(Event(self.category, event))
        return out

    def _descriptive(self, mapping: ReportMapping, values: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        channel = report_channel(_text(values.get("channel")) or mapping.constants.get("channel"), mapping.channels)
        if channel:
            fields["report.channel"] = channel
            fields["telephony.channel"] = CONTACT_CHANNEL.get(channel, "other")
        for meaning, name in (("id", "report.id"), ("organization", "organization.name"),
                              ("department", "report.reporter.department"), ("cohort", "report.reporter.cohort")):
            value = _text(values.get(meaning)) or mapping.constants.get(meaning)
            if value:
                fields[name] = value
        return fields

    def _reporter(self, values: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        identity = _text(values.get("reporter"))
        if identity and self.key is not None:
            fields["report.reporter.hash"] = reporter_hash(self.key, identity)
        own = _text(values.get("reporter_number"))
        info = self.ctx.phones.normalize(own) if own else None
        if own and info is None:
            self.ctx.stats.unparsed_numbers += 1  # never kept: not even as typed
        if info is not None and self.key is not None:
            fields["report.reporter.number_hash"] = number_hash(self.key, info.e164)
            if self.ctx.watchlist is not None:
                fields["telephony.callee.exposed"] = self.ctx.watchlist.contains(info.e164)
        return fields

    def _text(self, values: dict[str, Any], callers: set[str]) -> dict[str, Any]:
        parts = [t for t in (_text(values.get("text")), _text(values.get("notes"))) if t]
        if not parts:
            return {}
        text = redacted("\n".join(parts), callers, self.ctx.phones.normalize)
        normalized = " ".join(text.lower().split())
        fields: dict[str, Any] = {"report.text_hash": hashlib.sha256(normalized.encode()).hexdigest()[:32]}
        language = detect_language(text)
        if language:
            fields["report.language"] = language
        if self.ctx.keep_text:
            fields["report.text"], cut = trimmed(text, self.options.text_max)
            if cut:
                fields["report.text_truncated"] = True
        return fields


class ReportCsv(ReportFormat):
    name = "report-csv"
    description = "Harassment reports: Microsoft/Google Forms or helpdesk CSV export (with a column mapping)"
    dataset = "user_report"  # + the mapping, e.g. user_report.microsoft-forms

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        lines = decoded_lines(stream, self.ctx.stats)
        first = next(lines, None)
        if first is None:
            return
        delimiter = (self.options.mapping.delimiter if self.options.mapping else None) or _delimiter(first[1])
        records = csv_records(itertools.chain([first], lines), delimiter=delimiter)
        head = next(records, None)
        if head is None or head[1] is None:
            raise InputError("no header row", source, 1)
        header = [h.replace("\ufeff", "").strip() for h in head[1]]
        mapping = self.options.mapping or detect(header, shipped_mappings())
        columns = mapping.resolve_header(header)
        if columns is None:
            raise InputError(f"mapping {mapping.name}: no column for {', '.join(mapping.missing(header))}", source, 1)
        self._check_key(mapping, set(columns))
        for line, fields, raw in records:
            if fields is None:
                yield Reject(source, line, "unterminated quoted field", raw)
            elif not any(f.strip() for f in fields):
                yield Skip(source, line, "empty row")
            elif len(fields) != len(header):
                yield Reject(source, line, f"{len(fields)} fields, the header has {len(header)}", raw)
            else:
                values = {meaning: fields[index] for meaning, index in columns.items()}
                yield from _guarded(self, mapping, values, raw, source, line)


class ReportJson(ReportFormat):
    name = "report-json"
    description = "Harassment reports: helpdesk ticket export as a JSON array, JSON lines or {\"tickets\": [...]}"
    dataset = "user_report"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        mapping = self.options.mapping
        for number, item, raw in json_objects(stream, JSON_ITEMS, self.ctx.stats):
            if isinstance(item, str):
                yield Reject(source, number, item, raw)
                continue
            if not isinstance(item, dict):
                yield Reject(source, number, f"expected a ticket object, found {type(item).__name__}", raw)
                continue
            if mapping is None:
                mapping = _detect_json(item)
                self._check_key(mapping, set(mapping.columns))
            values = {m: _first(item, paths) for m, paths in mapping.columns.items()}
            yield from _guarded(self, mapping, values, raw, source, number)


def _guarded(fmt: ReportFormat, mapping: ReportMapping, values: dict[str, Any], raw: str, source: str,
             line: int) -> Iterator[Event | Reject]:
    try:
        yield from fmt.events(mapping, values, raw)
    except BAD_VALUE as exc:
        yield Reject(source, line, f"bad value: {exc}", raw)


def _detect_json(item: dict[str, Any]) -> ReportMapping:
    fitting = [m for m in shipped_mappings() if all(_first(item, m.columns[r]) is not None for r in m.required)]
    if not fitting:
        raise InputError(f"no shipped report mapping fits the ticket keys ({', '.join(sorted(item)[:12])}): "
                         "pass --mapping FILE (docs/reports.md)")
    return fitting[0]


def _first(item: dict[str, Any], paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = lookup(item, path)
        if value not in (None, "", []):
            return value
    return None


def _text(value: Any) -> str | None:
    """A cell or JSON value as text (lists joined with '; '); None when empty."""
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v not in (None, ""))
    text = str(value).strip()
    return text or None


def _time(value: Any, zone: ZoneInfo, dayfirst: bool, time_of_day: Any = None) -> tuple[datetime | None, bool]:
    """The instant a cell gives (None when empty) and whether it has a time of day."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # epoch seconds or milliseconds
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, timezone.utc), True
    text = _text(value)
    if text is None:
        return None, False
    when, has_time = parse_time(text, zone, dayfirst)
    extra = _text(time_of_day)
    if extra and not has_time:
        hour, minute, second = parse_time_of_day(extra)
        return when.replace(hour=hour, minute=minute, second=second), True
    return when, has_time


def _delimiter(header_line: str) -> str:
    """`;` for the Italian Excel CSV, a tab for TSV, else `,` (counted outside quotes)."""
    outside = "".join(part for i, part in enumerate(header_line.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))
