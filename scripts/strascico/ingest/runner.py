"""Driving one ingest: read sources, normalize, write NDJSON or bulk-index, keep every reject."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, TextIO

import orjson

from .base import Format
from .context import enriched
from .model import Event, IngestStats, Reject, Skip

STDIN = "-"


@dataclass
class Sources:
    """Input files (or `-` for standard input), opened one at a time in order."""

    paths: list[str]

    def open(self) -> Iterator[tuple[str, BinaryIO]]:
        for path in self.paths:
            if path == STDIN:
                yield "<stdin>", sys.stdin.buffer
            else:
                with open(path, "rb") as handle:
                    yield path, handle


class RejectWriter:
    """Appends rejects as NDJSON ({source, line, reason, raw}); the file is created on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._handle: TextIO | None = None
        self.count = 0

    def write(self, reject: Reject) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8")
        self._handle.write(orjson.dumps(reject.__dict__).decode() + "\n")
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def normalized_events(fmt: Format, sources: Sources, rejects: RejectWriter, index_for: Callable[[str], str],
                      stats: IngestStats, tick: Callable[[int], None] = lambda n: None) -> Iterator[tuple[str, dict]]:
    """(index, event) for every good record; rejects go to the writer; stats count both."""
    for name, stream in sources.open():
        for record in counted(enriched(fmt.records(stream, name), fmt.ctx), stats):
            tick(1)
            kind = type(record)
            if kind is Event:
                yield index_for(record.category), record.fields  # type: ignore[union-attr]
            elif kind is Reject:
                rejects.write(record)  # type: ignore[arg-type]


def counted(records: Iterator[Event | Reject | Skip], stats: IngestStats) -> Iterator[Event | Reject | Skip]:
    """A format's records, each counted in `stats` (read, events by logsource, rejects, skips by reason)."""
    skipped, by_category = stats.skipped, stats.by_category
    for record in records:
        stats.read += 1
        kind = type(record)
        if kind is Event:
            stats.events += 1
            by_category[record.category] = by_category.get(record.category, 0) + 1  # type: ignore[union-attr]
        elif kind is Reject:
            stats.rejected += 1
        else:
            assert kind is Skip, f"a format yielded {record!r}"
            skipped[record.reason] = skipped.get(record.reason, 0) + 1  # type: ignore[union-attr]
        yield record


def write_ndjson(events: Iterator[tuple[str, dict]], out: Path | TextIO) -> int:
    """Write events as NDJSON (one event per line, `_index` kept out of the event)."""
    written = 0
    with ExitStack() as stack:
        handle = out if not isinstance(out, Path) else stack.enter_context(out.open("wb"))
        binary = getattr(handle, "buffer", handle)
        for _, event in events:
            binary.write(orjson.dumps(event) + b"\n")
            written += 1
    return written
