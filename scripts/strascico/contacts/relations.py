"""Which foreign numbers each employee had a relationship with, read from Elasticsearch.

A relationship is what a person does with someone they know, never what a flood does to them:
an answered call they made to the number, an inbound call from it they talked through for at
least `min_talk` seconds (not through a public service line or queue), or messages both ways (`min_each_way` sent and received). Counted by
paged composite aggregations, so the history can be months long; only events before the
cut-off count, so the flood under investigation can never teach its own numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator

from elasticsearch import Elasticsearch
from sigma.pipelines.strascico.pipeline import index_pattern

from ..es.responses import complete
from ..ingest.calls import ENTRY_POINTS

PAGE = 5000


@dataclass(frozen=True)
class RelationRules:
    """What makes a relationship; the defaults are conservative (a wrong 'known' hides a flood)."""

    home_country: str = "IT"
    min_talk: float = 60.0  # seconds an inbound call must last
    min_each_way: int = 2  # messages sent and received


@dataclass(frozen=True)
class Relation:
    employee: frozenset[str]  # the person's identifiers seen on the event (number, extension)
    contact: str  # E.164
    how: str  # called-out, answered-long, two-way-messages


def _side(prefix: str) -> list[dict[str, Any]]:
    return [{f"{prefix}_number": {"terms": {"field": f"telephony.{prefix}.number", "missing_bucket": True}}},
            {f"{prefix}_ext": {"terms": {"field": f"telephony.{prefix}.extension", "missing_bucket": True}}}]


def _pages(client: Elasticsearch, index: str, query: dict[str, Any], sources: list[dict[str, Any]],
           what: str) -> Iterator[dict[str, Any]]:
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {"size": PAGE, "sources": sources}
        if after:
            composite["after"] = after
        response = client.search(index=index, query=query, size=0, aggs={"r": {"composite": composite}},
                                 ignore_unavailable=True, allow_no_indices=True)
        result = complete(response, what).get("aggregations", {}).get("r")
        if not result:
            return
        for bucket in result["buckets"]:
            yield {**bucket["key"], "_count": bucket["doc_count"]}
        after = result.get("after_key")
        if not after or len(result["buckets"]) < PAGE:
            return


def _query(cutoff: str, since: str | None, direction: str, foreign_side: str, rules: RelationRules,
           *extra: dict[str, Any]) -> dict[str, Any]:
    bounds = {"lt": cutoff, **({"gte": since} if since else {})}
    return {"bool": {
        "filter": [{"range": {"@timestamp": bounds}}, {"term": {"network.direction": direction}},
                   {"exists": {"field": f"telephony.{foreign_side}.number"}}, *extra],
        "must_not": [{"term": {f"telephony.{foreign_side}.country_iso": rules.home_country}},
                     # a citizen abroad who talked to an agent through the public queue is nobody's
                     # relation: learnt, the number would be known to the whole organisation
                     {"terms": {"telephony.callee.kind": list(ENTRY_POINTS)}}]}}


def _who(row: dict[str, Any], side: str) -> frozenset[str]:
    return frozenset(v for v in (row.get(f"{side}_number"), row.get(f"{side}_ext")) if v)


def find_relations(client: Elasticsearch, prefix: str, cutoff: str, since: str | None = None,
                   rules: RelationRules = RelationRules()) -> Iterator[Relation]:
    """Every (employee, foreign contact) relationship before `cutoff` (ISO date or date math)."""
    calls = index_pattern("telephony", prefix)
    contact = [{"contact": {"terms": {"field": "telephony.callee.number"}}}]
    query = _query(cutoff, since, "outbound", "callee", rules, {"range": {"telephony.call.talk_duration": {"gt": 0}}})
    for row in _pages(client, calls, query, _side("caller") + contact, "known contacts: calls made"):
        if employee := _who(row, "caller"):
            yield Relation(employee, row["contact"], "called-out")
    contact = [{"contact": {"terms": {"field": "telephony.caller.number"}}}]
    query = _query(cutoff, since, "inbound", "caller", rules,
                   {"range": {"telephony.call.talk_duration": {"gte": rules.min_talk}}})
    for row in _pages(client, calls, query, _side("callee") + contact, "known contacts: calls answered"):
        if employee := _who(row, "callee"):
            yield Relation(employee, row["contact"], "answered-long")
    yield from _two_way_messages(client, prefix, cutoff, since, rules)


def _two_way_messages(client: Elasticsearch, prefix: str, cutoff: str, since: str | None,
                      rules: RelationRules) -> Iterator[Relation]:
    messages = index_pattern("messaging", prefix)
    received: dict[tuple[str, str], int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    contact = [{"contact": {"terms": {"field": "telephony.caller.number"}}}]
    query = _query(cutoff, since, "inbound", "caller", rules)
    for row in _pages(client, messages, query, _side("callee") + contact, "known contacts: messages received"):
        for identifier in _who(row, "callee"):
            received[(identifier, row["contact"])] += row["_count"]
            people[identifier] |= _who(row, "callee")
    contact = [{"contact": {"terms": {"field": "telephony.callee.number"}}}]
    query = _query(cutoff, since, "outbound", "callee", rules)
    for row in _pages(client, messages, query, _side("caller") + contact, "known contacts: messages sent"):
        employee = _who(row, "caller")
        if row["_count"] >= rules.min_each_way and any(
                received.get((e, row["contact"]), 0) >= rules.min_each_way for e in employee):
            yield Relation(employee.union(*(people[e] for e in employee)), row["contact"], "two-way-messages")
