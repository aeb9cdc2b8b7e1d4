"""What the indexed data covers, per logsource and day — so nobody over-claims."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from sigma.pipelines.strascico.pipeline import index_pattern
from sigma.pipelines.strascico.taxonomy import load_taxonomy

from ..correlate.search import time_range
from ..es.responses import complete


def coverage(client: Elasticsearch, prefix: str, since: str | None, until: str | None) -> dict[str, Any]:
    """{logsource: {events, first, last, days_without_data}} and the logsources never ingested."""
    result: dict[str, Any] = {"logsources": {}, "never_ingested": []}
    window = time_range(since, until)
    bounds = {"min": since, "max": until} if since and until else None
    for category in sorted(load_taxonomy().logsources):
        histogram: dict[str, Any] = {"field": "@timestamp", "calendar_interval": "day", "format": "yyyy-MM-dd",
                                     "min_doc_count": 0}
        if bounds:
            histogram["extended_bounds"] = bounds
        response = client.search(index=index_pattern(category, prefix), size=0, query=window or {"match_all": {}},
                                 aggs={"first": {"min": {"field": "@timestamp", "format": "strict_date_time_no_millis"}},
                                       "last": {"max": {"field": "@timestamp", "format": "strict_date_time_no_millis"}},
                                       "days": {"date_histogram": histogram}},
                                 ignore_unavailable=True, allow_no_indices=True, track_total_hits=True)
        complete(response, f"coverage of {category}")
        total = response["hits"]["total"]["value"]
        if not total:
            result["never_ingested"].append(category)
            continue
        aggs = response["aggregations"]
        empty = [b["key_as_string"] for b in aggs["days"]["buckets"] if not b["doc_count"]]
        result["logsources"][category] = {"events": total, "first": aggs["first"].get("value_as_string"),
                                          "last": aggs["last"].get("value_as_string"),
                                          "days_without_data": _ranges(empty)}
    return result


def _ranges(days: list[str]) -> list[str]:
    """['2025-01-03', '2025-01-04', '2025-01-09'] → ['2025-01-03..2025-01-04', '2025-01-09']."""
    from datetime import date, timedelta

    spans: list[list[date]] = []
    for text in days:
        day = date.fromisoformat(text)
        if spans and spans[-1][1] + timedelta(days=1) == day:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [f"{a}..{b}" if a != b else str(a) for a, b in spans]
