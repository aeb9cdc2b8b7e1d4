"""Daily volumes for the campaign timeline: foreign inbound contacts per channel and calling code."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from ..es.responses import complete

TOP_CODES = 6
MAX_SERIES = 10  # one colour each in the chart's palette


def foreign_contacts_per_day(client: Elasticsearch, prefix: str) -> tuple[list[str], dict[str, list[int]]]:
    """(days, {"<channel> +<code>": counts per day}) for inbound contacts from abroad."""
    query = {"bool": {"filter": [{"term": {"network.direction": "inbound"}},
                                 {"exists": {"field": "telephony.caller.country_code"}}],
                      "must_not": [{"term": {"telephony.caller.country_code": "39"}}]}}
    aggs: dict[str, Any] = {"days": {"date_histogram": {"field": "@timestamp", "calendar_interval": "day",
                                                        "format": "yyyy-MM-dd", "min_doc_count": 0},
                                     "aggs": {"channel": {"terms": {"field": "telephony.channel", "size": 5},
                                                          "aggs": {"code": {"terms": {
                                                              "field": "telephony.caller.country_code",
                                                              "size": TOP_CODES}}}}}}}
    response = client.search(index=f"{prefix}-telephony-*,{prefix}-messaging-*", query=query, size=0, aggs=aggs,
                             ignore_unavailable=True, allow_no_indices=True)
    buckets = complete(response, "daily contact volumes").get("aggregations", {}).get("days", {}).get("buckets", [])
    days = [b["key_as_string"] for b in buckets]
    series: dict[str, list[int]] = {}
    for index, day in enumerate(buckets):
        for channel in day["channel"]["buckets"]:
            for code in channel["code"]["buckets"]:
                name = f"{channel['key']} +{code['key']}"
                series.setdefault(name, [0] * len(days))[index] = code["doc_count"]
    ranked = sorted(series.items(), key=lambda kv: -sum(kv[1]))
    if len(ranked) <= MAX_SERIES:
        return days, dict(ranked)
    other = [sum(values[i] for _, values in ranked[MAX_SERIES - 1:]) for i in range(len(days))]
    return days, {**dict(ranked[:MAX_SERIES - 1]), "other": other}
