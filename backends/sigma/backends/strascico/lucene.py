"""Lucene / query DSL / Kibana query-rule output over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import LuceneBackend
from sigma.conversion.state import ConversionState
from sigma.rule import SigmaRule

from .kibana import kibana_rule
from .wildcard_union import WildcardUnion


def state_index(state: ConversionState) -> list[str]:
    """Index patterns the pipeline chose for the rule's logsource (empty when none)."""
    index = state.processing_state.get("index")
    if index is None:
        return []
    return [index] if isinstance(index, str) else list(index)


class StrascicoLuceneBackend(WildcardUnion, LuceneBackend):
    """Upstream Lucene backend, plus `|cased` support, index-aware DSL/Kibana formats, and one
    regexp for a field's OR of leading wildcards (wildcard_union.py).

    Upstream refuses `|cased`: on a plain keyword field Lucene *is* case-sensitive, so the
    strascico pipeline routes cased values to the exact field and this expression suffices.
    """

    name: ClassVar[str] = "strascico Elasticsearch Lucene"
    formats: ClassVar[dict[str, str]] = {
        "default": "Lucene query string",
        "dsl": "Search request body: query DSL (query_string) with the rule's index",
        "kibana": "Kibana Detection Engine query rule (one JSON object per rule)",
    }
    case_sensitive_match_expression: ClassVar[str] = "{field}:{value}"

    def finalize_query_dsl(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        return {
            "index": state_index(state),
            "query": {"bool": {"filter": [{"query_string": {"query": query, "analyze_wildcard": True}}]}},
        }

    def finalize_output_dsl(self, queries: list[dict]) -> list[dict]:
        return list(queries)

    def finalize_query_kibana(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        return kibana_rule(rule, query, "lucene", state_index(state))

    def finalize_output_kibana(self, queries: list[dict]) -> list[dict]:
        return list(queries)
