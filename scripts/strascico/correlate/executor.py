"""Running correlation plans on Elasticsearch: stream each base rule's hits, merge, slide windows."""

from __future__ import annotations

from typing import Callable, Iterator

from elasticsearch import Elasticsearch
from sigma.backends.strascico.correlation import CorrelationPlan

from .search import epoch, query_body, stream_hits
from .window import Alert, CorrelatedEvent, evaluate, ordered

IndexFor = Callable[[str], str]  # logsource category → index pattern


def _events(client: Elasticsearch, plan: CorrelationPlan, base_index: int, index_for: IndexFor,
            since: str | None, until: str | None) -> Iterator[CorrelatedEvent]:
    base = plan.bases[base_index]
    fields = sorted(plan.fields)
    for hit in stream_hits(client, index_for(base.category), query_body(base.query, since, until), fields):
        group = tuple(hit.get(f) for f in base.group_fields)
        if any(v is None or isinstance(v, list) for v in group):
            continue  # Sigma groups by the field's value; events without it do not count
        value = hit.get(base.value_field) if base.value_field else None
        if base.value_field and value is None:
            continue
        stamp = hit.get("@timestamp")
        if stamp is None:
            continue
        yield CorrelatedEvent(epoch(stamp), base_index, group, value if not isinstance(value, list) else tuple(value),
                              str(hit.get("event.id") or hit["_id"]))


def run_plan(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None = None,
             until: str | None = None) -> list[Alert]:
    """Alerts of one correlation over the indices `index_for` names, in [since, until]."""
    streams = [_events(client, plan, i, index_for, since, until) for i in range(len(plan.bases))]
    return evaluate(plan, ordered(streams))
