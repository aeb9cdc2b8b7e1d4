"""The campaign's numbers, with their evidence, from `strascico hunt --json` and employees' reports.

What counts as the campaign (and so may be blocked):
- a flood-stage signal alert (level medium or above) of a contact rule, inbound, whose actor is
  a valid number: one number that rang, messaged or was reported;
- a flood-stage signal correlation grouped by `telephony.caller.number` (that number) or by
  `telephony.caller.range` (that range, and every number of it the hunt saw in any alert —
  the low-level building blocks name the numbers the range correlation counted);
- a reported contact from `strascico ingest -f report-* --out FILE` (an employee said so) of a
  foreign number; a home-country number reported is counted, not blocked, unless asked
  (`home=None`): one complaint is thin evidence to cut off what may be a customer's line.
Low-level alerts alone never make a number part of the campaign: they match every foreign call,
the relative abroad included. Outbound alerts (call-backs) name the employee as actor: skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

from ..errors import InputError
from ..hunt.signals import SIGNAL_LEVELS

REPORT_RULE = "employee-report"  # the evidence label of a reported contact
_RANGE = re.compile(r"^\+[1-9][0-9]{3,16}$")


@dataclass
class Target:
    """One campaign number or range (digits without '+') and what the hunt and reports say of it."""

    digits: str
    kind: str  # "number" or "range"
    rules: set[str] = field(default_factory=set)
    first: str | None = None
    last: str | None = None
    events: int = 0
    people: int = 0  # most distinct employees one alert saw it reach (a lower bound)
    exposed_people: int | None = None  # ... of whom in the exposed cohort (same alert family)
    reporters: set[str] = field(default_factory=set, repr=False)  # keyed hashes, never identities
    exposed_reporters: set[str] = field(default_factory=set, repr=False)
    reports: int = 0

    @property
    def length(self) -> int:
        """Digits of the numbers it stands for (a range is a number without its last two digits)."""
        return len(self.digits) + (2 if self.kind == "range" else 0)

    def seen(self, rule: str, first: str | None, last: str | None, events: int) -> None:
        self.rules.add(rule)
        self.events += events
        if first:
            self.first = min(filter(None, (self.first, first)))
        if last:
            self.last = max(filter(None, (self.last, last)))


@dataclass
class Campaign:
    """Targets by digits, and what was read but could not be used (counted, never fatal)."""

    targets: dict[str, Target] = field(default_factory=dict)
    alerts_read: int = 0
    reports_read: int = 0
    unusable: int = 0  # campaign actors that are no valid number (extensions, withheld)
    home_reports: int = 0  # reports of home-country numbers, left out

    def target(self, digits: str, kind: str) -> Target:
        found = self.targets.get(digits)
        if found is None:
            found = self.targets[digits] = Target(digits, kind)
        return found


def json_lines(path: Path, expected: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) of every non-blank line; a line that is not JSON is an error."""
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield number, orjson.loads(line)
                    except orjson.JSONDecodeError:
                        raise InputError(f"not {expected}", path, number) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None


def add_hunt(campaign: Campaign, path: Path, e164: Callable[[str], str | None]) -> None:
    """Targets from one `strascico hunt --json` file; `e164` validates a number (None: not one)."""
    add_alerts(campaign, json_lines(path, "a JSON line (expected `strascico hunt --json` output)"), e164)


def add_alerts(campaign: Campaign, lines: Iterable[tuple[int, Any]], e164: Callable[[str], str | None]) -> None:
    """Targets from numbered hunt output lines (`HuntAlert.to_dict()` shapes); see add_hunt."""
    seen: dict[str, list[dict[str, Any]]] = {}  # inbound flood-stage actors, for the ranges
    ranges: list[tuple[str, dict[str, Any]]] = []
    counted: set[int] = set()  # alerts already in some target's evidence (by line number)
    for number, line in lines:
        if not isinstance(line, dict) or line.get("type") != "alert":
            continue
        campaign.alerts_read += 1
        signal = line.get("stage") == "flood" and line.get("level") in SIGNAL_LEVELS
        group = line.get("group") or {}
        if line.get("kind") == "correlation":
            if not signal:
                continue
            if isinstance(group.get("telephony.caller.number"), str):
                _number(campaign, group["telephony.caller.number"], line, e164)
            elif isinstance(group.get("telephony.caller.range"), str):
                ranges.append((group["telephony.caller.range"], line))
            continue
        actor = line.get("actor")
        if line.get("stage") != "flood" or line.get("direction") == "outbound" or not isinstance(actor, str):
            continue
        line = {**line, "_line": number}
        seen.setdefault(actor, []).append(line)
        if signal:
            _number(campaign, actor, line, e164)
            counted.add(number)
    for value, line in ranges:
        if not _RANGE.match(value):
            campaign.unusable += 1
            continue
        target = campaign.target(value[1:], "range")
        target.seen(str(line.get("rule")), line.get("first"), line.get("last"), int(line.get("count") or 0))
        for actor in (a for a in seen if a.startswith(value)):
            for alert in seen[actor]:  # the numbers that made up the range's count
                found = campaign.targets.get(actor[1:])
                if alert["_line"] not in counted:
                    counted.add(alert["_line"])
                    found = _number(campaign, actor, alert, e164)
                if found is not None:
                    found.rules.add(str(line.get("rule")))


def _number(campaign: Campaign, raw: str, alert: dict[str, Any], e164: Callable[[str], str | None]) -> Target | None:
    number = e164(raw)
    if number is None:
        campaign.unusable += 1
        return None
    target = campaign.target(number[1:], "number")
    target.seen(str(alert.get("rule")), alert.get("first"), alert.get("last"), int(alert.get("count") or 0))
    if isinstance(alert.get("people"), int):
        target.people = max(target.people, alert["people"])
    if isinstance(alert.get("exposed_people"), int):
        target.exposed_people = max(target.exposed_people or 0, alert["exposed_people"])
    return target


def add_reports(campaign: Campaign, path: Path, e164: Callable[[str], str | None], home: str | None = "IT") -> None:
    """Targets from employees' reports as `strascico ingest -f report-csv|report-json --out` wrote them;
    reports of numbers of the `home` country (ISO code) are only counted."""
    for _, event in json_lines(path, "an NDJSON event (expected `strascico ingest --out` output)"):
        if not isinstance(event, dict) or event.get("event.action") != "contact-reported":
            continue
        campaign.reports_read += 1
        raw = event.get("telephony.caller.number")
        number = e164(raw) if isinstance(raw, str) else None
        if number is None:
            campaign.unusable += raw is not None
            continue
        if home is not None and event.get("telephony.caller.country_iso") == home.upper():
            campaign.home_reports += 1
            continue
        target = campaign.target(number[1:], "number")
        when = event.get("@timestamp")
        target.seen(REPORT_RULE, when, when, 1)
        target.reports += 1
        reporter = event.get("report.reporter.hash") or event.get("report.reporter.number_hash")
        if isinstance(reporter, str):
            target.reporters.add(reporter)
            if event.get("telephony.callee.exposed") is True:
                target.exposed_reporters.add(reporter)
        target.people = max(target.people, len(target.reporters))
        if "telephony.callee.exposed" in event:
            target.exposed_people = max(target.exposed_people or 0, len(target.exposed_reporters))
