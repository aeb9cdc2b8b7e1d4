"""Who must never be cut off: the site's allowlist (in clear) and the known contacts (hashed).

A prefix may be blocked only if it covers no protected number. For numbers the site gives in
clear (`--allow`: a foreign supplier, a relative abroad, a customer line) that is a prefix
test. Known contacts (`strascico watchlist contacts`) exist only as keyed hashes, and a hash
cannot be matched against a prefix: the only way to know that `+2348031234` holds no known
contact is to hash every number it covers and look each one up. That is done here, up to
`hash_budget` numbers per prefix and for the number lengths the campaign uses under it; a
prefix that would cover more is refused as "cannot be checked" (never assumed clean). So
with known contacts the recommended prefixes stay close to the campaign's numbers, and a
known contact whose number has another length than every campaign number under a prefix
is not seen — give such contacts in clear with --allow.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Protocol

DEFAULT_HASH_BUDGET = 1_000_000  # numbers hashed per candidate prefix (~1 s)


class HashedNumbers(Protocol):
    """A set of keyed number hashes (strascico.contacts.KnownContacts, strascico.watchlist.Watchlist)."""

    key: bytes


@dataclass
class Protected:
    """The protected set: clear numbers and prefixes, and optionally hashed known contacts.

    `is_protected(number)` answers for one E.164 number; `conflict(prefix, lengths)` says why a
    block prefix may not be used (None when it may)."""

    numbers: set[str] = field(default_factory=set)  # E.164 digits, no '+'
    prefixes: set[str] = field(default_factory=set)  # protected ranges, digits, no '+'
    hashes: set[str] = field(default_factory=set, repr=False)  # HMAC-SHA256 hex of '+<digits>'
    key: bytes | None = field(default=None, repr=False)
    hash_budget: int = DEFAULT_HASH_BUDGET
    _sorted: list[str] = field(default_factory=list, repr=False)
    # prefix → (lengths, known contacts found) of every prefix hashed in full: its extensions are
    # answered from it, so each region of numbers is hashed once however deep the cover looks
    _hashed_regions: dict[str, tuple[frozenset[int], list[str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._sorted = sorted(self.numbers | self.prefixes)

    def is_protected(self, number: str) -> bool:
        """Whether this E.164 number (with or without '+') must not be blocked."""
        digits = number.lstrip("+")
        if digits in self.numbers or any(digits.startswith(p) for p in self.prefixes):
            return True
        return self._hashed(digits)

    def conflict(self, prefix: str, lengths: tuple[int, ...]) -> str | None:
        """Why blocking `prefix` (digits) would hit a protected number, or None. `lengths` are the
        digit counts of the numbers it is meant to stop (for the hashed check)."""
        start = bisect.bisect_left(self._sorted, prefix)
        if start < len(self._sorted) and self._sorted[start].startswith(prefix):
            return f"covers protected +{self._sorted[start]}"
        if any(prefix.startswith(p) for p in self.prefixes):
            return "inside a protected range"
        if self.key is None or not self.hashes:
            return None
        return self._hash_conflict(prefix, tuple(sorted(set(lengths))))

    def _hashed(self, digits: str) -> bool:
        if self.key is None:
            return False
        return hmac.new(self.key, f"+{digits}".encode(), hashlib.sha256).hexdigest() in self.hashes

    def _hash_conflict(self, prefix: str, lengths: tuple[int, ...]) -> str | None:
        wanted = frozenset(n for n in lengths if n >= len(prefix))
        found = self._known_in(prefix, wanted)
        if found is None:
            total = sum(10 ** (n - len(prefix)) for n in wanted)
            if total > self.hash_budget:
                return (f"cannot be checked against hashed known contacts: covers {total:,} numbers "
                        f"(limit {self.hash_budget:,})")
            found = self._enumerate(prefix, wanted)
        return "covers a known contact (hashed)" if found else None

    def _known_in(self, prefix: str, lengths: frozenset[int]) -> list[str] | None:
        """Known contacts under `prefix` from a region already hashed; None when none covers it."""
        for end in range(len(prefix), 0, -1):
            region = self._hashed_regions.get(prefix[:end])
            if region is not None and lengths <= region[0]:
                return [d for d in region[1] if d.startswith(prefix) and len(d) in lengths]
        return None

    def _enumerate(self, prefix: str, lengths: frozenset[int]) -> list[str]:
        base = hmac.new(self.key or b"", digestmod=hashlib.sha256)
        found: list[str] = []
        for length in sorted(lengths):
            span = length - len(prefix)
            for tail in range(10 ** span):
                digits = prefix + (f"{tail:0{span}d}" if span else "")
                mac = base.copy()
                mac.update(f"+{digits}".encode())
                if mac.hexdigest() in self.hashes:
                    found.append(digits)
        self._hashed_regions[prefix] = (lengths, found)
        return found
