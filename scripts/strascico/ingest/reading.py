"""Streaming readers shared by the formats: decoded lines, CSV records, JSON objects.

Lines are decoded as UTF-8, and a line that is not UTF-8 is decoded as Latin-1 (counted in
the stats) rather than dropped: real CDR exports carry caller names in legacy encodings.
"""

from __future__ import annotations

import csv
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


def csv_records(lines: Iterator[tuple[int, str]], **fmtparams: Any) -> Iterator[
        tuple[int, list[str] | None, str]]:
    """(first line number, fields, raw text) per CSV record; quoted fields may span lines.

    A record whose quote never closes within MAX_RECORD_LINES (a truncated line) comes back
    with fields None, and reading resumes at the line after its first one, so one broken
    line cannot swallow the rest of the file.
    """
    pending: list[tuple[int, str]] = []
    source = iter(lines)
    while True:
        if not pending:
            nxt = next(source, None)
            if nxt is None:
                return
            pending.append(nxt)
        joined = "\n".join(text for _, text in pending)
        if joined.count('"') % 2 == 0:
            start = pending[0][0]
            pending = []
            if joined.strip():
                yield start, next(csv.reader([joined], **fmtparams)), joined
            continue
        nxt = next(source, None) if len(pending) < MAX_RECORD_LINES else None
        if nxt is not None:
            pending.append(nxt)
            continue
        start, first = pending[0]
        yield start, None, first
        pending = pending[1:]


def json_objects(stream: BinaryIO, items_keys: tuple[str, ...] = ("value", "messages", "items")) -> Iterator[
        tuple[int, Any, str]]:
    """(record number, object or an error string, raw) from JSON lines, a JSON array, or an
    object wrapping the array under one of `items_keys` (Graph's `value`, Twilio's `messages`)."""
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    first = head.lstrip()[:1]
    if first == b"[":
        yield from _ijson_items(stream, "item")
        return
    if first == b"{" and _wrapped(head, items_keys):
        key = next(k for k in items_keys if f'"{k}"'.encode() in head)
        yield from _ijson_items(stream, f"{key}.item")
        return
    for number, raw in enumerate(stream, start=1):
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            continue
        try:
            yield number, json.loads(text), text
        except json.JSONDecodeError as exc:
            yield number, f"invalid JSON: {exc.msg} at column {exc.colno}", text


def _wrapped(head: bytes, keys: tuple[str, ...]) -> bool:
    return any(f'"{k}"'.encode() in head for k in keys)


def _ijson_items(stream: BinaryIO, prefix: str) -> Iterator[tuple[int, Any, str]]:
    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
            yield number, item, json.dumps(item, ensure_ascii=False, sort_keys=True)
    except ijson.JSONError as exc:
        yield number + 1, f"invalid JSON after record {number}: {exc}", ""
