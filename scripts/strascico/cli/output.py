"""Shared output helpers: progress bars on stderr, tables and JSON on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable, Sequence, TypeVar

import click
from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None, enabled: bool = True) -> Iterable[T]:
    """A progress bar on stderr when it is a terminal; the plain iterable otherwise."""
    if not enabled or not sys.stderr.isatty():
        return items
    return tqdm(items, desc=desc, total=total, file=sys.stderr, leave=False, unit="rule")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
