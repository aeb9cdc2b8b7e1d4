"""The `--blocklist` file `strascico ingest` reads, so the next hunt sees contacts from blocked ranges.

Ingest takes numbers, not prefixes, and marks a caller `range_blocked` when its range (the
number without its last two digits, `ingest/phones.py`) holds a blocked number. So a prefix
becomes one valid number per 100-number range it touches, for each number length the
campaign used under it. A prefix longer than a range (fewer than 100 numbers) still flags its
whole range — ingest's granularity, not ours — so when that range holds a protected number
the prefix is left out (a `#` comment row says so, which ingest skips): flagging it would make
the relative's next call an alert. Entries kept from the current blocklist carry no lengths
and are written only when they are a valid number themselves.
"""

from __future__ import annotations

import csv
import io

from ...errors import InputError
from ..plan import BlockPlan, Entry
from .base import ExportContext, Exporter

RANGE_DIGITS = 2  # strascico.ingest.phones.RANGE_DROP_DIGITS
MAX_ROWS = 200_000  # a prefix that needs more is far too broad for a per-range list
_TRIES = ("00", "01", "10", "50", "99")  # a range whose numbers are valid has these valid too, in practice


def _lengths(entry: Entry) -> set[int]:
    ev = entry.evidence or {}
    return {len(n) - 1 for n in ev.get("numbers", [])} | {len(r) - 1 + RANGE_DIGITS for r in ev.get("ranges", [])}


def representatives(entry: Entry, context: ExportContext) -> list[str]:
    """One valid number per range the prefix touches (raises if that is more than MAX_ROWS)."""
    valid = context.e164 or (lambda raw: None)
    if entry.evidence is None:
        number = valid(entry.prefix)
        return [number] if number else []
    found: list[str] = []
    for length in sorted(_lengths(entry)):
        free = length - RANGE_DIGITS - len(entry.digits)  # digits between the prefix and the range end
        if free < 0:  # the prefix reaches into the last two digits: its numbers share one range
            head = entry.digits[:length - RANGE_DIGITS]
            if context.protected is not None and context.protected.conflict(head, ()) is not None:
                raise _Skipped(f"its range +{head} holds a protected number")
            heads, tails = [head], [entry.digits[length - RANGE_DIGITS:].ljust(2, "0")]
        else:
            if 10 ** free > MAX_ROWS:
                raise InputError(f"{entry.prefix} touches {10 ** free:,} ranges of {length}-digit numbers: too broad "
                                 f"for ingest's blocklist (at most {MAX_ROWS:,}); raise --min-length")
            heads = [entry.digits + (f"{i:0{free}d}" if free else "") for i in range(10 ** free)]
            tails = list(_TRIES)
        for head in heads:
            number = next((n for tail in tails if (n := valid(f"+{head}{tail}")) and len(n) == length + 1), None)
            if number:
                found.append(number)
    return found


class _Skipped(Exception):
    """A prefix ingest's blocklist cannot express without flagging a protected number."""


class IngestBlocklist(Exporter):
    name = "strascico-blocklist"
    filename = "ingest-blocklist.csv"
    summary = "strascico ingest --blocklist: one valid number per blocked 100-number range"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("number", "prefix", "review_by"))
        seen: set[str] = set()
        for entry in plan.active():
            try:
                numbers = representatives(entry, context)
            except _Skipped as why:
                writer.writerow((f"# {entry.prefix} not listed: {why}", "", ""))
                continue
            for number in numbers:
                if number not in seen:
                    seen.add(number)
                    writer.writerow((number, entry.prefix, entry.review_by or entry.expires or ""))
        return out.getvalue()
