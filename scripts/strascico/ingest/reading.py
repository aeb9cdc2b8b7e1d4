"""Streaming readers shared by the formats: decoded lines, CSV records, JSON objects.

Lines are decoded as UTF-8, and a line that is not UTF-8 is decoded as Latin-1 (counted in
the stats) rather than dropped: real CDR exports carry caller names in legacy encodings.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, BinaryIO, Iterator

import ijson

from .model import IngestStats


def decoded_lines(stream: BinaryIO, stats: IngestStats) -> Iterator[tuple[int, str]]:
    """(line number, text without the line break) for every line of a byte stream."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            stats.decoded_latin1 += 1
        yield number, text.rstrip("\r\n")


MAX_RECORD_LINES = 20  # a quoted field longer than this is a truncated record, not a long one


class _OneRecord:
    """The input of one long-lived csv.reader, fed one record's text at a time (a reader
    resets its state on every next(), so this parses exactly like csv.reader([text]))."""

    def __init__(self) -> None:
        self.text: str | None = None

    def __iter__(self) -> _OneRecord:
        return self

    def __next__(self) -> str:
        text, self.text = self.text, None
        if text is None:
            raise StopIteration
        return text


def csv_records(lines: Iterator[tuple[int, str]], **fmtparams: Any) -> Iterator[
        tuple[int, list[str] | None, str]]:
    """(first line number, fields, raw text) per CSV record; quoted fields may span lines.

    A record whose quote never closes within MAX_RECORD_LINES (a truncated line) comes back
    with fields None, and reading resumes at the line after its first one, so one broken
    line cannot swallow the rest of the file.
    """
    feed = _OneRecord()
    reader = csv.reader(feed, **fmtparams)

    def parse(text: str) -> list[str] | None:
        feed.text = text
        try:
            return next(reader)
        except csv.Error:  # e.g. several stray quotes: a bad record, never a crashed run
            return None

    pending: list[tuple[int, str]] = []
    source = iter(lines)
    while True:
        if not pending:
            for number, text in source:  # the common case: a whole record on one line
                if text.count('"') % 2:
                    pending.append((number, text))
                    break
                if text.strip():
                    yield number, parse(text), text
            else:
                return
        joined = "\n".join(text for _, text in pending)
        if joined.count('"') % 2 == 0:
            start = pending[0][0]
            pending = []
            if joined.strip():
                yield start, parse(joined), joined
            continue
        nxt = next(source, None) if len(pending) < MAX_RECORD_LINES else None
        if nxt is not None:
            pending.append(nxt)
            continue
        start, first = pending[0]
        yield start, None, first
        pending = pending[1:]


LOOKAHEAD = 4096  # Graph puts "@odata.context" (~100 bytes) before "value"


class _Utf8Lines(io.RawIOBase):
    """A byte stream re-encoded line by line as UTF-8; lines that are not UTF-8 are read as
    Latin-1 (and counted), so one legacy byte cannot stop a JSON array parse."""

    def __init__(self, stream: BinaryIO, stats: IngestStats | None):
        self._lines = iter(stream)
        self._stats = stats
        self._buffer = b""
        self._pos = 0  # of the next byte to hand out: a one-line JSON page must not be re-sliced per read

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def]
        while self._pos >= len(self._buffer):
            raw = next(self._lines, None)
            if raw is None:
                return 0
            try:
                raw.decode("utf-8")
                self._buffer = raw
            except UnicodeDecodeError:
                self._buffer = raw.decode("latin-1").encode("utf-8")
                if self._stats is not None:
                    self._stats.decoded_latin1 += 1
            self._pos = 0
        size = min(len(target), len(self._buffer) - self._pos)
        target[:size] = self._buffer[self._pos:self._pos + size]
        self._pos += size
        return size


def json_objects(stream: BinaryIO, items_keys: tuple[str, ...] = ("value", "messages", "items"),
                 stats: IngestStats | None = None) -> Iterator[tuple[int, Any, str]]:
    """(record number, object or an error string, raw) from JSON lines, a JSON array, or an
    object wrapping the array under one of `items_keys` (Graph's `value`, Twilio's `messages`)."""
    head = stream.peek(LOOKAHEAD)[:LOOKAHEAD] if hasattr(stream, "peek") else b""
    first = head.lstrip()[:1]
    if first == b"[":
        yield from _ijson_items(io.BufferedReader(_Utf8Lines(stream, stats)), "item")
        return
    if first == b"{" and _wrapped(head, items_keys):
        key = next(k for k in items_keys if f'"{k}"'.encode() in head)
        yield from _ijson_items(io.BufferedReader(_Utf8Lines(stream, stats)), f"{key}.item")
        return
    for number, text in decoded_lines(stream, stats or IngestStats()):
        text = text.strip()
        if not text:
            continue
        try:
            yield number, json.loads(text), text
        except json.JSONDecodeError as exc:
            yield number, f"invalid JSON: {exc.msg} (column {exc.colno})", text


def _wrapped(head: bytes, keys: tuple[str, ...]) -> bool:
    return any(f'"{k}"'.encode() in head for k in keys)


def _ijson_items(stream: BinaryIO, prefix: str) -> Iterator[tuple[int, Any, str]]:
    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
            yield number, item, json.dumps(item, ensure_ascii=False, sort_keys=True)
    except ijson.JSONError as exc:
        yield number + 1, f"invalid JSON after record {number}: {exc}", ""
