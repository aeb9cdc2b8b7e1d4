"""The trawling flood from January 2025: every wave, day by day, with the state they share."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from .clock import FLOOD_START, iso_z
from .flood_messages import message_flood_day
from .flood_reports import reports_day
from .flood_state import FloodState
from .flood_voice import voice_flood_day
from .records import Record
from .world import World

BLOCKLIST = "blocklist.csv"


class Flood:
    """Generates the flood one local day at a time and keeps the block list it produces."""

    def __init__(self, world: World):
        self.state = FloodState(world)

    def day(self, day: date) -> list[Record]:
        if day < FLOOD_START:
            return []
        d = (day - FLOOD_START).days
        records: list[Record] = [*voice_flood_day(self.state, day, d), *message_flood_day(self.state, day, d)]
        return records + reports_day(self.state, day, d, records)

    def write_blocklist(self, root: Path) -> int:
        """The numbers employees blocked, when, on which channel (input for range enrichment)."""
        with (root / BLOCKLIST).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["blocked_at", "channel", "number", "range", "reported_by"])
            for entry in self.state.blocks:
                writer.writerow([iso_z(entry.at), entry.channel, entry.number, entry.range, entry.employee])
        return len(self.state.blocks)
