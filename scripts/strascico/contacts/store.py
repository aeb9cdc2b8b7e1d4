"""The known-contacts file: keyed hashes of (employee, contact) pairs and of contacts, never numbers.

Same key and key id as the exposed-cohort watchlist (`strascico.watchlist`), so one secret
protects both and a file built with another key is refused instead of silently matching nothing.
Two kinds of line: `p <hash>` for a pair (this employee knows this number) and `o <hash> <n>`
for a number known to n employees of the organisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..watchlist import key_id, number_hash, read_hashed_file

HEADER = "# strascico known-contacts v1 hmac-sha256"


def pair_hash(key: bytes, employee: str, contact: str) -> str:
    """Keyed hash of one relationship: the employee's number or extension, and the contact's E.164."""
    return number_hash(key, f"{employee}\x00{contact}")


@dataclass
class KnownContacts:
    """Who knows whom, as hashes; `cutoff` is the end of the history they were learnt from."""

    key: bytes = field(repr=False)
    cutoff: str = ""
    pairs: set[str] = field(default_factory=set, repr=False)
    organisation: dict[str, int] = field(default_factory=dict, repr=False)  # contact hash → employees

    def add(self, employees: set[str], contact: str) -> None:
        """One relationship; `employees` are every identifier of the same person (number, extension)."""
        for employee in employees:
            self.pairs.add(pair_hash(self.key, employee, contact))

    @classmethod
    def learn(cls, key: bytes, cutoff: str, relations: Iterable) -> "tuple[KnownContacts, Counter[str]]":  # type: ignore[type-arg]
        """Hash every relation; returns the store and how many relations of each kind were seen."""
        known = cls(key, cutoff)
        people: dict[str, set[frozenset[str]]] = defaultdict(set)
        kinds: Counter[str] = Counter()
        for relation in relations:
            known.add(set(relation.employee), relation.contact)
            people[relation.contact].add(relation.employee)
            kinds[relation.how] += 1
        for contact, employees in people.items():
            known.organisation[number_hash(key, contact)] = len(employees)
        return known, kinds

    def known_to(self, employees: list[str], contact: str) -> bool:
        """Whether any identifier of the person contacted already had a relationship with `contact`."""
        return any(pair_hash(self.key, e, contact) in self.pairs for e in employees if e)

    def known_to_organisation(self, contact: str) -> bool:
        return number_hash(self.key, contact) in self.organisation

    def save(self, path: Path) -> None:
        lines = [f"{HEADER} key-id={key_id(self.key)} cutoff={self.cutoff}"]
        lines += [f"p {h}" for h in sorted(self.pairs)]
        lines += [f"o {h} {n}" for h, n in sorted(self.organisation.items())]
        path.write_text("\n".join(lines) + "\n", encoding="ascii")

    @classmethod
    def load(cls, path: Path, key: bytes) -> "KnownContacts":
        lines = read_hashed_file(path, key, HEADER, "known contacts")
        cutoff = lines[0].partition("cutoff=")[2].strip()
        known = cls(key, cutoff)
        for number, line in enumerate(lines[1:], start=2):
            parts = line.split()
            if len(parts) == 2 and parts[0] == "p":
                known.pairs.add(parts[1])
            elif len(parts) == 3 and parts[0] == "o" and parts[2].isdigit():
                known.organisation[parts[1]] = int(parts[2])
            elif parts:
                raise InputError("not a known-contacts line (expected 'p <hash>' or 'o <hash> <n>')", path, number)
        return known
