"""What was taken: the tables and endpoints the suspicious sessions read, rows and bytes."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import Elasticsearch
from sigma.pipelines.strascico.pipeline import index_pattern

from ..es.responses import complete
from .datamap import DataMap

TOP = 50
PATHS = 10000  # distinct paths of the suspicious sources, grouped into endpoints below
_ID = re.compile(r"\d+")


def _window(start: str, end: str) -> dict[str, Any]:
    return {"range": {"@timestamp": {"gte": start, "lte": end}}}


def tables_read(client: Elasticsearch, prefix: str, principals: list[str], start: str, end: str,
                data_map: DataMap) -> list[dict[str, Any]]:
    """Per table: statements, rows returned, principals — for the suspicious principals only."""
    if not principals:
        return []
    response = client.search(
        index=index_pattern("database", prefix), size=0, ignore_unavailable=True, allow_no_indices=True,
        query={"bool": {"filter": [{"terms": {"user.name": principals}}, _window(start, end),
                                   {"exists": {"field": "db.collection.name"}}]}},
        aggs={"tables": {"terms": {"field": "db.collection.name", "size": TOP},
                         "aggs": {"rows": {"sum": {"field": "db.response.returned_rows"}},
                                  "with_rows": {"value_count": {"field": "db.response.returned_rows"}},
                                  "principals": {"terms": {"field": "user.name", "size": 10}}}}})
    rows = []
    for bucket in complete(response, "tables read").get("aggregations", {}).get("tables", {}).get("buckets", []):
        known = bucket["with_rows"]["value"] > 0
        rows.append({"table": bucket["key"], "statements": bucket["doc_count"],
                     "rows": int(bucket["rows"]["value"]) if known else None,
                     "principals": [p["key"] for p in bucket["principals"]["buckets"]],
                     "categories": data_map.categories("table", bucket["key"])})
    return rows


def endpoints_read(client: Elasticsearch, prefix: str, sources: list[str], start: str, end: str,
                   data_map: DataMap) -> list[dict[str, Any]]:
    """Per URL path: requests and response bytes, for the suspicious source addresses only."""
    if not sources:
        return []
    response = client.search(
        index=index_pattern("webserver", prefix), size=0, ignore_unavailable=True, allow_no_indices=True,
        query={"bool": {"filter": [{"terms": {"source.ip": sources}}, _window(start, end)]}},
        aggs={"paths": {"terms": {"field": "url.path", "size": PATHS},
                        "aggs": {"bytes": {"sum": {"field": "http.response.body.bytes"}}}}})
    grouped: dict[str, dict[str, Any]] = {}
    for bucket in complete(response, "endpoints read").get("aggregations", {}).get("paths", {}).get("buckets", []):
        template = _ID.sub("{id}", bucket["key"])  # /candidati/100042 and /candidati/100043 are one endpoint
        row = grouped.setdefault(template, {"path": template, "requests": 0, "bytes": 0, "distinct_paths": 0,
                                            "categories": data_map.categories("endpoint", bucket["key"])})
        row["requests"] += bucket["doc_count"]
        row["bytes"] += int(bucket["bytes"]["value"])
        row["distinct_paths"] += 1
    return sorted(grouped.values(), key=lambda r: -r["requests"])


def estimate(tables: list[dict[str, Any]], endpoints: list[dict[str, Any]], data_map: DataMap) -> dict[str, Any]:
    """Records and data subjects, with how they were estimated."""
    known = [t["rows"] for t in tables if t["rows"] is not None]
    records = sum(known) if known else None
    subjects = int(max(known) * data_map.subjects_per_record) if known else None
    if known:
        method = ("records = rows returned to the suspicious principals, summed over tables; data subjects ≈ "
                  "the largest number of rows read from one table × subjects per record "
                  f"({data_map.subjects_per_record:g}); an upper bound if the same rows were read twice")
    else:
        method = "the database audit source does not record rows returned: records and subjects cannot be estimated"
    categories = sorted({c for item in tables + endpoints for c in item["categories"]})
    return {"records_read": records, "subjects_estimate": subjects, "method": method,
            "categories": categories, "bytes_served": sum(e["bytes"] for e in endpoints)}
