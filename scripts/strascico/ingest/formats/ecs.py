"""ECS NDJSON: events already in ECS shape (Elastic Agent, Auditbeat, Filebeat, our simulator).

One JSON object per line, nested or dotted. `event.category` (ECS) picks the logsource:
process → process_creation, authentication → authentication, web → webserver,
database → database. Fields outside the registry for that logsource are dropped, because the
strict mapping would refuse the whole event; their names are counted per run so nothing
disappears unnoticed. Types are checked against the registry; a value of the wrong type
rejects the event with the reason.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Iterator

from sigma.pipelines.strascico.taxonomy import load_taxonomy

from ...cases import flatten
from ...check.fields import event_value_problem
from ..base import Format
from ..context import event_id
from ..model import Event, Reject
from ..reading import json_objects

ECS_CATEGORIES = {"process": "process_creation", "authentication": "authentication", "web": "webserver",
                  "database": "database"}


def _categories(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []


class EcsNdjson(Format):
    name = "ecs-ndjson"
    category = "process_creation"  # the most common use: endpoint process events
    description = "ECS events as NDJSON (Elastic Agent, Auditbeat, Filebeat)"
    dataset = "ecs"

    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject]:
        taxonomy = load_taxonomy()
        for line, obj, raw in json_objects(stream, stats=self.ctx.stats):
            if isinstance(obj, str):
                yield Reject(source, line, obj, raw)
                continue
            if not isinstance(obj, dict):
                yield Reject(source, line, "not a JSON object", raw)
                continue
            flat = flatten(obj)
            category = next((ECS_CATEGORIES[c] for c in _categories(flat.pop("event.category", None))
                             if c in ECS_CATEGORIES), None)
            if category is None:
                yield Reject(source, line, f"event.category must be one of {', '.join(ECS_CATEGORIES)}", raw)
                continue
            fields = taxonomy.logsources[category].fields
            event: dict[str, Any] = {}
            problem = None
            for name, value in flat.items():
                spec = fields.get(name)
                if spec is None:
                    self.ctx.stats.dropped_fields[name] = self.ctx.stats.dropped_fields.get(name, 0) + 1
                    continue
                problem = event_value_problem(spec, value)
                if problem:
                    break
                event[name] = value
            if problem or "@timestamp" not in event:
                yield Reject(source, line, problem or "no @timestamp", raw)
                continue
            event.setdefault("event.dataset", self.dataset)
            event.setdefault("event.id", event_id(self.name, raw))
            yield Event(category, event)
