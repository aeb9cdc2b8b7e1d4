"""Hunting one base rule: a composite aggregation, paged, nothing cut off.

Elasticsearch does the counting, so memory holds one page of buckets whatever the number of
matching events; each bucket becomes one deduplicated alert with count, first/last time and
a few evidence ids. Contacts (calls, messages, reports) are grouped per caller and direction,
with how many people it reached: a year of trawling gives one alert per number, not one per
(number, employee) pair. Other logsources group per (victim, actor).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterator

from elasticsearch import Elasticsearch

from ..correlate.search import iso_of_epoch, query_body
from ..es.responses import IncompleteResults, complete
from .entities import CONTACT_CATEGORIES, EXPOSED_FIELD, GROUP_BY_ACTOR, entity_fields

# Buckets a page; each page scans the rule's matches again (500 -> 1000: base rules 49.6 -> 42.8
# CPU-s of Elasticsearch at 21.4M events, alerts unchanged). A bucket holds top hits and a
# cardinality sketch (up to 16 KB) in the node's heap: 5000 tripped a 30 MB request breaker
# where 500 did not; 1000 keeps the hunt's WORKERS (runner.py, 4) rules at once well inside a 512 MB
# node's breaker.
PAGE = 1000
EVIDENCE = 3
# distinct victims counted (near) exactly up to this; its memory is taken per bucket, and 40,000
# tripped the request circuit breaker of a 512 MB node with a few rules running at once
PEOPLE_EXACT_UP_TO = 3000


@dataclass(slots=True)  # slots: a hunt holds tens of thousands before they go to disk (a third smaller)
class HuntAlert:
    """One deduplicated finding of the hunt (a base rule bucket or a correlation episode)."""

    rule_id: str
    rule: str
    title: str
    level: str
    stage: str
    kind: str  # "rule" or "correlation"
    first: str
    last: str
    count: int
    victim: str | None = None
    actor: str | None = None
    people: int | None = None  # grouped per actor: how many distinct victims (people, pages) it reached
    exposed_people: int | None = None  # ... of whom in the exposed cohort
    direction: str | None = None
    group: dict[str, Any] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "alert", **{name: getattr(self, name) for name in _ALERT_FIELDS}}


_ALERT_FIELDS = tuple(f.name for f in fields(HuntAlert))


def _iso(millis: float | None) -> str:
    if millis is None:
        return ""
    return iso_of_epoch(millis / 1000)


# Evidence is the bucket's first EVIDENCE events and its latest, ties at one instant taken in
# event id order: by shard order, the evidence picked among them changed with the number of
# shards (one node vs a cluster). Sorting the top hits by event.id as well cost a fifth of the
# base rules (4.5 -> 3.5 s at 2M events); they are sorted by time alone, one hit more than kept,
# and only a bucket whose cut falls inside one instant asks for its events in the exact order
# (rare: events of one caller within the same millisecond).
TIE_ASC = {"event.id": {"order": "asc", "unmapped_type": "keyword"}}
TIE_DESC = {"event.id": {"order": "desc", "unmapped_type": "keyword"}}
MILLIS_BELOW = 10**14  # a date field's sort value (epoch ms, up to year 5138); date_nanos gives nanoseconds


def _top(order: str, keep: int) -> dict[str, Any]:
    # no formatted @timestamp among the fields: formatting it in each bucket's fetch cost more than the tiebreak;
    # no _id either: reading it from stored fields was a third of the evidence's cost (a hit without
    # event.id, rare, has its bucket asked again with ids: _Cuts.cut)
    return {"top_hits": {"size": keep + 1, "_source": False, "stored_fields": ["_none_"],
                         "docvalue_fields": ["event.id"], "sort": [{"@timestamp": order}]}}


def hunt_base_rule(client: Elasticsearch, index: str, category: str, lucene: str, since: str | None,
                   until: str | None, rule: str = "") -> Iterator[dict[str, Any]]:
    """Buckets {victim, actor, direction, people, exposed_people, count, first, last, event_ids}."""
    victim, actor = entity_fields(category)
    contact = category in CONTACT_CATEGORIES
    per_actor = category in GROUP_BY_ACTOR
    sources: list[dict[str, Any]] = [{"actor": {"terms": {"field": actor, "missing_bucket": True}}}]
    if contact:  # outbound contacts (callbacks) have the attacker as callee: kept apart
        sources.append({"direction": {"terms": {"field": "network.direction", "missing_bucket": True}}})
    if not per_actor:
        sources.insert(0, {"victim": {"terms": {"field": victim, "missing_bucket": True}}})
    key_fields = {"victim": victim, "actor": actor, "direction": "network.direction"}
    # and the latest: a grouped alert's story often ends elsewhere (the export after the scraping)
    aggs: dict[str, Any] = {"first": {"min": {"field": "@timestamp"}}, "last": {"max": {"field": "@timestamp"}},
                            "evidence": _top("asc", EVIDENCE), "latest": _top("desc", 1)}
    if per_actor:
        people = {"cardinality": {"field": victim, "precision_threshold": PEOPLE_EXACT_UP_TO}}
        aggs["people"] = people
        if contact:
            aggs["exposed"] = {"filter": {"term": {EXPOSED_FIELD: True}}, "aggs": {"people": people}}
    query = query_body(lucene, since, until)
    what = f"rule {rule or lucene[:80]!r}"  # how errors name it
    cuts = _Cuts(client, index, what, query, key_fields)  # ties at a cut: one request per page
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources}
        if after:
            composite["after"] = after
        response = client.search(index=index, query=query, size=0,
                                 aggs={"hits": {"composite": composite, "aggs": aggs}},
                                 ignore_unavailable=True, allow_no_indices=True)
        result = complete(response, what).get("aggregations", {}).get("hits")
        if not result:
            return
        evidence = [(cuts.cut(bucket["key"], bucket["evidence"]["hits"]["hits"], EVIDENCE, TIE_ASC),
                     cuts.cut(bucket["key"], bucket["latest"]["hits"]["hits"], 1, TIE_DESC))
                    for bucket in result["buckets"]]
        cuts.resolve()  # completes the lists in `evidence`
        for bucket, (earliest, latest) in zip(result["buckets"], evidence):
            yield {"victim": bucket["key"].get("victim"), "actor": bucket["key"]["actor"],
                   "direction": bucket["key"].get("direction"),
                   "people": bucket["people"]["value"] if per_actor else None,
                   "exposed_people": bucket["exposed"]["people"]["value"] if contact else None,
                   "count": bucket["doc_count"], "first": _iso(bucket["first"]["value"]),
                   "last": _iso(bucket["last"]["value"]), "event_ids": list(dict.fromkeys(earliest + latest))}
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return


def _event_id(hit: dict[str, Any]) -> str:
    ids = hit.get("fields", {}).get("event.id")
    return ids[0] if ids else hit["_id"]  # top hits fetch no _id: asked for only when there is no event.id


class _Cuts:
    """The evidence ids of a page's buckets: the `keep` first hits in (time, event id) order, from
    `keep + 1` hits sorted by time alone. Where the last kept and the one after share an instant,
    other events of that instant may have been left out: those are asked for by id, every such
    cut of the page in one msearch (one request each was 40 ms, most of what the tiebreak saved)."""

    def __init__(self, client: Elasticsearch, index: str, what: str, query: dict[str, Any], key_fields: dict[str, str]):
        self.client, self.index, self.what = client, index, f"{what} (its evidence)"
        self.query, self.key_fields = query, key_fields  # the rule's matches, and the field of each bucket key
        self.asked: list[tuple[list[str], dict[str, Any]]] = []  # (ids so far, to be completed; search)

    def cut(self, key: dict[str, Any], hits: list[dict[str, Any]], keep: int, tie: dict[str, Any]) -> list[str]:
        unnamed = any("event.id" not in hit.get("fields", ()) for hit in hits)  # cited by _id, not fetched
        tie_at_cut = len(hits) > keep and hits[keep - 1]["sort"][0] == hits[keep]["sort"][0]
        if not unnamed and not tie_at_cut:
            return _in_order(hits[:keep], tie)  # every event up to the cut's instant is here
        in_bucket = _bucket_filter(self.query, key, self.key_fields)
        tied = hits[keep - 1]["sort"][0] if tie_at_cut else None
        if not unnamed and isinstance(tied, int) and 0 <= tied < MILLIS_BELOW:  # that instant only: buckets are large
            before = [hit for hit in hits if hit["sort"][0] != tied]
            query = {"bool": {"filter": [in_bucket, {"range": {"@timestamp": {"gte": tied, "lte": tied,
                                                                              "format": "epoch_millis"}}}],
                              "must_not": [{"terms": {"event.id": [_event_id(hit) for hit in before]}}]}}
            wanted, ids = keep - len(before), _in_order(before, tie)
        else:  # an event without event.id, or not epoch milliseconds (date_nanos): the whole bucket, exactly
            query, wanted, ids = in_bucket, keep, []
        self.asked.append((ids, {"query": query, "size": wanted, "_source": False, "docvalue_fields": ["event.id"],
                                 "track_total_hits": False,
                                 "sort": [{"@timestamp": "desc" if tie is TIE_DESC else "asc"}, tie]}))
        return ids  # completed in place by resolve()

    def resolve(self) -> None:
        if not self.asked:
            return
        header = {"index": self.index, "ignore_unavailable": True, "allow_no_indices": True}
        answers = self.client.msearch(searches=[part for _, body in self.asked for part in (header, body)])
        for (ids, _), answer in zip(self.asked, answers["responses"]):
            if "error" in answer:
                raise IncompleteResults(f"{self.what}: {answer['error'].get('reason', answer['error'])}")
            ids.extend(_event_id(hit) for hit in complete(answer, self.what)["hits"]["hits"])
        self.asked = []


def _in_order(hits: list[dict[str, Any]], tie: dict[str, Any]) -> list[str]:
    descending = tie is TIE_DESC
    return [_event_id(hit) for hit in sorted(hits, key=lambda hit: (hit["sort"][0], _tie_key(hit, descending)),
                                             reverse=descending)]


def _tie_key(hit: dict[str, Any], descending: bool) -> tuple[int, str]:
    """Elasticsearch's order of event ids within one instant, either way: documents without one last."""
    ids = hit.get("fields", {}).get("event.id")
    if not ids:
        return (-1, "") if descending else (1, "")
    return (0, ids[0])


def _bucket_filter(query: dict[str, Any], key: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """The rule's matches that fall in one composite bucket (a missing value: the field absent)."""
    clauses: list[dict[str, Any]] = [query]
    for name, value in key.items():
        if value is None:
            clauses.append({"bool": {"must_not": [{"exists": {"field": fields[name]}}]}})
        else:
            clauses.append({"term": {fields[name]: value}})
    return {"bool": {"filter": clauses}}
