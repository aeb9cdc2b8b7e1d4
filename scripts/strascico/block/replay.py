"""Replaying a campaign as if each day's block recommendation had been applied the next morning.

Day by day: the hunt alerts complete by the end of the day (their `last` before midnight, so no
alert is used before it could have fired) make the campaign; `recommend` turns it into prefixes,
which are in force from the next day and lapse `expire_days` after the last evening that
recommended them again. Every later inbound contact is checked
against the prefixes in force that day: a flood contact under one is stopped, a benign one is
collateral. The baseline is what the victims do today: block each number the day after it was
seen — and the next one rings.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterable

from .campaign import Campaign, add_alerts
from .plan import ACTIVE, Policy, recommend
from .protected import Protected

Contact = tuple[date, str, bool, int]  # day, caller E.164, from the campaign?, how many that day


@dataclass
class Outcome:
    """Contacts after the first block came into force, and what the blocks did to them."""

    flood: int = 0
    flood_stopped: int = 0
    benign: int = 0
    benign_blocked: int = 0
    blocked_benign_numbers: set[str] = field(default_factory=set)

    @property
    def stopped_share(self) -> float:
        return self.flood_stopped / self.flood if self.flood else 0.0


@dataclass
class Replay:
    """The prefix recommendation's outcome, the per-number baseline's, and the prefixes chosen."""

    prefixes: Outcome
    numbers: Outcome
    first_block: date | None
    chosen: dict[str, date] = field(default_factory=dict)  # prefix → day it came into force


def _day_end(day: date) -> str:
    return datetime.combine(day + timedelta(days=1), time(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _blocked(number: str, in_force: dict[str, tuple[date, date]], day: date) -> bool:
    digits = number.lstrip("+")
    return any((span := in_force.get(digits[:n])) is not None and span[0] <= day < span[1]
               for n in range(1, len(digits) + 1))


def _apply(in_force: dict[str, tuple[date, date]], digits: str, tomorrow: date, expire_days: int) -> None:
    """In force from its first recommendation; each evening it is recommended again renews it
    (the review the entry's date asks for), so it lapses `expire_days` after the last one."""
    since = in_force[digits][0] if digits in in_force else tomorrow
    in_force[digits] = (since, tomorrow + timedelta(days=expire_days))


def replay(alerts: list[dict[str, Any]], contacts: Iterable[Contact], days: list[date], protected: Protected,
           e164: Callable[[str], str | None], policy: Callable[[date], Policy]) -> Replay:
    """`alerts`: hunt output; `contacts`: inbound calls and messages per caller and day; `days`:
    the days whose evening a recommendation is made; `policy(day)`: the Policy as of that day."""
    by_last = sorted(alerts, key=lambda a: str(a.get("last") or ""))
    lasts = [str(a.get("last") or "") for a in by_last]
    prefixes: dict[str, tuple[date, date]] = {}  # digits → (in force from, lapses on)
    numbers: dict[str, tuple[date, date]] = {}
    for day in days:
        done = by_last[:bisect_right(lasts, _day_end(day))]
        if not done:
            continue
        campaign = Campaign()
        add_alerts(campaign, enumerate(done, start=1), e164)
        today = policy(day)
        plan = recommend(campaign.targets, protected, today)
        tomorrow = day + timedelta(days=1)
        for entry in plan.entries:
            if entry.status in ACTIVE:
                _apply(prefixes, entry.digits, tomorrow, today.expire_days)
        for digits, target in campaign.targets.items():
            if target.kind == "number" and not protected.is_protected(digits):
                _apply(numbers, digits, tomorrow, today.expire_days)
    first = min((since for since, _ in prefixes.values()), default=None)
    result = Replay(Outcome(), Outcome(), first, {d: since for d, (since, _) in sorted(prefixes.items())})
    for day, caller, flood, count in contacts:
        if first is None or day < first:
            continue
        for outcome, table in ((result.prefixes, prefixes), (result.numbers, numbers)):
            stopped = _blocked(caller, table, day)
            if flood:
                outcome.flood += count
                outcome.flood_stopped += count if stopped else 0
            else:
                outcome.benign += count
                if stopped:
                    outcome.benign_blocked += count
                    outcome.blocked_benign_numbers.add(caller)
    return result
