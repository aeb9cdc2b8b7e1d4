"""EQL output (query and Kibana EQL rule) over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import EqlBackend
from sigma.conversion.state import ConversionState
from sigma.rule import SigmaRule

from .kibana import kibana_rule
from .lucene import state_index


class StrascicoEqlBackend(EqlBackend):
    """Upstream EQL backend with a correct `|cased` wildcard match.

    Upstream writes `field == "*Salve*"` for `|cased|contains`; EQL's `==` has no wildcards,
    so that never matches. `like` is EQL's case-sensitive wildcard operator.
    """

    name: ClassVar[str] = "strascico Elasticsearch EQL"
    formats: ClassVar[dict[str, str]] = {
        "default": "EQL query",
        "kibana": "Kibana Detection Engine EQL rule (one JSON object per rule)",
    }
    case_sensitive_match_expression: ClassVar[str] = "{field} like {value}"

    def finalize_query_kibana(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        return kibana_rule(rule, query, "eql", state_index(state))

    def finalize_output_kibana(self, queries: list[dict]) -> list[dict]:
        return list(queries)
