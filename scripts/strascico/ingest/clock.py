"""Local wall-clock stamps (`YYYY-MM-DD HH:MM:SS` in the organization's zone) read once per minute.

Every CDR line carries two or three such stamps, and turning each into an aware datetime, then
into a UTC ISO string, costs more than parsing the line. A zone's UTC offset does not change
inside a minute (checked at its first and last second, and only whole-minute offsets are
cached), so the UTC `YYYY-MM-DDTHH:MM:` prefix, the local hour and the minute's wall-clock
seconds are computed for the first stamp of a minute and reused for the others.
Anything unusual (non-ASCII text, a conversion that fails) goes through context.local_time and
context.iso as before, so errors and their messages do not change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .context import iso, local_time

_SECONDS = {f"{s:02d}": s for s in range(60)}
_WALL_EPOCH = datetime(1970, 1, 1)
MAX_MINUTES = 4096  # records come roughly in time order: a small cache hits almost always


class Stamp(NamedTuple):
    """One local stamp: its UTC ISO string, local hour and wall-clock seconds (for durations:
    like subtracting two datetimes of the same zone, it ignores DST changes in between)."""

    iso: str | None  # None: the UTC conversion failed; `when` reproduces the error in iso()
    hour: int
    seconds: int
    when: datetime | None = None

    def utc(self) -> str:
        return self.iso if self.iso is not None else iso(self.when)  # type: ignore[arg-type]


class _Minute(NamedTuple):
    utc_prefix: str  # "YYYY-MM-DDTHH:MM:"
    hour: int
    seconds: int  # wall-clock seconds of the minute's first second


class LocalClock:
    """Reads stamps for one zone, with a small per-minute cache."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._minutes: dict[str, _Minute | None] = {}

    def stamp(self, text: str) -> Stamp:
        """The stamp of `text`; raises exactly what local_time(text, zone) raises."""
        minute = self._minutes.get(text[:16])
        if minute is not None and len(text) == 19 and text[16] == ":" and (second := _SECONDS.get(text[17:])) is not None:
            return Stamp(f"{minute.utc_prefix}{text[17:]}Z", minute.hour, minute.seconds + second)
        when = local_time(text, self.zone)
        naive = when.replace(tzinfo=None)
        wall = (naive - _WALL_EPOCH) // timedelta(seconds=1)
        try:
            utc = when.astimezone(timezone.utc)
        except (OverflowError, ValueError):  # at datetime's limits: iso() raises it where it used to
            return Stamp(None, when.hour, wall, when)
        if text.isascii() and text[:16] not in self._minutes:
            self._remember(text[:16], when, utc, wall - when.second)
        return Stamp(utc.strftime("%Y-%m-%dT%H:%M:%SZ"), when.hour, wall, when)

    def _remember(self, key: str, when: datetime, utc: datetime, minute_seconds: int) -> None:
        first, last = when.replace(second=0), when.replace(second=59)
        offset = first.utcoffset()
        steady = offset == last.utcoffset() and offset is not None and offset % timedelta(minutes=1) == timedelta(0)
        if len(self._minutes) >= MAX_MINUTES:
            self._minutes.clear()
        self._minutes[key] = _Minute(utc.strftime("%Y-%m-%dT%H:%M:"), when.hour, minute_seconds) if steady else None
