"""ElastAlert2 rule output over the strascico taxonomy."""

from __future__ import annotations

from typing import ClassVar

from sigma.backends.elasticsearch import ElastalertBackend

from .wildcard_union import WildcardUnion


class StrascicoElastalertBackend(WildcardUnion, ElastalertBackend):
    """Upstream ElastAlert backend (Lucene filter) with `|cased` support and wildcard unions, as for Lucene."""

    name: ClassVar[str] = "strascico ElastAlert2"
    case_sensitive_match_expression: ClassVar[str] = "{field}:{value}"
