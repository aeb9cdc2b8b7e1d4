"""The field registry (taxonomy.yml) as typed, read-only objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal, Mapping

import yaml

FieldType = Literal["keyword", "text", "date", "ip", "long", "integer", "float", "boolean"]
FIELD_TYPES: tuple[str, ...] = ("keyword", "text", "date", "ip", "long", "integer", "float", "boolean")
# String-like types get a lowercase-normalized `.lower` subfield (case-insensitive matching).
STRING_TYPES = frozenset({"keyword", "text"})
LOWER_SUFFIX = ".lower"
# `text` fields also keep an exact `.keyword` subfield for `|cased` and aggregations.
KEYWORD_SUFFIX = ".keyword"


@dataclass(frozen=True)
class FieldSpec:
    """One normalized field: name, Elasticsearch type, closed vocabulary if any."""

    name: str
    type: str
    doc: str = ""
    values: tuple[str, ...] | None = None

    @property
    def is_string(self) -> bool:
        return self.type in STRING_TYPES


@dataclass(frozen=True)
class Logsource:
    """One Sigma logsource category and the fields its events may carry."""

    category: str
    doc: str
    products: tuple[str, ...]
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    """All logsources of the registry."""

    version: int
    logsources: Mapping[str, Logsource]

    def logsource(self, category: str | None) -> Logsource | None:
        return self.logsources.get(category or "")

    def field(self, name: str) -> FieldSpec | None:
        """The field in any logsource (types agree across logsources; checked on load)."""
        for logsource in self.logsources.values():
            if name in logsource.fields:
                return logsource.fields[name]
        return None


class TaxonomyError(ValueError):
    """The registry file itself is inconsistent."""


def _field_spec(name: str, raw: Mapping) -> FieldSpec:
    if raw.get("type") not in FIELD_TYPES:
        raise TaxonomyError(f"field {name}: unknown type {raw.get('type')!r}")
    values = raw.get("values")
    return FieldSpec(name, raw["type"], raw.get("doc", ""), tuple(values) if values else None)


def parse_taxonomy(data: Mapping) -> Taxonomy:
    """Build a Taxonomy from the registry's YAML structure, checking its consistency."""
    fieldsets = {
        set_name: {name: _field_spec(name, raw) for name, raw in fields.items()}
        for set_name, fields in data["fieldsets"].items()
    }
    seen_types: dict[str, str] = {}
    logsources: dict[str, Logsource] = {}
    for category, raw in data["logsources"].items():
        fields: dict[str, FieldSpec] = {}
        for set_name in raw["fieldsets"]:
            if set_name not in fieldsets:
                raise TaxonomyError(f"logsource {category}: unknown fieldset {set_name}")
            fields.update(fieldsets[set_name])
        for name, values in (raw.get("values") or {}).items():
            if name not in fields:
                raise TaxonomyError(f"logsource {category}: values for unknown field {name}")
            fields[name] = FieldSpec(name, fields[name].type, fields[name].doc, tuple(values))
        for spec in fields.values():
            if seen_types.setdefault(spec.name, spec.type) != spec.type:
                raise TaxonomyError(f"field {spec.name} has two types across logsources")
        logsources[category] = Logsource(
            category, raw.get("doc", ""), tuple(raw.get("products", [])), fields
        )
    return Taxonomy(int(data.get("version", 1)), logsources)


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The registry shipped with this package (read once, on first use)."""
    text = resources.files(__package__).joinpath("taxonomy.yml").read_text(encoding="utf-8")
    return parse_taxonomy(yaml.safe_load(text))
