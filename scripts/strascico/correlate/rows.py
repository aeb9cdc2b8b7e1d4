"""A base rule's matches as rows in time order, read from a composite aggregation.

Keyed by (@timestamp, event.id, then the fields the plans read), Elasticsearch hands back the
values straight from doc values, oldest first, with no fetch phase: about 8 µs a match on the
2M-event bench against 23 µs for search_after hits. The period is read in time slices of about
a page each, so that no page scans more than its own slice's matches. A multi-valued field
comes back as one bucket per value; the buckets of one (time, id) are adjacent and are folded into one row with
a list, as hits give it. That makes (@timestamp, event.id) the identity of an event, as ECS
defines event.id and as the windows already count it: two documents sharing both are read as
one event with the values of both. Documents without an event.id (or with an empty one) could
fold into each other, and a text field cannot be aggregated: for those the hits are streamed
instead (search.stream_hits). A document with several @timestamp values becomes one row per
value here, where the hits skip it.
"""

from __future__ import annotations

from operator import itemgetter
from concurrent.futures import Executor
from typing import Any, Iterator, NamedTuple

from elasticsearch import BadRequestError, Elasticsearch

from ..es.responses import SHARDS_FILTER, complete
from .search import prefetched, stream_hits

PAGE = 20_000  # buckets a page (Elasticsearch refuses more than 65,536)
KEYS = ("@timestamp", "event.id")  # the order of the rows, and what makes one row
FILTER_PATH = f"aggregations.rows.buckets.key,aggregations.rows.after_key,{SHARDS_FILTER}"
SLICE_ROWS = PAGE * 3 // 4  # a slice sized for a bit under one page: a second page scans it again
WIDEN_AT_MOST = 8  # an empty or thin slice (a night, a gap in the data) widens the next one this much
Slice = tuple[int, int, Any, int]  # start ms, width ms, after key within it, buckets read from it so far


def read_rows(client: Elasticsearch, index: str, query: dict[str, Any], fields: list[str],
              fetchers: Executor | None = None) -> Iterator[dict[str, Any]]:
    """Rows {"@timestamp" (epoch ms), "event.id", "_id", <field>: value or list}, oldest first.
    `fetchers`: the threads that ask for its pages (search.prefetched)."""
    survey = _survey(client, index, query)
    if survey.without_id:
        yield from stream_hits(client, index, query, fields, fetchers=fetchers)
        return
    if survey.first is None:
        return  # no match with a time
    rows = _composite_rows(client, index, query, [f for f in fields if f not in KEYS], survey, fetchers)
    try:
        first = next(rows, None)
    except BadRequestError:  # a field without doc values: only the hits can carry it
        yield from stream_hits(client, index, query, fields, fetchers=fetchers)
        return
    if first is not None:
        yield first
        yield from rows


class Survey(NamedTuple):
    """What one request tells of a query's matches before they are read."""

    matches: int
    without_id: int  # matches without an event.id (or with an empty one)
    first: int | None  # epoch ms of the oldest and the newest
    last: int | None


def _survey(client: Elasticsearch, index: str, query: dict[str, Any]) -> Survey:
    without_id = {"bool": {"should": [{"bool": {"must_not": [{"exists": {"field": "event.id"}}]}},
                                      {"term": {"event.id": ""}}], "minimum_should_match": 1}}
    response = complete(client.search(index=index, query=query, size=0, track_total_hits=True, request_cache=False,
                                      aggs={"first": {"min": {"field": "@timestamp"}},
                                            "last": {"max": {"field": "@timestamp"}},
                                            "without_id": {"filter": without_id}},
                                      ignore_unavailable=True, allow_no_indices=True), f"matches in {index}")
    aggregations = response.get("aggregations") or {}
    first, last = (aggregations.get(name, {}).get("value") for name in ("first", "last"))
    return Survey(response["hits"]["total"]["value"], aggregations.get("without_id", {}).get("doc_count", 0),
                  None if first is None else int(first), None if last is None else int(last))


def _composite_rows(client: Elasticsearch, index: str, query: dict[str, Any], others: list[str],
                    survey: Survey, fetchers: Executor | None) -> Iterator[dict[str, Any]]:
    names = [*KEYS, *others]
    sources = [{f"k{i}": {"terms": {"field": name, **({"missing_bucket": True} if name in others else {})}}}
               for i, name in enumerate(names)]
    first, last = survey.first or 0, survey.last or 0  # read_rows calls with a time span only
    as_tuple = itemgetter(*(f"k{i}" for i in range(len(names))))  # a page of tuples: a third of its dicts' memory

    def fetch(cursor: Slice) -> tuple[list[tuple[Any, ...]], Slice | None]:
        # Each page scans every match its query selects (a composite aggregation cannot skip to
        # its after key under a filter): over the whole period, pages times matches, which grew
        # faster than the data. Pages of one time slice scan that slice only.
        start, width, after, held = cursor
        end = start + width
        sliced = {"bool": {"filter": [query, {"range": {"@timestamp": {"gte": start, "lt": end,
                                                                         "format": "epoch_millis"}}}]}}
        composite = {"size": PAGE, "sources": sources, **({"after": after} if after else {})}
        response = complete(client.search(index=index, query=sliced, size=0, aggs={"rows": {"composite": composite}},
                                          filter_path=FILTER_PATH, request_cache=False, ignore_unavailable=True,
                                          allow_no_indices=True), f"matches in {index}")
        result = response.get("aggregations", {}).get("rows", {})
        buckets = result.get("buckets", [])
        # A document with several @timestamp values is in every slice one of them is in; each
        # value's row belongs to one slice only.
        keys = [key for key in map(as_tuple, (bucket["key"] for bucket in buckets)) if start <= key[0] < end]
        if len(buckets) == PAGE:
            return keys, (start, width, result.get("after_key"), held + len(buckets))
        if end > last:
            return keys, None
        return keys, (end, next_width(width, held + len(buckets)), None, 0)

    row: dict[str, Any] | None = None
    for keys in prefetched(fetch, (first, first_width(first, last, survey.matches), None, 0), fetchers):
        for key in keys:
            stamp, event_id = key[0], key[1]
            if row is not None and row["@timestamp"] == stamp and row["event.id"] == event_id:
                _fold(row, key, others)  # another value of a multi-valued field: same document
                continue
            if row is not None:
                yield row
            row = {"@timestamp": stamp, "event.id": event_id, "_id": event_id}
            for i, name in enumerate(others, start=len(KEYS)):
                if (value := key[i]) is not None:
                    row[name] = value
    if row is not None:
        yield row


def first_width(first: int, last: int, matches: int) -> int:
    """Milliseconds that hold about SLICE_ROWS matches, were they spread evenly."""
    return max(1, (last - first + 1) * SLICE_ROWS // max(matches, 1))


def next_width(width: int, held: int) -> int:
    """The next slice's width from how many rows this one held: the density of the data nearby."""
    if held * WIDEN_AT_MOST <= SLICE_ROWS:
        return width * WIDEN_AT_MOST
    return max(1, width * SLICE_ROWS // held)


def _fold(row: dict[str, Any], key: tuple[Any, ...], others: list[str]) -> None:
    """Add one more bucket of the same document: a field with several values becomes their
    list, in bucket (= sorted) order, each value once — the shape of a hit's doc values."""
    for i, name in enumerate(others, start=len(KEYS)):
        value = key[i]
        if value is None:
            continue
        held = row.get(name)
        if held is None:
            row[name] = value
        elif isinstance(held, list):
            if value not in held:
                held.append(value)
        elif held != value:
            row[name] = [held, value]
