"""Benchmark: `strascico block`'s cover with hashed known contacts vs checking its answer, same run.

A flood of 4,000 numbers in 40 operator blocks (100 numbers spread over a 1,000-number window
in each), 400 known contacts hashed with the watchlist key, 40 of them inside the flood's
windows. Check = hash every number the recommended prefixes cover, once, and look each up:
the least any hashed check of that answer must pay. Ours = the whole recommendation through
the library the command uses (targets, cover, hashed checks, evidence). Goal: ours <= 5x check.

    python scripts/bench/bench_block.py
"""

from __future__ import annotations

import hashlib
import hmac
import random
import sys
import time
from datetime import date

from strascico.block import Policy, Protected, Target, recommend
from strascico.watchlist import number_hash

KEY = b"strascico-bench-block-key-not-secret"
BLOCKS, PER_BLOCK, CONTACTS = 40, 100, 400
GOAL = 5.0


def scenario(rng: random.Random) -> tuple[dict[str, Target], set[str]]:
    targets: dict[str, Target] = {}
    inside: list[str] = []
    for block in range(BLOCKS):
        window = f"2348{block:02d}{rng.randrange(10 ** 4):04d}"  # 10 digits: a 1,000-number window
        for tail in rng.sample(range(1000), PER_BLOCK + 1):
            digits = f"{window}{tail:03d}"
            if len(inside) < block + 1:
                inside.append(digits)  # a relative's number in the middle of the flood
                continue
            targets[digits] = Target(digits, "number", {"telephony_wangiri_one_ring_foreign"},
                                     "2025-01-14T02:00:00Z", "2025-01-14T03:00:00Z", 3, 3, 2)
    contacts = set(inside) | {f"2349{rng.randrange(10 ** 9):09d}" for _ in range(CONTACTS - len(inside))}
    return targets, {number_hash(KEY, f"+{c}") for c in contacts}


def check(prefixes: list[str], lengths: set[int], hashes: set[str]) -> int:
    """Hash every number the prefixes cover once; returns how many were hashed."""
    base = hmac.new(KEY, digestmod=hashlib.sha256)
    count = 0
    for prefix in prefixes:
        for length in lengths:
            span = length - len(prefix)
            for tail in range(10 ** span if span >= 0 else 0):
                mac = base.copy()
                mac.update(f"+{prefix}{tail:0{span}d}".encode() if span else f"+{prefix}".encode())
                assert mac.hexdigest() not in hashes
                count += 1
    return count


def main() -> int:
    targets, hashes = scenario(random.Random(15))
    policy = Policy(as_of=date(2025, 2, 1))
    ours = []
    for _ in range(3):
        protected = Protected(hashes=hashes, key=KEY)  # fresh: nothing hashed yet
        start = time.perf_counter()
        plan = recommend(targets, protected, policy)
        ours.append(time.perf_counter() - start)
    prefixes = [e.digits for e in plan.active()]
    start = time.perf_counter()
    hashed = check(prefixes, {13}, hashes)
    base = time.perf_counter() - start
    best = min(ours)
    ratio = best / base
    print(f"cover: {len(targets):,} flood numbers in {BLOCKS} blocks, {CONTACTS} hashed known contacts "
          f"-> {len(prefixes)} prefixes, {len(plan.not_blocked)} not blocked")
    print(f"check: {base:.2f} s ({hashed:,} numbers hashed once)")
    print(f"ours:  {best:.2f} s   ratio {ratio:.2f}x (goal <= {GOAL:g}x)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
