"""Hunting one base rule: a composite aggregation over (victim, actor), paged, nothing cut off.

Elasticsearch does the counting, so memory holds one page of buckets whatever the number of
matching events; each bucket becomes one deduplicated alert with count, first/last time and
a few evidence ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from elasticsearch import Elasticsearch

from ..correlate.search import query_body
from .entities import CONTACT_CATEGORIES, EXPOSED_FIELD, entity_fields

PAGE = 2000
EVIDENCE = 3


@dataclass
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
    exposed: bool | None = None
    direction: str | None = None
    group: dict[str, Any] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "alert", **self.__dict__}

    @property
    def is_contact_of_a_victim(self) -> bool:
        """A flood contact to a person (not an employee's outbound call to the attacker)."""
        return self.kind == "rule" and (self.victim or "").startswith("+") and self.direction != "outbound"


def _iso(millis: float | None) -> str:
    if millis is None:
        return ""
    return datetime.fromtimestamp(millis / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hunt_base_rule(client: Elasticsearch, index: str, category: str, lucene: str, since: str | None,
                   until: str | None) -> Iterator[dict[str, Any]]:
    """Buckets {victim, actor, exposed, count, first, last, event_ids} for one base rule."""
    victim, actor = entity_fields(category)
    sources: list[dict[str, Any]] = [
        {"victim": {"terms": {"field": victim, "missing_bucket": True}}},
        {"actor": {"terms": {"field": actor, "missing_bucket": True}}},
    ]
    if category in CONTACT_CATEGORIES:
        sources.append({"exposed": {"terms": {"field": EXPOSED_FIELD, "missing_bucket": True}}})
        # outbound contacts (callbacks) have the attacker as callee: not a victim
        sources.append({"direction": {"terms": {"field": "network.direction", "missing_bucket": True}}})
    aggs = {"first": {"min": {"field": "@timestamp"}}, "last": {"max": {"field": "@timestamp"}},
            "evidence": {"top_hits": {"size": EVIDENCE, "_source": False, "docvalue_fields": ["event.id"],
                                      "sort": [{"@timestamp": "asc"}]}}}
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources}
        if after:
            composite["after"] = after
        response = client.search(index=index, query=query_body(lucene, since, until), size=0,
                                 aggs={"hits": {"composite": composite, "aggs": aggs}},
                                 ignore_unavailable=True, allow_no_indices=True)
        result = response.get("aggregations", {}).get("hits")
        if not result:
            return
        for bucket in result["buckets"]:
            ids = [h.get("fields", {}).get("event.id", [h["_id"]])[0] for h in bucket["evidence"]["hits"]["hits"]]
            exposed = bucket["key"].get("exposed")
            yield {"victim": bucket["key"]["victim"], "actor": bucket["key"]["actor"],
                   "exposed": None if exposed is None else bool(exposed), "direction": bucket["key"].get("direction"),
                   "count": bucket["doc_count"], "first": _iso(bucket["first"]["value"]),
                   "last": _iso(bucket["last"]["value"]), "event_ids": ids}
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return
