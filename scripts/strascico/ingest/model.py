"""What a format parser yields: normalized events, or rejected records with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Event:
    """One normalized event (flat dotted keys, docs/taxonomy.md) and the logsource it belongs to."""

    category: str
    fields: dict[str, Any]


# What normalizing one record's bad content may raise: a wrong value, a missing key, a JSON
# number where text belongs, a date beyond datetime's range. Each becomes a Reject, never a
# crashed run.
BAD_VALUE = (ValueError, KeyError, TypeError, OverflowError)


@dataclass
class Reject:
    """A record that could not be normalized; kept, counted, written to the rejects file."""

    source: str  # file name
    line: int  # 1-based line where the record starts
    reason: str
    raw: str


@dataclass
class Skip:
    """A well-formed line that is not a record of interest (a delivery report, a BYE transaction,
    a non-audit log line): counted by reason, not a reject, not written anywhere."""

    source: str
    line: int
    reason: str


@dataclass
class IngestStats:
    """Counts for the summary line: nothing is dropped without being counted."""

    read: int = 0
    events: int = 0
    rejected: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason → lines
    unparsed_numbers: int = 0
    decoded_latin1: int = 0
    dropped_fields: dict[str, int] = field(default_factory=dict)  # field outside the registry → times
    by_category: dict[str, int] = field(default_factory=dict)
