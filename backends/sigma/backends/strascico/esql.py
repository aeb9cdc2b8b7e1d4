"""ES|QL output (query and Kibana ES|QL rule) over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import ESQLBackend
from sigma.conversion.state import ConversionState
from sigma.rule import SigmaRule

from .kibana import kibana_rule


class StrascicoESQLBackend(ESQLBackend):
    """Upstream ES|QL backend with `|cased` support.

    Upstream refuses `|cased`. ES|QL's LIKE is case-sensitive and takes `*`/`?` wildcards;
    the pipeline has already routed cased values to the exact-case field.
    """

    name: ClassVar[str] = "strascico Elasticsearch ES|QL"
    formats: ClassVar[dict[str, str]] = {
        "default": "ES|QL query",
        "kibana": "Kibana Detection Engine ES|QL rule (one JSON object per rule)",
    }
    case_sensitive_match_expression: ClassVar[str] = "{field} like {value}"

    def finalize_query_kibana(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        full_query = self.finalize_query_default(rule, query, index, state)
        return kibana_rule(rule, full_query, "esql", None)

    def finalize_output_kibana(self, queries: list[dict]) -> list[dict]:
        return list(queries)
