"""Reading attribution's inputs as keyed hashes: the staff (population), the candidate datasets
and the victims. Every phone number is normalized and hashed as soon as it is read and only
population member numbers (0..N-1) are kept; no number of a dataset or of a reporter is held,
printed or written.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import orjson

from ..errors import InputError
from ..ingest.phones import PhoneNormalizer
from ..ingest.report_values import reporter_hash
from ..watchlist import HEADER as WATCHLIST_HEADER
from ..watchlist import Watchlist

PHONE_WORDS = ("phone", "tel", "cell", "mobile", "numero", "cellulare")
IDENTITY_COLUMNS = ("email", "e-mail", "mail", "user_name", "username", "employee_id", "matricola")
LEVELS = {"informational": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


class Hasher:
    """Normalizes numbers (libphonenumber, one default region, cached) and hashes them with the
    watchlist key: the same hash as `watchlist build` and `report.reporter.number_hash`."""

    def __init__(self, key: bytes, default_region: str = "IT"):
        self.key = key
        self.phones = PhoneNormalizer(default_region)
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def number(self, raw: str) -> str | None:
        info = self.phones.normalize(raw) if raw else None
        if info is None:
            return None
        digest = self._base.copy()
        digest.update(info.e164.encode())
        return digest.hexdigest()


@dataclass
class Population:
    """All staff: hashes → member number (0..N-1), by phone number and by reporter identity."""

    by_number: dict[str, int] = field(default_factory=dict, repr=False)
    by_identity: dict[str, int] = field(default_factory=dict, repr=False)
    rows: int = 0
    unusable: int = 0  # rows without a usable number: outside the universe

    @property
    def size(self) -> int:
        return len(set(self.by_number.values()))


@dataclass
class Dataset:
    """One candidate list: which population members it holds, and how much of it was readable."""

    name: str
    members: frozenset[int]
    rows: int
    numbers: int  # distinct usable numbers
    unusable: int


@dataclass
class Victims:
    """Victims as population members, with their first harassment time where a source gives it."""

    first: dict[int, str | None] = field(default_factory=dict)
    sources: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, member: int, when: str | None) -> None:
        known = self.first.get(member)
        self.first[member] = min(filter(None, (known, when)), default=None)

    def count(self, source: str, counts: dict[str, int]) -> None:
        """Add one file's counts to its kind of source (several --reports files add up)."""
        total = self.sources.setdefault(source, {})
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(path: Path, text: str) -> tuple[list[str], Iterator[list[str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise InputError("empty file (a CSV with a header row, or a strascico watchlist)", path)
    return [h.strip() for h in header], reader


def _phone_column(path: Path, header: list[str]) -> int:
    for index, name in enumerate(header):
        if any(word in name.lower() for word in PHONE_WORDS):
            return index
    raise InputError(f"no phone column (headers: {', '.join(header)}); name it phone, mobile, tel or numero", path)


def _hashes(path: Path, text: str, hasher: Hasher) -> tuple[list[str | None], int] | None:
    """Hashes of a strascico watchlist file (pre-hashed on the data owner's side), or None."""
    if not text.startswith(WATCHLIST_HEADER):
        return None
    watchlist = Watchlist.load(path, hasher.key)  # refuses a file hashed with another key
    return list(watchlist.hashes), 0


def load_population(path: Path, hasher: Hasher) -> Population:
    """Staff from HR's CSV (phone column, plus e-mail / user name columns that reporters may be
    identified by) or from a watchlist file of their numbers."""
    population = Population()
    text = _text(path)
    hashed = _hashes(path, text, hasher)
    if hashed is not None:
        for member, hashed_number in enumerate(sorted(h for h in hashed[0] if h)):
            population.by_number[hashed_number] = member
        population.rows = len(population.by_number)
        return population
    header, rows = _rows(path, text)
    phone = _phone_column(path, header)
    identities = [i for i, name in enumerate(header) if name.lower() in IDENTITY_COLUMNS]
    for row in rows:
        population.rows += 1
        value = hasher.number(row[phone].strip()) if len(row) > phone else None
        if value is None:
            population.unusable += 1
            continue
        member = population.by_number.setdefault(value, len(population.by_number))
        for index in identities:
            if len(row) > index and row[index].strip():
                population.by_identity[reporter_hash(hasher.key, row[index])] = member
    return population


def load_dataset(name: str, path: Path, hasher: Hasher, population: Population) -> Dataset:
    """A candidate dataset: CSV with a phone column, or a watchlist file; hashed on read."""
    text = _text(path)
    hashed = _hashes(path, text, hasher)
    if hashed is not None:
        values, rows, unusable = hashed[0], len(hashed[0]), 0
    else:
        header, reader = _rows(path, text)
        phone = _phone_column(path, header)
        values, rows = [], 0
        for row in reader:
            rows += 1
            values.append(hasher.number(row[phone].strip()) if len(row) > phone else None)
        unusable = sum(v is None for v in values)
    distinct = {v for v in values if v is not None}
    members = frozenset(m for v in distinct if (m := population.by_number.get(v)) is not None)
    return Dataset(name, members, rows, len(distinct), unusable)


def add_reports(victims: Victims, path: Path, population: Population, region: str, all_reports: bool) -> None:
    """Reporters of ingested report events (`strascico ingest -f report-* --out FILE`): by their
    number hash, else their identity hash. Only reports of foreign numbers unless all_reports."""
    counts = {"reports": 0, "counted": 0, "new_victims": 0, "not_in_population": 0}
    before = len(victims.first)
    unknown: set[str] = set()
    for event in _json_lines(path, "an NDJSON event (expected `strascico ingest --out` output)"):
        if not isinstance(event, dict) or event.get("event.action") != "contact-reported":
            continue
        counts["reports"] += 1
        country = event.get("telephony.caller.country_iso")
        if not all_reports and (country is None or country == region.upper()):
            continue
        counts["counted"] += 1
        number, identity = event.get("report.reporter.number_hash"), event.get("report.reporter.hash")
        member = population.by_number.get(number) if number else None
        if member is None and identity:
            member = population.by_identity.get(identity)
        if member is None:
            if number or identity:
                unknown.add(str(number or identity))
            continue
        victims.add(member, event.get("@timestamp"))
    counts["not_in_population"] = len(unknown)
    counts["new_victims"] = len(victims.first) - before
    victims.count("reports", counts)


def add_hunt(victims: Victims, path: Path, population: Population, hasher: Hasher, min_level: str) -> None:
    """Employees the telephony and messaging rules saw targeted (`strascico hunt --json`): flood
    alerts of at least `min_level` whose victim is a phone number (hashed on read)."""
    counts = {"alerts": 0, "counted": 0, "new_victims": 0, "not_in_population": 0}
    before = len(victims.first)
    outside: set[str] = set()
    for alert in _json_lines(path, "a JSON line (expected `strascico hunt --json` output)"):
        if not isinstance(alert, dict) or alert.get("type") not in ("alert", "victim"):
            continue
        counts["alerts"] += 1
        if alert["type"] == "victim":  # the hunt's exact victim list: flood signals, medium and above
            victim = alert.get("number")
            if not isinstance(victim, str) or LEVELS["medium"] < LEVELS[min_level]:
                continue
        else:  # per-victim alerts, as earlier hunts wrote them
            victim = alert.get("victim")
            if (alert.get("stage") != "flood" or alert.get("kind") != "rule" or not isinstance(victim, str)
                    or LEVELS.get(str(alert.get("level")), 2) < LEVELS[min_level]):
                continue
        value = hasher.number(victim)
        if value is None:
            continue
        counts["counted"] += 1
        member = population.by_number.get(value)
        if member is None:
            outside.add(value)
            continue
        victims.add(member, alert.get("first") or None)
    counts["not_in_population"] = len(outside)
    counts["new_victims"] = len(victims.first) - before
    victims.count("hunt", counts)


def add_hashes(victims: Victims, path: Path, population: Population, hasher: Hasher) -> None:
    """Victims listed as a watchlist file of their numbers' keyed hashes (no dates)."""
    hashed = _hashes(path, _text(path), hasher)
    if hashed is None:
        raise InputError("--victims takes a strascico watchlist file (strascico watchlist build)", path)
    found = [population.by_number.get(h) for h in hashed[0] if h]
    before = len(victims.first)
    for member in found:
        if member is not None:
            victims.add(member, None)
    victims.count("hashes", {"hashes": len(found), "new_victims": len(victims.first) - before,
                             "not_in_population": sum(m is None for m in found)})


def _json_lines(path: Path, expected: str) -> Iterator[Any]:
    """Each non-blank line of a JSON-lines file, parsed; a line that is not JSON is an error
    naming its line ("not <expected>")."""
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError:
                    raise InputError(f"not {expected}", path, number) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
