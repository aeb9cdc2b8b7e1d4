"""Which groups of a correlation can alert at all, counted by Elasticsearch before any hit is read.

Inside any window, the events, distinct values and distinct base rules of a group are each at
most what the group holds in all (stage 1: one count per group), and at most what two
consecutive clock-aligned buckets of the timespan hold together, since any window of the
timespan (both edges included) lies inside two such buckets (stage 2). (A temporal_ordered
chain is made of distinct base rules too.) So for `gte`/`gt` a
group below the threshold in either count cannot alert, wherever the sliding window sits. The
executor reads only the remaining groups' hits and evaluates them exactly as before: the counts
decide what is worth reading, never whether a window alerts. For lt/lte/eq/neq a quiet group
can alert, so there is no prefilter.

Stage 1 is one small aggregation. Stage 2 scans the survivors' matches much as reading them
would, so it runs only when there are enough of them for the pruning to pay for itself, and
a chunk of survivors at a time, so that no request scans more than its own groups' matches.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable, Iterator

from elasticsearch import ApiError, Elasticsearch
from sigma.backends.strascico.correlation import CorrelationPlan

from ..es.responses import complete
from .search import MAX_GROUP_TERMS, group_terms, query_body

PAGE = 50_000  # composite buckets a page: each page scans the matches again (limit 65,536)
BUCKETED_FROM_MATCHES = 250_000  # stage 2 only above this many matches of stage-1 survivors
COUNTS_EVENTS = ("event_count", "value_count")  # a window's measure is at most its events
IndexFor = Callable[[str], str]
Row = tuple[tuple[Any, ...], int, int, int, int]  # group, bucket start ms, base, matches, number of bases
Groups = set[tuple[Any, ...]]


class PrefilterUnavailable(Exception):
    """The counts cannot be trusted for this plan (e.g. a group field Elasticsearch cannot
    aggregate on): read every group instead."""


def minimum_to_alert(plan: CorrelationPlan) -> int | None:
    """The least measure that satisfies the condition, when satisfying needs 'at least'."""
    if plan.op == "gte":
        return plan.count
    if plan.op == "gt":
        return plan.count + 1
    return None


def candidate_groups(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None,
                     until: str | None, bucketed_from_matches: int | None = None) -> Groups | None:
    """Groups that may alert, or None when every group must be read (no prefilter applies).
    `bucketed_from_matches` (default BUCKETED_FROM_MATCHES): stage-1 survivors' matches from
    which stage 2 runs."""
    minimum = minimum_to_alert(plan)
    if minimum is None or minimum <= 1:
        return None  # one event can satisfy it: every group is a candidate
    try:
        survivors = _scan(client, plan, index_for, since, until, minimum, None, [None])
        matches = sum(survivors.values())
        if matches < (BUCKETED_FROM_MATCHES if bucketed_from_matches is None else bucketed_from_matches) or not survivors:
            return set(survivors)
        width_ms = plan.timespan_s * 1000
        return set(_scan(client, plan, index_for, since, until, minimum, width_ms, chunks(survivors)))
    except (ApiError, TypeError) as exc:  # TypeError: group keys Python cannot order like Elasticsearch
        raise PrefilterUnavailable(str(exc)) from exc


def chunks(survivors: dict[tuple[Any, ...], int], matches_per_chunk: int | None = None) -> list[list[tuple[Any, ...]]]:
    """Survivors in key order, cut where a chunk's matches would pass `matches_per_chunk`
    (default PAGE) or its groups MAX_GROUP_TERMS. Stage 2 counts one chunk per request: a
    composite page scans every match its query selects, and over all survivors that made
    pages x matches (33 s of one plan at 20M events); a chunk scans its own groups' matches."""
    limit = PAGE if matches_per_chunk is None else matches_per_chunk
    cut: list[list[tuple[Any, ...]]] = [[]]
    held = 0
    for group in sorted(survivors):  # in key order: the chunks of several bases merge like one stream
        if cut[-1] and (held + survivors[group] > limit or len(cut[-1]) >= MAX_GROUP_TERMS):
            cut.append([])
            held = 0
        cut[-1].append(group)
        held += survivors[group]
    return cut


def _scan(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None, until: str | None,
          minimum: int, width_ms: int | None, groups_in: list[list[tuple[Any, ...]] | None]) -> dict[
        tuple[Any, ...], int]:
    """Groups whose counts can reach `minimum` (per group, or per bucket pair of `width_ms`),
    each with its number of matches; counted a chunk of `groups_in` at a time (None: every
    group)."""
    streams = [_counts(client, plan, i, index_for, since, until, width_ms, groups_in) for i in range(len(plan.bases))]
    # One base: its rows come group by group already. Several: merged by key, which needs
    # Python to order keys as Elasticsearch does (true for keywords and numbers, checked).
    rows = streams[0] if len(streams) == 1 else _checked(heapq.merge(*streams, key=lambda row: (row[0], row[1])))
    found: dict[tuple[Any, ...], int] = {}
    for group, buckets in _per_group(rows):
        if _can_alert(plan, buckets, width_ms or 0, minimum):
            found[group] = sum(sum(counts) for counts in buckets.values())
    return found


def _can_alert(plan: CorrelationPlan, buckets: dict[int, list[int]], width_ms: int, minimum: int) -> bool:
    """With width 0 there is one bucket per group (its total), and no following bucket."""
    for start, counts in buckets.items():
        following = buckets.get(start + width_ms) if width_ms else None
        if plan.type in COUNTS_EVENTS:
            upper = sum(counts) + (sum(following) if following else 0)
        else:  # temporal rules count distinct base rules
            upper = sum(1 for i, n in enumerate(counts) if n or (following and following[i]))
        if upper >= minimum:
            return True
    return False


def _per_group(rows: Iterator[Row]) -> Iterator[tuple[tuple[Any, ...], dict[int, list[int]]]]:
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


def _counts(client: Elasticsearch, plan: CorrelationPlan, base_index: int, index_for: IndexFor,
            since: str | None, until: str | None, width_ms: int | None,
            groups_in: list[list[tuple[Any, ...]] | None]) -> Iterator[Row]:
    """(group, bucket start ms or 0, base, matches, number of bases) for one base rule, ordered by
    group then bucket — composite aggregation order, so several bases merge without a table."""
    base = plan.bases[base_index]
    sources: list[dict[str, Any]] = [{f"g{i}": {"terms": {"field": field}}} for i, field in enumerate(base.group_fields)]
    if width_ms:
        sources.append({"t": {"date_histogram": {"field": "@timestamp", "fixed_interval": f"{width_ms // 1000}s"}}})
    what = f"rule {base.rule_name} (counting its matches per group)"
    for chunk in groups_in:
        query = query_body(base.query, since, until)
        if chunk is not None:  # a superset when grouping by several fields: the rows are filtered below
            query["bool"]["filter"].extend(group_terms(base.group_fields, chunk))
        if not sources:  # no group-by and no buckets: the one group's total
            response = client.count(index=index_for(base.category), query=query, ignore_unavailable=True,
                                    allow_no_indices=True)
            yield (), 0, base_index, complete(response, what)["count"], len(plan.bases)
            continue
        rows = _pages(client, index_for(base.category), query, sources, base_index, len(plan.bases),
                      len(base.group_fields), what)
        if chunk is None:
            yield from rows
        else:  # with several group fields the terms select more groups: each is counted in its own chunk only
            wanted = set(chunk)
            yield from (row for row in rows if row[0] in wanted)


def _pages(client: Elasticsearch, index: str, query: dict[str, Any], sources: list[dict[str, Any]], base_index: int,
           bases: int, group_fields: int, what: str) -> Iterator[Row]:
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources, **({"after": after} if after else {})}
        response = client.search(index=index, query=query, size=0, aggs={"buckets": {"composite": composite}},
                                 ignore_unavailable=True, allow_no_indices=True, request_cache=False)
        result = complete(response, what).get("aggregations", {}).get("buckets")
        if not result:
            return
        for bucket in result["buckets"]:
            key = bucket["key"]
            group = tuple(key[f"g{i}"] for i in range(group_fields))
            yield group, int(key.get("t", 0)), base_index, bucket["doc_count"], bases
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return
