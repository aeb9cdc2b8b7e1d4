"""Local wall-clock stamps (`YYYY-MM-DD HH:MM:SS` in the organization's zone) read once per hour.

Every CDR line carries two or three such stamps, and turning each into an aware datetime, then
into a UTC ISO string, costs more than parsing the line. When a zone's UTC offset is a whole
number of hours and the same at every minute of a local hour (so no DST change falls inside
it), the UTC `YYYY-MM-DDTHH:` prefix and the hour's wall-clock seconds are computed for its
first stamp and reused for the others; other hours are converted stamp by stamp.
Anything unusual (non-ASCII text, a conversion that fails) goes through context.local_time and
context.iso as before, so errors and their messages do not change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .context import iso, local_time

SIXTY = {f"{s:02d}": s for s in range(60)}  # valid minutes and seconds
_WALL_EPOCH = datetime(1970, 1, 1)
MAX_HOURS = 4096  # records come roughly in time order: a small cache hits almost always
_HOUR = timedelta(hours=1)
# wall-clock steps from an hour's first second to every minute and to its last second
_EVERY_MINUTE = tuple(timedelta(minutes=m) for m in range(1, 60)) + (timedelta(minutes=59, seconds=59),)


class Stamp(NamedTuple):
    """One local stamp: its UTC ISO string, local hour and wall-clock seconds (for durations:
    like subtracting two datetimes of the same zone, it ignores DST changes in between)."""

    iso: str | None  # None: the UTC conversion failed; `when` reproduces the error in iso()
    hour: int
    seconds: int
    when: datetime | None = None

    def utc(self) -> str:
        return self.iso if self.iso is not None else iso(self.when)  # type: ignore[arg-type]


class _Hour(NamedTuple):
    utc_prefix: str  # "YYYY-MM-DDTHH:"
    hour: int
    seconds: int  # wall-clock seconds of the hour's first second


class LocalClock:
    """Reads stamps for one zone, with a small per-hour cache."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._hours: dict[str, _Hour | None] = {}

    def stamp(self, text: str) -> Stamp:
        """The stamp of `text`; raises exactly what local_time(text, zone) raises."""
        hour = self._hours.get(text[:13])
        if hour is not None and len(text) == 19 and text[13] == ":" and text[16] == ":":
            minute, second = SIXTY.get(text[14:16]), SIXTY.get(text[17:])
            if minute is not None and second is not None:
                return Stamp(f"{hour.utc_prefix}{text[14:]}Z", hour.hour, hour.seconds + 60 * minute + second)
        when = local_time(text, self.zone)
        naive = when.replace(tzinfo=None)
        wall = (naive - _WALL_EPOCH) // timedelta(seconds=1)
        try:
            utc = when.astimezone(timezone.utc)
        except (OverflowError, ValueError):  # at datetime's limits: iso() raises it where it used to
            return Stamp(None, when.hour, wall, when)
        if text.isascii() and text[:13] not in self._hours:
            self._remember(text[:13], when, utc, wall - 60 * when.minute - when.second)
        return Stamp(utc.strftime("%Y-%m-%dT%H:%M:%SZ"), when.hour, wall, when)

    def _remember(self, key: str, when: datetime, utc: datetime, hour_seconds: int) -> None:
        steady = steady_hour(when.replace(minute=0, second=0))
        remember(self._hours, key, _Hour(utc.strftime("%Y-%m-%dT%H:"), when.hour, hour_seconds) if steady else None)


def steady_hour(first: datetime) -> bool:
    """Whether the aware time `first` (the top of an hour) has a whole-hour UTC offset that stays
    the same at every minute of that hour: then the hour's UTC prefix serves all its stamps."""
    offset = first.utcoffset()
    zone = first.tzinfo
    return (offset is not None and zone is not None and offset % _HOUR == timedelta(0)
            and all(zone.utcoffset(first + step) == offset for step in _EVERY_MINUTE))


def remember(hours: dict, key: str, value: object) -> None:
    """Put `value` in a per-hour cache, emptied when full (records come roughly in time order)."""
    if len(hours) >= MAX_HOURS:
        hours.clear()
    hours[key] = value
