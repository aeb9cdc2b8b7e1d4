"""The attribution in plain words: one short paragraph a manager can act on."""

from __future__ import annotations

from .analysis import Attribution, DatasetResult, PairResult
from .stats import format_p


def verdict(result: Attribution) -> str:
    """"victims are 7.9× more likely to be in exam-2022; p < 1e-12", or why no list can be named."""
    by_name = {r.name: r for r in result.datasets}
    if result.kind == "none":
        return _none(result)
    if result.kind == "single":
        top = by_name[result.named[0][0]]
        text = _likely(top, result.victims) + _explained(result, top.name) + _dates(top)
        return text
    if result.kind == "indistinguishable":
        return _tied(result, [by_name[n] for n in result.named[0]])
    parts = [_likely(by_name[group[0]], result.victims) if len(group) == 1
             else _tied(result, [by_name[n] for n in group]) for group in result.named]
    return ("Victims are enriched independently in more than one list: more than one of them may have "
            "leaked, or one list that merges them. " + " ".join(parts))


def _likely(top: DatasetResult, victims: int) -> str:
    test = top.test
    return (f"Victims are {test.enrichment:.1f}× more likely than staff at large to be in {top.name} "
            f"({test.observed} of {victims} victims are in it where {test.expected:.0f} would be by chance; "
            f"Holm-adjusted {format_p(top.log_p_adjusted)}).")


def _explained(result: Attribution, top: str) -> str:
    others = [name for name, by in result.explained.items() if by == top]
    if not others:
        return ""
    pairs = {frozenset((p.a, p.b)): p for p in result.pairs}
    notes = []
    for name in others:
        pair = pairs[frozenset((name, top))]
        own = pair.only_a if pair.a == name else pair.only_b
        notes.append(f"{name} (its members outside {top}: {format_p(own.log_p)})")
    return (" Also enriched, but only through the people they share with " + top + ": " + ", ".join(notes) + ".")


def _dates(top: DatasetResult) -> str:
    inside, outside = top.first_harassed.get("members", {}), top.first_harassed.get("non_members", {})
    if not inside.get("first"):
        return ""
    text = f" Victims in it were first harassed from {inside['first'][:10]} (median {inside['median'][:10]})"
    if outside.get("first"):
        text += f", the other victims from {outside['first'][:10]} (median {outside['median'][:10]})"
    return text + "."


def _tied(result: Attribution, group: list[DatasetResult]) -> str:
    names = " and ".join(f"{r.name} ({r.test.enrichment:.1f}×)" for r in group)
    reasons = [_why(p) for p in result.pairs
               if p.relation == "indistinguishable" and {p.a, p.b} <= {r.name for r in group}]
    return (f"Victims are enriched in {names}, but these lists cannot be told apart: {'; '.join(reasons)}. "
            "Compare who is in only one of them, or gather more victims, before attributing.")


def _why(pair: PairResult) -> str:
    if pair.reason == "near-duplicates":
        text = f"{pair.a} and {pair.b} share {pair.jaccard:.0%} of their people (Jaccard {pair.jaccard:.2f})"
        if pair.lean:
            own = pair.only_a if pair.lean == pair.a else pair.only_b
            text += (f"; the {own.observed} victims among the {own.members} people only in {pair.lean} lean "
                     f"towards it ({format_p(own.log_p)}), which may be a difference in data quality")
        return text
    return (f"neither list's own people are enriched beyond chance ({pair.a} only: {format_p(pair.only_a.log_p)}, "
            f"{pair.b} only: {format_p(pair.only_b.log_p)}; Jaccard {pair.jaccard:.2f})")


def _none(result: Attribution) -> str:
    if not result.datasets:
        return "No candidate dataset was given."
    best = result.datasets[0]
    return (f"No candidate dataset is significantly enriched among the {result.victims} victims (smallest "
            f"Holm-adjusted {format_p(best.log_p_adjusted)}, for {best.name}; alpha {result.alpha:g}): these "
            "victims do not point to any of the candidate lists.")
