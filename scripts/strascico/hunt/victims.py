"""The flood's victims: every person an inbound flood signal reached, with exposure and first contact.

One paged composite aggregation over the union of the flood signal rules' queries per contact
logsource — exact counts from Elasticsearch, memory bounded by one page, whatever the volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch
from sigma.pipelines.strascico.pipeline import index_pattern

from ..correlate.search import iso_of_epoch, query_body
from ..es.responses import complete
from .entities import EXPOSED_FIELD

PAGE = 5000
VICTIM_FIELD = "telephony.callee.number"


@dataclass
class Victim:
    """One person reached: in the exposed cohort (None: not known) and when first contacted."""

    exposed: bool | None
    first: str


def _union(queries: list[str]) -> str:
    unique = list(dict.fromkeys(queries))
    return unique[0] if len(unique) == 1 else " OR ".join(f"({q})" for q in unique)


def flood_victims(client: Elasticsearch, prefix: str, queries: dict[str, dict[str, str]], since: str | None,
                  until: str | None) -> dict[str, Victim]:
    """Victims of the inbound contacts matched by `queries` (logsource → {rule name: Lucene})."""
    found: dict[str, Victim] = {}
    for category, lucene in sorted(queries.items()):
        query = query_body(_union(list(lucene.values())), since, until)
        failed = f"rule {', '.join(sorted(lucene))} (the flood victims in {category})"  # a shard lost: whose answer
        query["bool"]["must_not"] = [{"term": {"network.direction": "outbound"}}]
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": PAGE, "sources": [
                {"victim": {"terms": {"field": VICTIM_FIELD}}},
                {"exposed": {"terms": {"field": EXPOSED_FIELD, "missing_bucket": True}}}]}
            if after:
                composite["after"] = after
            response = client.search(index=index_pattern(category, prefix), query=query, size=0,
                                     aggs={"v": {"composite": composite,
                                                 "aggs": {"first": {"min": {"field": "@timestamp"}}}}},
                                     ignore_unavailable=True, allow_no_indices=True)
            result = complete(response, failed).get("aggregations", {}).get("v")
            if not result:
                break
            for bucket in result["buckets"]:
                _merge(found, bucket["key"]["victim"], bucket["key"]["exposed"], bucket["first"]["value"])
            after = result.get("after_key")
            if not after or len(result["buckets"]) < PAGE:
                break
    return found


def _merge(found: dict[str, Victim], number: str, exposed: Any, first_ms: float) -> None:
    first = iso_of_epoch(first_ms / 1000)
    flag = None if exposed is None else bool(exposed)
    known = found.get(number)
    if known is None:
        found[number] = Victim(flag, first)
    else:
        known.exposed = True if (known.exposed or flag) else (known.exposed if flag is None else flag)
        known.first = min(known.first, first)
