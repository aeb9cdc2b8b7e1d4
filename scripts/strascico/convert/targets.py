"""Conversion targets: name → backend, output format and how one rule's output is written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import yaml
from sigma.backends.strascico import (
    StrascicoElastalertBackend,
    StrascicoEqlBackend,
    StrascicoESQLBackend,
    StrascicoLuceneBackend,
)
from sigma.conversion.base import Backend


def _text(output: Any) -> str:
    return str(output).rstrip("\n") + "\n"


def _json(output: Any) -> str:
    return json.dumps(output, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _ndjson_line(output: Any) -> str:
    return json.dumps(output, sort_keys=True, ensure_ascii=False) + "\n"


def _yaml(output: Any) -> str:
    data = yaml.safe_load(output) if isinstance(output, str) else output
    return yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=100)


@dataclass(frozen=True)
class Target:
    """One thing `strascico convert` can produce."""

    name: str
    description: str
    backend: type[Backend]
    output_format: str
    extension: str
    render: Callable[[Any], str]
    bundle: str | None = None  # all rules in one file (Kibana's import NDJSON) instead of one each
    # Why this target gets no correlation output when it has no native renderer (kibana and
    # elastalert have one, in sigma.backends.strascico.correlation_targets).
    correlation_gap: str = "upstream pySigma cannot express Sigma correlations for this target"


TARGETS: dict[str, Target] = {
    "lucene": Target(
        "lucene", "Lucene query string (Kibana query bar, query_string)",
        StrascicoLuceneBackend, "default", ".lucene", _text,
        correlation_gap="Lucene has no aggregations; upstream refuses correlation rules",
    ),
    "dsl": Target(
        "dsl", "Search request body (query DSL) with the rule's index pattern",
        StrascicoLuceneBackend, "dsl", ".json", _json,
        correlation_gap="upstream's Lucene backend refuses correlation rules",
    ),
    "esql": Target(
        "esql", "ES|QL query", StrascicoESQLBackend, "default", ".esql", _text,
        correlation_gap=(
            "ES|QL has no sliding window (upstream uses clock-aligned date_trunc buckets, which miss "
            "a burst across a bucket edge); use the kibana target or `strascico hunt`"
        ),
    ),
    "eql": Target(
        "eql", "EQL query", StrascicoEqlBackend, "default", ".eql", _text,
        correlation_gap=(
            "upstream EQL emits `with runs=N`, which counts consecutive equal events and ignores the "
            "operator; temporal_ordered is rendered as an EQL sequence by the kibana target"
        ),
    ),
    "kibana": Target(
        "kibana", "Kibana Detection Engine rules, one NDJSON file for import",
        StrascicoLuceneBackend, "kibana", ".ndjson", _ndjson_line, bundle="rules.ndjson",
        correlation_gap="the pack was not given to the converter (correlations need their base rules)",
    ),
    "elastalert": Target(
        "elastalert", "ElastAlert2 rule (YAML)", StrascicoElastalertBackend, "default", ".yml", _yaml,
        correlation_gap="the pack was not given to the converter (correlations need their base rules)",
    ),
}


def resolve_targets(names: list[str]) -> list[Target]:
    """Targets by name; `all` means every target, in registry order."""
    if not names or "all" in names:
        return list(TARGETS.values())
    return [TARGETS[n] for n in names]
