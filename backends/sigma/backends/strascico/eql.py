"""EQL output (query and Kibana EQL rule) over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import EqlBackend
from sigma.conditions import ConditionFieldEqualsValueExpression
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.types import SigmaString
from sigma.conversion.state import ConversionState
from sigma.rule import SigmaRule

from .kibana import kibana_rule
from .lucene import state_index


class StrascicoEqlBackend(EqlBackend):
    """Upstream EQL backend with four corrections, each shown by a test against upstream:

    - `|cased|contains` became `field == "*Salve*"`; EQL's `==` has no wildcards, so it never
      matched. `like` is EQL's case-sensitive wildcard operator.
    - numbers and booleans were compared with `:` (`status:200`), which EQL only defines for
      strings (Elastic's parser: "Expected string not number"); they use `==`.
    - `|exists` was refused; EQL says `field != null` / `field == null`.
    - a literal `*` or `?` was written as `"\\*"`, which EQL's grammar rejects; EQL has no
      escape for wildcard characters, so such values are refused with a clear message.
    """

    name: ClassVar[str] = "strascico Elasticsearch EQL"
    formats: ClassVar[dict[str, str]] = {
        "default": "EQL query",
        "kibana": "Kibana Detection Engine EQL rule (one JSON object per rule)",
    }
    case_sensitive_match_expression: ClassVar[str] = "{field} like {value}"
    field_exists_expression: ClassVar[str] = "{field} != null"
    field_not_exists_expression: ClassVar[str] = "{field} == null"

    def convert_value_str(self, s: SigmaString, state: ConversionState) -> str:
        if any(isinstance(p, str) and ("*" in p or "?" in p) for p in s.s):
            raise SigmaFeatureNotSupportedByBackendError(
                f"EQL cannot match a literal '*' or '?' (value {s.original or s!s})")
        return super().convert_value_str(s, state)

    def convert_condition_field_eq_val_num(self, cond: ConditionFieldEqualsValueExpression, state: ConversionState) -> str:
        return f"{self.escape_and_quote_field(cond.field)} == {cond.value}"

    def convert_condition_field_eq_val_bool(self, cond: ConditionFieldEqualsValueExpression, state: ConversionState) -> str:
        return f"{self.escape_and_quote_field(cond.field)} == {self.bool_values[bool(cond.value)]}"

    def finalize_query_kibana(self, rule: SigmaRule, query: str, index: int, state: ConversionState) -> dict:
        return kibana_rule(rule, query, "eql", state_index(state))

    def finalize_output_kibana(self, queries: list[dict]) -> list[dict]:
        return list(queries)
