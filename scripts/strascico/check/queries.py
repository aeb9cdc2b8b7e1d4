"""Every base rule converts, and the generated Lucene, EQL and ES|QL parse offline."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Callable, Iterable

import eql
from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from esql_parser.EsqlBaseLexer import EsqlBaseLexer
from esql_parser.EsqlBaseParser import EsqlBaseParser
from luqum.exceptions import ParseError
from luqum.parser import parser as lucene_parser
from sigma.pipelines.strascico.taxonomy import Logsource

from ..convert import Converter, resolve_targets
from ..findings import Finding
from .context import CheckContext


def lucene_syntax_error(query: str, logsource: Logsource | None = None) -> str | None:
    """luqum's parse error for a Lucene query string, or None."""
    try:
        lucene_parser.parse(query)
        return None
    except (ParseError, ValueError) as exc:
        return str(exc)


_EQL_TYPES = {"long": "number", "integer": "number", "float": "number", "boolean": "boolean"}


_SCHEMAS: dict[int, eql.Schema] = {}


def eql_schema(logsource: Logsource) -> eql.Schema:
    """EQL schema of one logsource: unknown fields and type misuse become parse errors.

    String fields are open objects (`{}`) so that `.lower` / `.keyword` subfields resolve.
    """
    if id(logsource) in _SCHEMAS:
        return _SCHEMAS[id(logsource)]
    root: dict = {}
    for spec in logsource.fields.values():
        if spec.name.startswith("@"):
            continue
        *parents, leaf = spec.name.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = _EQL_TYPES.get(spec.type, {})
    _SCHEMAS[id(logsource)] = eql.Schema({logsource.category: root})
    return _SCHEMAS[id(logsource)]


def eql_syntax_error(query: str, logsource: Logsource | None = None) -> str | None:
    """Elastic's EQL parser (as used by detection-rules) error, or None; with the logsource's
    schema when given, so a field outside the registry is an error too."""
    schema = eql_schema(logsource) if logsource is not None else nullcontext()
    try:
        with schema, eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions:
            eql.parse_query(query)
        return None
    except eql.EqlError as exc:
        return " ".join(str(exc).split())


class _Collect(ErrorListener):
    def __init__(self) -> None:
        self.errors: list[str] = []

    def syntaxError(self, recognizer, symbol, line, column, msg, e):  # type: ignore[no-untyped-def]  # noqa: N802
        self.errors.append(f"{line}:{column}: {msg}")


def esql_syntax_error(query: str, logsource: Logsource | None = None) -> str | None:
    """ES|QL grammar (ANTLR, generated from Elasticsearch's) error, or None. Syntax only."""
    listener = _Collect()
    lexer = EsqlBaseLexer(InputStream(query))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = EsqlBaseParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser.singleStatement()
    return "; ".join(listener.errors) or None


SYNTAX_CHECKS: dict[str, Callable[[str, Logsource | None], str | None]] = {
    "lucene": lucene_syntax_error,
    "eql": eql_syntax_error,
    "esql": esql_syntax_error,
}


def check_queries(ctx: CheckContext) -> Iterable[Finding]:
    """Convert to lucene/eql/esql and parse each output with that language's own parser."""
    converter = Converter(resolve_targets(list(SYNTAX_CHECKS)))
    for conversion in converter.convert(ctx.files):
        where, rule_id = str(conversion.rule_file.path), str(conversion.rule.id)
        name = conversion.target.name
        if conversion.error:
            line = conversion.rule_file.line_of("detection")
            yield Finding(where, line, "error", f"convert-{name}", conversion.error, rule_id)
        elif conversion.output is not None:
            logsource = ctx.taxonomy.logsource(getattr(conversion.rule.logsource, "category", None))
            if problem := SYNTAX_CHECKS[name](str(conversion.output), logsource):
                yield Finding(where, None, "error", f"syntax-{name}",
                              f"generated {name} does not parse: {problem}", rule_id)
