"""`ingest --jobs`: normalize pieces of a file in worker processes, write or send them in file order.

A file is cut only at line breaks where its format says a fresh reader reads on exactly as
the running one would (Format.split_point); each piece is normalized by a worker into NDJSON
bytes, its rejects (line numbers made file-relative) and its counts. The parent writes pieces
in order as they complete, with at most a few in flight, so output is the same bytes as one
process would write and memory does not grow with the file. When a long stretch offers no
allowed break (MAX_UNCUT_PIECES), the rest of that file is read in-process after the pieces in
flight. Standard input, formats that do not opt in and small files are read in-process, as
without --jobs. Into Elasticsearch (encoded_events), workers hand back serialized events with
their ids, so normalizing the next pieces overlaps the cluster indexing the last batch.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
from collections import deque
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterator

import orjson

from .base import Format
from .model import Event, IngestStats, Reject
from .context import enriched
from .runner import STDIN, RejectWriter, Sources, counted, normalized_events, write_ndjson

PIECE_BYTES = 1 << 20  # ~4-8k records: enough work to hide the hand-off, little to hold
IN_FLIGHT_PER_JOB = 2
MAX_UNCUT_PIECES = 8  # no allowed break in this many pieces' bytes (at least 256 KiB): read the
MIN_UNCUT_BYTES = 256 << 10  # rest in-process, so a file that cannot be cut costs no memory


@dataclass(frozen=True)
class Piece:
    """Bytes [offset, offset + size) of a file, after `lines_before` lines; size -1: to its end."""

    path: str
    offset: int
    size: int
    lines_before: int


def pieces(path: str, fmt_class: type[Format], piece_bytes: int = PIECE_BYTES) -> Iterator[Piece]:
    """The file cut after about every `piece_bytes`, at the last line break the format allows."""
    offset = lines_before = 0
    block = b""
    with open(path, "rb") as handle:
        while True:
            more = handle.read(piece_bytes)
            block += more
            if not more:  # end of file: what is left is the last piece
                if block:
                    yield Piece(path, offset, len(block), lines_before)
                return
            cut = _cut(block, fmt_class)
            if cut == 0 and len(block) >= max(MAX_UNCUT_PIECES * piece_bytes, MIN_UNCUT_BYTES):
                yield Piece(path, offset, -1, lines_before)  # memory stays bounded: no more cuts
                return
            if cut == 0:
                continue  # no allowed break yet: read on
            yield Piece(path, offset, cut, lines_before)
            lines_before += block.count(b"\n", 0, cut)
            offset += cut
            block = block[cut:]


def _cut(block: bytes, fmt_class: type[Format]) -> int:
    """Length of the longest prefix of `block` that ends at an allowed line break; 0 if none."""
    context = fmt_class.split_context or 0
    end = block.rfind(b"\n")
    while end >= 0:
        lines, start = [], end
        while len(lines) < context and start > 0:  # the context lines before the break, last first
            previous = block.rfind(b"\n", 0, start)
            lines.append(block[previous + 1:start])
            start = previous
        if fmt_class.split_point(lines):
            return end + 1
        end = block.rfind(b"\n", 0, end)
    return 0


# The worker's copy of the parent's format (and its context), inherited through fork.
_worker: dict[str, Format] = {}


def _start_worker(fmt: Format) -> None:
    _worker["format"] = fmt


def _piece_bytes(piece: Piece) -> io.BytesIO:
    with open(piece.path, "rb") as handle:
        handle.seek(piece.offset)
        return io.BytesIO(handle.read(piece.size))


def _piece_events(fmt: Format, stream: BinaryIO, piece: Piece, stats: IngestStats,
                  reject: Callable[[Reject], object]) -> Iterator[Event]:
    """A piece's events; its rejects, with file line numbers, to `reject`; counts in `stats`."""
    for record in counted(enriched(fmt.records(stream, piece.path), fmt.ctx), stats):
        if type(record) is Event:
            yield record  # type: ignore[misc]
        elif type(record) is Reject:
            record.line += piece.lines_before  # type: ignore[union-attr]
            reject(record)  # type: ignore[arg-type]


def _normalize_piece(piece: Piece) -> tuple[bytes, list[Reject], IngestStats]:
    """NDJSON of a piece's events, its rejects with file line numbers, and its counts."""
    fmt = _worker["format"]
    stats = fmt.ctx.stats = IngestStats()  # per piece: the parent adds them up in file order
    rejects: list[Reject] = []
    out = [orjson.dumps(event.fields) for event in _piece_events(fmt, _piece_bytes(piece), piece, stats, rejects.append)]
    out.append(b"")
    return b"\n".join(out), rejects, stats


def _encode_piece(piece: Piece) -> tuple[list[tuple[str, bytes, str | None]], list[Reject], IngestStats]:
    """A piece's events ready for bulk (category, serialized event, event id), rejects, counts."""
    fmt = _worker["format"]
    stats = fmt.ctx.stats = IngestStats()
    rejects: list[Reject] = []
    events = [(event.category, orjson.dumps(event.fields), event.fields.get("event.id"))
              for event in _piece_events(fmt, _piece_bytes(piece), piece, stats, rejects.append)]
    return events, rejects, stats


def parallel_worth(fmt: Format, sources: Sources, jobs: int) -> bool:
    """Whether --jobs can help: several workers, a format that may be cut, a file that would be,
    Linux (fork is the safe default there; macOS system libraries may not survive it)."""
    return (jobs > 1 and type(fmt).split_context is not None and STDIN not in sources.paths
            and sys.platform.startswith("linux")
            and any(os.path.getsize(p) > PIECE_BYTES for p in sources.paths))


def write_events(fmt: Format, sources: Sources, out: BinaryIO, rejects: RejectWriter, jobs: int,
                 tick: Callable[[int], None] = lambda n: None) -> int:
    """Events as NDJSON to `out` (what `ingest --out` does): in `jobs` workers when that can
    help (parallel_worth), else in this process; the bytes are the same either way."""
    if parallel_worth(fmt, sources, jobs):
        return write_ndjson_parallel(fmt, sources, out, rejects, jobs, tick)
    return write_ndjson(normalized_events(fmt, sources, rejects, lambda c: c, fmt.ctx.stats, tick), out)


def write_ndjson_parallel(fmt: Format, sources: Sources, out: BinaryIO, rejects: RejectWriter, jobs: int,
                          tick: Callable[[int], None] = lambda n: None, piece_bytes: int = PIECE_BYTES) -> int:
    """What write_ndjson(normalized_events(fmt, ...)) writes, normalized by `jobs` worker
    processes; counts go to fmt.ctx.stats."""
    written = 0
    for piece, result in _in_order(fmt, sources, _normalize_piece, jobs, piece_bytes):
        if result is None:  # the rest of a file that could not be cut, streamed here
            with open(piece.path, "rb") as handle:
                handle.seek(piece.offset)
                for event in _piece_events(fmt, handle, piece, fmt.ctx.stats, rejects.write):
                    out.write(orjson.dumps(event.fields) + b"\n")
                    written += 1
            continue
        ndjson, piece_rejects, piece_stats = result
        out.write(ndjson)
        _merge(piece_rejects, piece_stats, rejects, fmt.ctx.stats, tick)
        written += piece_stats.events
    return written


def encoded_events(fmt: Format, sources: Sources, rejects: RejectWriter, index_for: Callable[[str], str], jobs: int,
                   tick: Callable[[int], None] = lambda n: None) -> Iterator[tuple[str, bytes, str | None]]:
    """(index, serialized event, event id) for bulk_index_encoded, in file order: normalized by
    `jobs` workers while the caller sends what came before (when parallel_worth), else here."""
    if parallel_worth(fmt, sources, jobs):
        yield from encoded_events_parallel(fmt, sources, rejects, index_for, jobs, tick)
        return
    for index, event in normalized_events(fmt, sources, rejects, index_for, fmt.ctx.stats, tick):
        yield index, orjson.dumps(event), event.get("event.id")


def encoded_events_parallel(fmt: Format, sources: Sources, rejects: RejectWriter, index_for: Callable[[str], str],
                            jobs: int, tick: Callable[[int], None] = lambda n: None,
                            piece_bytes: int = PIECE_BYTES) -> Iterator[tuple[str, bytes, str | None]]:
    """What encoded_events gives in one process, from `jobs` workers; counts go to fmt.ctx.stats."""
    indices: dict[str, str] = {}  # category → index name
    for piece, result in _in_order(fmt, sources, _encode_piece, jobs, piece_bytes):
        if result is None:  # the rest of a file that could not be cut, read here
            with open(piece.path, "rb") as handle:
                handle.seek(piece.offset)
                for event in _piece_events(fmt, handle, piece, fmt.ctx.stats, rejects.write):
                    tick(1)
                    yield index_for(event.category), orjson.dumps(event.fields), event.fields.get("event.id")
            continue
        events, piece_rejects, piece_stats = result
        _merge(piece_rejects, piece_stats, rejects, fmt.ctx.stats, tick)
        for category, source, event_id in events:
            index = indices.get(category) or indices.setdefault(category, index_for(category))
            yield index, source, event_id


def _in_order(fmt: Format, sources: Sources, work: Callable[[Piece], Any], jobs: int,
              piece_bytes: int) -> Iterator[tuple[Piece, Any]]:
    """Each piece with what `work` made of it in a worker, in file order, at most a few in
    flight; a piece that is the uncut rest of a file comes with None, after those before it."""
    context = multiprocessing.get_context("fork")  # workers inherit the format: nothing to pickle
    with context.Pool(jobs, initializer=_start_worker, initargs=(fmt,)) as pool:
        for path in sources.paths:
            window: deque = deque()
            for piece in pieces(path, type(fmt), piece_bytes):
                if piece.size < 0:
                    while window:
                        done, result = window.popleft()
                        yield done, result.get()
                    yield piece, None
                    continue
                window.append((piece, pool.apply_async(work, (piece,))))
                if len(window) >= jobs * IN_FLIGHT_PER_JOB:
                    done, result = window.popleft()
                    yield done, result.get()
            while window:
                done, result = window.popleft()
                yield done, result.get()


def _merge(piece_rejects: list[Reject], piece_stats: IngestStats, rejects: RejectWriter, stats: IngestStats,
           tick: Callable[[int], None]) -> None:
    """A finished piece's rejects written and counts added, in file order."""
    for reject in piece_rejects:
        rejects.write(reject)
    add_stats(stats, piece_stats)
    tick(piece_stats.read)


def add_stats(total: IngestStats, part: IngestStats) -> None:
    """Counts of a later piece added to the run's (dict keys keep first-seen order)."""
    total.read += part.read
    total.events += part.events
    total.rejected += part.rejected
    total.unparsed_numbers += part.unparsed_numbers
    total.decoded_latin1 += part.decoded_latin1
    for mine, theirs in ((total.skipped, part.skipped), (total.dropped_fields, part.dropped_fields),
                         (total.by_category, part.by_category)):
        for key, count in theirs.items():
            mine[key] = mine.get(key, 0) + count


def default_jobs() -> int:
    """Worker processes for --jobs 0: the CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
