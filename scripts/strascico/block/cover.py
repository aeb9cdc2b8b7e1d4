"""The smallest set of prefixes that covers the campaign's numbers and nothing protected.

Targets are digit strings (E.164 without the `+`): whole numbers, or ranges the hunt named
(`telephony.caller.range`). One prefix covers a set of targets exactly when it is a prefix of
their longest common prefix (LCP). Whether a prefix may be blocked (`allowed`) is monotone:
a longer prefix covers a subset of what a shorter one covers, so if `p` is allowed every
extension of `p` is too. Hence a set can be covered by one prefix iff its LCP is allowed, and
the recursion below — take the LCP if allowed, else split on the next digit — yields a cover
of minimum size (no prefix can span two branches of a node whose LCP is refused), and with
each prefix as long as possible (the LCP itself: the fewest innocent numbers blocked).
tests/test_block.py checks both claims against brute force on small cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from os.path import commonprefix
from typing import Callable, Iterable


@dataclass
class Cover:
    """Chosen prefixes with the targets each covers, and the targets no allowed prefix covers."""

    prefixes: dict[str, list[str]] = field(default_factory=dict)
    uncovered: list[str] = field(default_factory=list)


def minimal_cover(targets: Iterable[str], allowed: Callable[[str, list[str]], bool]) -> Cover:
    """Minimum-size cover of `targets` by prefixes for which `allowed(prefix, targets_under_it)` holds.

    `allowed` must be monotone (allowed(p, S) implies allowed(p + d, S') for S' ⊆ S) and should
    include the minimum-length rule; it is called on LCPs only, so an expensive check (hashed known
    contacts) runs a few times per target, not per trie node."""
    cover = Cover()
    items = sorted(set(targets))
    if items:
        _solve(items, allowed, cover)
    return cover


def _solve(items: list[str], allowed: Callable[[str, list[str]], bool], cover: Cover) -> None:
    lcp = commonprefix(items) if len(items) > 1 else items[0]
    if allowed(lcp, items):
        cover.prefixes[lcp] = items
        return
    branches: dict[str, list[str]] = {}
    for item in items:
        if len(item) == len(lcp):  # the target itself may not be blocked: nothing shorter could be either
            cover.uncovered.append(item)
        else:
            branches.setdefault(item[len(lcp)], []).append(item)
    for digit in sorted(branches):
        _solve(branches[digit], allowed, cover)
