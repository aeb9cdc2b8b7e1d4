"""The statistics of attribution, as small pure functions: the hypergeometric upper tail, Holm's
correction, expected overlap, enrichment and Jaccard overlap.

The question for one candidate dataset: among N staff, K are in the dataset; n staff are
victims; k victims are in the dataset. If victims were picked without regard to the dataset,
the overlap X would follow the hypergeometric distribution H(N, K, n), and the p-value is
P(X ≥ k), one-sided because only more overlap than chance points to a leak. Probabilities are
summed exactly in log space (math.lgamma for the first term, then the ratio of consecutive
terms), so p-values far below 1e-300 keep their exponent instead of becoming 0.
"""

from __future__ import annotations

import math
from typing import Sequence

TAIL_PRECISION = 1e-17  # stop summing when a term no longer changes the sum


def log_comb(n: int, k: int) -> float:
    """log C(n, k)."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def log_pmf(x: int, N: int, K: int, n: int) -> float:
    """log P(X = x) for X ~ H(N population, K marked, n drawn)."""
    return log_comb(K, x) + log_comb(N - K, n - x) - log_comb(N, n)


def _check(N: int, K: int, n: int) -> None:
    if not (0 <= K <= N and 0 <= n <= N):
        raise ValueError(f"need 0 <= K, n <= N (N={N}, K={K}, n={n})")


def log_sf(k: int, N: int, K: int, n: int) -> float:
    """log P(X ≥ k), exactly (to double precision), for X ~ H(N, K, n)."""
    _check(N, K, n)
    low, high = max(0, n - (N - K)), min(K, n)
    if k <= low:
        return 0.0
    if k > high:
        return -math.inf
    mode = (n + 1) * (K + 1) // (N + 2)
    if k > mode:  # the upper tail's terms only shrink from k on: sum them relative to the first
        total = term = 1.0
        for x in range(k, high):
            term *= (K - x) * (n - x) / ((x + 1) * (N - K - n + x + 1))
            total += term
            if term < total * TAIL_PRECISION:
                break
        return log_pmf(k, N, K, n) + math.log(total)
    # k at or below the mode: P(X ≥ k) = 1 - P(X ≤ k-1), whose terms shrink from k-1 downwards
    total = term = 1.0
    for x in range(k - 1, low, -1):
        term *= x * (N - K - n + x) / ((K - x + 1) * (n - x + 1))
        total += term
        if term < total * TAIL_PRECISION:
            break
    lower = math.exp(log_pmf(k - 1, N, K, n)) * total
    return math.log1p(-min(lower, 1.0 - 1e-16))


def sf(k: int, N: int, K: int, n: int) -> float:
    """P(X ≥ k) (0.0 only when it is below the smallest double; use log_sf for the exponent)."""
    return math.exp(log_sf(k, N, K, n))


def holm(log_p: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (as logs, in input order): the i-th smallest of m is
    multiplied by m - i + 1, made monotone, capped at 1. Controls the chance of naming any
    innocent dataset at alpha, whatever the datasets' overlaps."""
    m = len(log_p)
    order = sorted(range(m), key=lambda i: log_p[i])
    adjusted = [0.0] * m
    running = -math.inf
    for rank, i in enumerate(order):
        running = max(running, min(0.0, math.log(m - rank) + log_p[i]))
        adjusted[i] = running
    return adjusted


def expected_overlap(N: int, K: int, n: int) -> float:
    """Mean overlap if victims were unrelated to the dataset: n·K/N."""
    return n * K / N if N else 0.0


def enrichment(observed: int, expected: float) -> float | None:
    """observed / expected: how many times more victims are in the dataset than chance gives
    (= P(in dataset | victim) / P(in dataset | staff)); None when nothing is expected."""
    return observed / expected if expected > 0 else None


def jaccard(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    """|A ∩ B| / |A ∪ B| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def format_p(log_p: float) -> str:
    """`p < 1e-12` below that, else `p = 3.2e-05` / `p = 0.041`."""
    if log_p < math.log(1e-12):
        return "p < 1e-12"
    p = math.exp(log_p)
    return f"p = {p:.2g}" if p >= 0.001 else f"p = {p:.1e}"
