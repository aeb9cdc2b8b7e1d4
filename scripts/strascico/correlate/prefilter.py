"""Which groups of a correlation can alert at all, counted by Elasticsearch before any hit is read.

Any window of `timespan` (both edges included) lies inside two consecutive clock-aligned
buckets of that width. Inside a window, the events, distinct values and distinct base rules
are each at most what the two buckets hold together. So for `gte`/`gt` a group whose every pair
of consecutive buckets stays below the threshold cannot alert, wherever the sliding window
sits. The executor then streams only the remaining groups' hits, and evaluates them exactly as
before — the buckets only decide what is worth reading, never whether a window alerts.
For lt/lte/eq/neq a quiet group can alert, so there is no prefilter.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable, Iterator

from elasticsearch import ApiError, Elasticsearch
from sigma.backends.strascico.correlation import CorrelationPlan

from ..es.responses import complete
from .search import query_body

PAGE = 10_000
COUNTS_EVENTS = ("event_count", "value_count")  # a window's measure is at most its events
IndexFor = Callable[[str], str]
Row = tuple[tuple[Any, ...], int, int, int, int]  # group, bucket start ms, base, matches, number of bases


class PrefilterUnavailable(Exception):
    """The buckets cannot be trusted for this plan (e.g. a group field Elasticsearch cannot
    aggregate on): read every group instead."""


def minimum_to_alert(plan: CorrelationPlan) -> int | None:
    """The least measure that satisfies the condition, when satisfying needs 'at least'."""
    if plan.op == "gte":
        return plan.count
    if plan.op == "gt":
        return plan.count + 1
    return None


def candidate_groups(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None,
                     until: str | None) -> set[tuple[Any, ...]] | None:
    """Groups that may alert, or None when every group must be read (no prefilter applies)."""
    minimum = minimum_to_alert(plan)
    if minimum is None or minimum <= 1:
        return None  # one event can satisfy it: every group is a candidate
    width_ms = plan.timespan_s * 1000
    streams = [_bucket_counts(client, plan, i, index_for, since, until) for i in range(len(plan.bases))]
    # One base: its buckets come group by group already. Several: merged by key, which needs
    # Python to order keys as Elasticsearch does (true for keywords and numbers, checked).
    rows = streams[0] if len(streams) == 1 else _checked(heapq.merge(*streams, key=lambda row: (row[0], row[1])))
    candidates: set[tuple[Any, ...]] = set()
    try:
        for group, buckets in _per_group(rows):
            if _can_alert(plan, buckets, width_ms, minimum):
                candidates.add(group)
    except (ApiError, TypeError) as exc:  # TypeError: group keys Python cannot order like Elasticsearch
        raise PrefilterUnavailable(str(exc)) from exc
    return candidates


def _can_alert(plan: CorrelationPlan, buckets: dict[int, list[int]], width_ms: int, minimum: int) -> bool:
    for start, counts in buckets.items():
        following = buckets.get(start + width_ms)
        if plan.type in COUNTS_EVENTS:
            upper = sum(counts) + (sum(following) if following else 0)
        else:  # temporal rules count distinct base rules
            upper = sum(1 for i, n in enumerate(counts) if n or (following and following[i]))
        if upper >= minimum:
            return True
    return False


def _per_group(rows: Iterator[Row]) -> Iterator[
        tuple[tuple[Any, ...], dict[int, list[int]]]]:
    """Rows with each group's rows together → one group's buckets at a time."""
    group: tuple[Any, ...] | None = None
    buckets: dict[int, list[int]] = {}
    for key, bucket, base, count, bases in rows:
        if key != group:
            if group is not None:
                yield group, buckets
            group, buckets = key, {}
        buckets.setdefault(bucket, [0] * bases)[base] += count
    if group is not None:
        yield group, buckets


def _checked(rows: Iterator[Row]) -> Iterator[Row]:
    """Rows as merged, refusing (PrefilterUnavailable) once they go out of order: an `ip` field,
    say, is ordered by its bytes in Elasticsearch but by its text here."""
    previous: tuple[tuple[Any, ...], int] | None = None
    for row in rows:
        if previous is not None and (row[0], row[1]) < previous:
            raise PrefilterUnavailable("group keys are not in the same order as in Elasticsearch")
        previous = (row[0], row[1])
        yield row


def _bucket_counts(client: Elasticsearch, plan: CorrelationPlan, base_index: int, index_for: IndexFor,
                   since: str | None, until: str | None) -> Iterator[Row]:
    """(group, bucket start ms, base, matches, number of bases) for one base rule, ordered by
    group then bucket — composite aggregation order, so several bases merge without a table."""
    base = plan.bases[base_index]
    sources: list[dict[str, Any]] = [{f"g{i}": {"terms": {"field": field}}} for i, field in enumerate(base.group_fields)]
    sources.append({"t": {"date_histogram": {"field": "@timestamp", "fixed_interval": f"{plan.timespan_s}s"}}})
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources, **({"after": after} if after else {})}
        response = client.search(index=index_for(base.category), query=query_body(base.query, since, until),
                                  size=0, aggs={"buckets": {"composite": composite}}, ignore_unavailable=True,
                                  allow_no_indices=True, request_cache=False)
        result = complete(response, f"bucket counts of {base.rule_name}").get("aggregations", {}).get("buckets")
        if not result:
            return
        for bucket in result["buckets"]:
            key = bucket["key"]
            group = tuple(key[f"g{i}"] for i in range(len(base.group_fields)))
            yield group, int(key["t"]), base_index, bucket["doc_count"], len(plan.bases)
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return
