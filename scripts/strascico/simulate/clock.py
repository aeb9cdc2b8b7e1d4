"""Time in the scenario: the fixed story dates, the simulated period, local ⇄ UTC helpers.

Events carry `at`, integer seconds since the epoch (UTC). Vendor writers format it in the
organization's zone where the product logs local time (Asterisk, FreeSWITCH, Kannel, nginx).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

TZ_NAME = "Europe/Rome"
ZONE = ZoneInfo(TZ_NAME)
BREACH_DAY = date(2024, 11, 19)  # the night the archive was taken (local date)
FLOOD_START = date(2025, 1, 13)  # first day of the trawling flood
LEAD_DAYS = 2  # shortest period: starts this many days before the breach ...
FLOOD_MIN_DAYS = 3  # ... and ends this many days into the flood
MIN_DAYS = (FLOOD_START - BREACH_DAY).days + LEAD_DAYS + FLOOD_MIN_DAYS
DAY = 86400


@dataclass(frozen=True)
class Period:
    """Local days [start, end) that the simulation covers."""

    start: date
    end: date

    @classmethod
    def of(cls, days: int) -> "Period":
        """`days` days holding the breach and the flood; extra days split before and after."""
        extra = days - MIN_DAYS
        start = BREACH_DAY - timedelta(days=LEAD_DAYS + extra // 2)
        return cls(start, start + timedelta(days=days))

    def days(self) -> Iterator[date]:
        day = self.start
        while day < self.end:
            yield day
            day += timedelta(days=1)

    @property
    def length(self) -> int:
        return (self.end - self.start).days

    def start_ts(self) -> int:
        return local_ts(self.start, 0)

    def end_ts(self) -> int:
        return local_ts(self.end, 0)


def local_ts(day: date, seconds: float) -> int:
    """Epoch seconds of `seconds` after local midnight of `day` (DST-aware wall clock)."""
    seconds = int(seconds)
    wall = datetime.combine(day, time()) + timedelta(seconds=seconds)
    return int(wall.replace(tzinfo=ZONE).timestamp())


def local_text(at: int, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """`at` on the organization's wall clock."""
    return datetime.fromtimestamp(at, ZONE).strftime(fmt)


def local_hour(at: int) -> int:
    return datetime.fromtimestamp(at, ZONE).hour


def iso_z(at: int) -> str:
    """ISO-8601 UTC with Z, second precision (the ground truth's and ECS's timestamps)."""
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5
