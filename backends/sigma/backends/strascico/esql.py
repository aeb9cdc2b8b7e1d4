"""ES|QL output (query and Kibana ES|QL rule) over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import ESQLBackend
from sigma.conversion.state import ConversionState
from sigma.rule import SigmaRule
from sigma.types import SigmaString, SpecialChars

from .kibana import kibana_rule


def _pattern_part(part: str | SpecialChars, like: bool) -> str:
    if part == SpecialChars.WILDCARD_MULTI:
        return "*"
    if part == SpecialChars.WILDCARD_SINGLE:
        return "?"
    text = str(part)
    if like:  # LIKE's own escapes, before the string literal's
        text = text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
    return text


class StrascicoESQLBackend(ESQLBackend):
    """Upstream ES|QL backend with two corrections, each shown by a test against upstream:

    - `|cased` was refused. ES|QL's LIKE is case-sensitive and takes `*`/`?` wildcards; the
      pipeline has already routed cased values to the exact-case field.
    - a literal `*`, `?` or `\\` in a value was written as `"a\\*"`, which is not a valid
      ES|QL string literal (the query does not parse). Escaping has two levels: the LIKE
      pattern's (`\\*`) and the string literal's (`\\\\*`); `==` values need only the second.
    """

    name: ClassVar[str] = "strascico Elasticsearch ES|QL"
    formats: ClassVar[dict[str, str]] = {
        "default": "ES|QL query",
        "kibana": "Kibana Detection Engine ES|QL rule (one JSON object per rule)",
    }
    case_sensitive_match_expression: ClassVar[str] = "{field} like {value}"

    def convert_value_str(self, s: SigmaString, state: ConversionState) -> str:
        like = s.contains_special()  # wildcards → the expression is a LIKE pattern
        text = "".join(_pattern_part(part, like) for part in s.s)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def finalize_query_kibana(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        full_query = self.finalize_query_default(rule, query, index, state)
        return kibana_rule(rule, full_query, "esql", None)

    def finalize_output_kibana(self, queries: list[dict]) -> list[dict]:
        return list(queries)
