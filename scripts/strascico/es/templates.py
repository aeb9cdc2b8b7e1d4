"""Index and component templates generated from the field registry.

Every logsource gets an index template for `<prefix>-<logsource>-*` composed of a settings
component (the lowercase normalizer) and one component per fieldset. Mappings are
`dynamic: strict`: an event with a field outside the registry is refused, not silently
indexed under a guessed type. String fields carry a `.lower` subfield (lowercase
normalizer) that the pipeline points case-insensitive matches at; `text` fields also keep an
exact `.keyword`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX, index_pattern
from sigma.pipelines.strascico.taxonomy import Taxonomy, load_taxonomy

NORMALIZER = "strascico_lowercase"
IGNORE_ABOVE = 8191  # Lucene's term limit is 32766 bytes; 8191 chars of UTF-8 stay under it
TEMPLATE_PRIORITY = 200
VERSION_META = {"managed_by": "strascico"}
# The cluster's own shard layout (primaries, replicas) for every strascico index, listed last
# in each index template so it wins over the field components. Optional: a single node has
# none; `es up --nodes N` installs one, and an operator may PUT their own.
LAYOUT_COMPONENT = "strascico-layout"


def field_mapping(field_type: str) -> dict[str, Any]:
    """The mapping of one registry type."""
    lower = {"type": "keyword", "normalizer": NORMALIZER, "ignore_above": IGNORE_ABOVE}
    if field_type == "keyword":
        return {"type": "keyword", "ignore_above": IGNORE_ABOVE, "fields": {"lower": lower}}
    if field_type == "text":
        exact = {"type": "keyword", "ignore_above": IGNORE_ABOVE}
        return {"type": "text", "fields": {"keyword": exact, "lower": lower}}
    return {"type": field_type}


def nest(fields: dict[str, str]) -> dict[str, Any]:
    """`{"a.b.c": type}` → nested `properties` objects."""
    root: dict[str, Any] = {}
    for name in sorted(fields):
        node = root
        *parents, leaf = name.split(".") if name != "@timestamp" else [name]
        for part in parents:
            node = node.setdefault(part, {"properties": {}})["properties"]
        node[leaf] = field_mapping(fields[name])
    return root


@dataclass(frozen=True)
class TemplateSet:
    """All templates for one index prefix: names → bodies, in install order."""

    component_templates: dict[str, dict[str, Any]]
    index_templates: dict[str, dict[str, Any]]


def build_templates(prefix: str = DEFAULT_INDEX_PREFIX, taxonomy: Taxonomy | None = None,
                    replicas: int | None = None) -> TemplateSet:
    """Templates for every logsource of the registry, for indices named `<prefix>-<logsource>-*`."""
    taxonomy = taxonomy or load_taxonomy()
    settings: dict[str, Any] = {
        "analysis": {"normalizer": {NORMALIZER: {"type": "custom", "filter": ["lowercase"]}}},
    }
    if replicas is not None:
        settings["number_of_replicas"] = replicas
    # Each component is validated on its own, so the normalizer's definition travels with the
    # mappings that use it (a shared settings component would be refused).
    components: dict[str, dict[str, Any]] = {}
    index_templates: dict[str, dict[str, Any]] = {}
    for category in sorted(taxonomy.logsources):
        logsource = taxonomy.logsources[category]
        component = f"{prefix}-fields-{category}"
        components[component] = {
            "template": {
                "settings": settings,
                "mappings": {
                    "dynamic": "strict",
                    "properties": nest({f.name: f.type for f in logsource.fields.values()}),
                }
            },
            "_meta": VERSION_META,
        }
        index_templates[f"{prefix}-{category}"] = {
            "index_patterns": [index_pattern(category, prefix)],
            "composed_of": [component, LAYOUT_COMPONENT],
            "ignore_missing_component_templates": [LAYOUT_COMPONENT],
            "priority": TEMPLATE_PRIORITY,
            "_meta": {**VERSION_META, "logsource": category, "doc": logsource.doc},
        }
    return TemplateSet(components, index_templates)


def layout_component(primaries: int, replicas: int) -> dict[str, Any]:
    """The LAYOUT_COMPONENT body: how many primary shards and replicas each index gets."""
    return {"template": {"settings": {"number_of_shards": primaries, "number_of_replicas": replicas}},
            "_meta": {**VERSION_META, "doc": "shard layout of strascico indices on this cluster"}}
