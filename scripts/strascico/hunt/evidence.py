"""The events an alert cites, looked up by event.id (reports and scoring read their fields)."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from ..cases import flatten
from ..es.responses import complete


def evidence_events(client: Elasticsearch, prefix: str, event_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The cited events, flat, by event.id (looked up in batches)."""
    found: dict[str, dict[str, Any]] = {}
    ids = sorted(event_ids)
    for start in range(0, len(ids), 1000):
        batch = ids[start:start + 1000]
        response = complete(client.search(index=f"{prefix}-*", query={"terms": {"event.id": batch}}, size=len(batch)),
                            "evidence events")
        for hit in response["hits"]["hits"]:
            event = flatten(hit["_source"])
            found[str(event.get("event.id"))] = event
    return found
