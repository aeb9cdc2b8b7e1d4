"""The files a site gives `strascico block`: its allowlist and the blocklist in force.

Both are read strictly: a row that is neither a valid number nor a `+digits` prefix stops the
run naming file and line — a protected number silently dropped would get blocked, and a
current entry misread would make the diff lie.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Callable, Iterator

from ..errors import InputError
from .plan import CurrentEntry

_PREFIX = re.compile(r"^\+?([0-9]{2,17})\*?$")
COLUMNS = ("prefix", "number", "numero", "phone")


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path) from None


def _cells(path: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(line, entry cell, the row by header) of a CSV with a prefix/number column, or of one entry a line."""
    rows = list(csv.reader(io.StringIO(_text(path))))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    column = next((header.index(c) for c in COLUMNS if c in header), None)
    start = 1 if column is not None else 0
    for line, row in enumerate(rows[start:], start=start + 1):
        cell = row[column if column is not None else 0].strip() if len(row) > (column or 0) else ""
        if not cell or cell.startswith("#"):
            continue
        named = dict(zip(header, (c.strip() for c in row), strict=False)) if column is not None else {}
        yield line, cell, named


def read_allowlist(path: Path, e164: Callable[[str], str | None]) -> tuple[set[str], set[str]]:
    """(numbers, prefixes) as digits: a valid number is protected as such; `+4930123*` (or a
    `prefix` column) protects a whole range."""
    numbers: set[str] = set()
    prefixes: set[str] = set()
    for line, cell, named in _cells(path):
        spaced = re.sub(r"[\s\-./()]", "", cell)
        if spaced.endswith("*") or (named and "prefix" in named and named.get("prefix") == cell):
            match = _PREFIX.match(spaced)
            if match is None:
                raise InputError(f"not a +digits prefix: {cell!r}", path, line)
            prefixes.add(match.group(1))
            continue
        number = e164(cell)
        if number is None:
            raise InputError("not a valid phone number (write a range as +4930123*)", path, line)
        numbers.add(number[1:])
    return numbers, prefixes


def read_current(path: Path, e164: Callable[[str], str | None]) -> list[CurrentEntry]:
    """Entries of the blocklist in force: our own CSV export (prefix, expires), ingest's
    `--blocklist` file (number) or one entry a line."""
    entries: list[CurrentEntry] = []
    for line, cell, named in _cells(path):
        number = e164(cell)
        if number is not None:
            digits = number[1:]
        else:
            match = _PREFIX.match(re.sub(r"[\s\-./()]", "", cell))
            if match is None or not cell.lstrip().startswith("+"):
                raise InputError(f"not a number or +digits prefix: {cell!r}", path, line)
            digits = match.group(1)
        entries.append(CurrentEntry(digits, named.get("expires") or None, line))
    return entries
