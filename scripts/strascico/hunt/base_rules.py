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
from ..es.responses import complete
from .entities import CONTACT_CATEGORIES, EXPOSED_FIELD, GROUP_BY_ACTOR, entity_fields

PAGE = 500  # buckets per page: each holds top hits and a cardinality sketch in the node's heap
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


# Events of one instant in event id order: by shard order, the evidence picked among them
# changed with the number of shards (one node vs a cluster).
TIE_ASC = {"event.id": {"order": "asc", "unmapped_type": "keyword"}}
TIE_DESC = {"event.id": {"order": "desc", "unmapped_type": "keyword"}}


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
    aggs: dict[str, Any] = {"first": {"min": {"field": "@timestamp"}}, "last": {"max": {"field": "@timestamp"}},
                            "evidence": {"top_hits": {"size": EVIDENCE, "_source": False,
                                                      "docvalue_fields": ["event.id"],
                                                      "sort": [{"@timestamp": "asc"}, TIE_ASC]}},
                            # and the latest: a grouped alert's story often ends elsewhere (the export
                            # after the scraping)
                            "latest": {"top_hits": {"size": 1, "_source": False, "docvalue_fields": ["event.id"],
                                                    "sort": [{"@timestamp": "desc"}, TIE_DESC]}}}
    if per_actor:
        people = {"cardinality": {"field": victim, "precision_threshold": PEOPLE_EXACT_UP_TO}}
        aggs["people"] = people
        if contact:
            aggs["exposed"] = {"filter": {"term": {EXPOSED_FIELD: True}}, "aggs": {"people": people}}
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources}
        if after:
            composite["after"] = after
        response = client.search(index=index, query=query_body(lucene, since, until), size=0,
                                 aggs={"hits": {"composite": composite, "aggs": aggs}},
                                 ignore_unavailable=True, allow_no_indices=True)
        result = complete(response, f"rule {rule or lucene[:80]!r}").get("aggregations", {}).get("hits")
        if not result:
            return
        for bucket in result["buckets"]:
            hits = bucket["evidence"]["hits"]["hits"] + bucket["latest"]["hits"]["hits"]
            ids = list(dict.fromkeys(h.get("fields", {}).get("event.id", [h["_id"]])[0] for h in hits))
            yield {"victim": bucket["key"].get("victim"), "actor": bucket["key"]["actor"],
                   "direction": bucket["key"].get("direction"),
                   "people": bucket["people"]["value"] if per_actor else None,
                   "exposed_people": bucket["exposed"]["people"]["value"] if contact else None,
                   "count": bucket["doc_count"], "first": _iso(bucket["first"]["value"]),
                   "last": _iso(bucket["last"]["value"]), "event_ids": ids}
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return
