"""Streaming every hit of a query, in time order, with a point in time and search_after.

Never from/size: a hunt over months reads millions of hits, and from/size stops at 10,000.
Memory holds one page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from elasticsearch import Elasticsearch

PAGE = 5000


def epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def time_range(since: str | None, until: str | None) -> dict[str, Any] | None:
    """A @timestamp range filter; accepts date math such as now-120d."""
    bounds = {k: v for k, v in (("gte", since), ("lte", until)) if v}
    return {"range": {"@timestamp": bounds}} if bounds else None


def query_body(lucene: str, since: str | None = None, until: str | None = None) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"query_string": {"query": lucene, "analyze_wildcard": True}}]
    if (window := time_range(since, until)) is not None:
        filters.append(window)
    return {"bool": {"filter": filters}}


def stream_hits(client: Elasticsearch, index: str, query: dict[str, Any], fields: list[str],
                page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Each hit as {"_id", "_index", "@timestamp", <field>: first value...}, oldest first."""
    pit = client.open_point_in_time(index=index, keep_alive="2m", ignore_unavailable=True)["id"]
    after: list[Any] | None = None
    try:
        while True:
            kwargs: dict[str, Any] = {"search_after": after} if after else {}
            response = client.search(
                query=query, size=page, pit={"id": pit, "keep_alive": "2m"},
                sort=[{"@timestamp": {"order": "asc", "format": "strict_date_optional_time_nanos"}},
                      {"_shard_doc": "asc"}],
                fields=[{"field": f} for f in fields], source=False, track_total_hits=False, **kwargs,
            )
            hits = response["hits"]["hits"]
            pit = response.get("pit_id", pit)
            for hit in hits:
                values = hit.get("fields", {})
                row = {name: vals[0] if len(vals) == 1 else vals for name, vals in values.items()}
                row["_id"], row["_index"] = hit["_id"], hit["_index"]
                yield row
            if len(hits) < page:
                return
            after = hits[-1]["sort"]
    finally:
        try:
            client.close_point_in_time(id=pit)
        except Exception:  # noqa: BLE001 - the PIT expires by itself; never mask the real error
            pass
