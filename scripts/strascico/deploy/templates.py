"""`deploy templates`: install the registry's index templates idempotently."""

from __future__ import annotations

from typing import Any

import elasticsearch
from elasticsearch import Elasticsearch

from ..es.templates import build_templates
from .plan import PlanItem, decide


def _component_meta(client: Elasticsearch, name: str) -> dict[str, Any] | None:
    try:
        found = client.cluster.get_component_template(name=name)["component_templates"]
    except elasticsearch.NotFoundError:
        return None
    return dict(found[0]["component_template"].get("_meta") or {}) if found else None


def _index_meta(client: Elasticsearch, name: str) -> dict[str, Any] | None:
    try:
        found = client.indices.get_index_template(name=name)["index_templates"]
    except elasticsearch.NotFoundError:
        return None
    return dict(found[0]["index_template"].get("_meta") or {}) if found else None


def plan_templates(client: Elasticsearch, prefix: str) -> list[PlanItem]:
    """Component templates first (index templates depend on them), each with its action."""
    templates = build_templates(prefix)
    items = [decide("component_template", n, b, _component_meta(client, n))
             for n, b in templates.component_templates.items()]
    items += [decide("index_template", n, b, _index_meta(client, n))
              for n, b in templates.index_templates.items()]
    return items


def apply_templates(client: Elasticsearch, items: list[PlanItem]) -> list[PlanItem]:
    """PUT what the plan adds or changes; returns the items applied."""
    applied = []
    for item in items:
        if item.action == "unchanged":
            continue
        if item.kind == "component_template":
            client.cluster.put_component_template(name=item.name, **item.body)
        else:
            client.indices.put_index_template(name=item.name, **item.body)
        applied.append(item)
    return applied
