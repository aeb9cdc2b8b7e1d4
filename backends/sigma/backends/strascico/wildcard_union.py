"""One regular expression for a field's OR of leading wildcards, in Lucene query strings.

Upstream writes `field|contains: [a, b, c]` as `field:(*a* OR *b* OR *c*)`. A leading wildcard
cannot seek in the terms dictionary, so Elasticsearch runs each one over every distinct value
of the field, once per value in the list: the 17 openers of the job-scam rule scanned the
message texts 17 times (0.9 CPU-s for one count at 2M events). `field:/.*(a|b|c).*/` matches
the same terms in one scan (0.15 CPU-s, same count).

Only on `.lower` subfields: keywords whose values the pipeline has lower-cased already, as the
field's normalizer would (a regexp is not normalized; a wildcard is). Only values whose
wildcards are at the ends: an inner wildcard can make the automaton too large to build.
"""

from __future__ import annotations

from typing import Any, Callable

from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionOR
from sigma.conversion.state import ConversionState
from sigma.pipelines.strascico.taxonomy import LOWER_SUFFIX
from sigma.types import SigmaString, SpecialChars

# Elasticsearch refuses a regexp longer than `index.max_regex_length` (1000 by default);
# below 860 characters no mix of short and long values measured here was too complex to build.
MAX_REGEX = 800
ANY = SpecialChars.WILDCARD_MULTI


def regex_literal(text: str) -> str:
    """`text` matched literally by a Lucene regexp (and safe between the slashes of a query
    string). Letters and digits stay bare: a backslash before one is a class (`\\d`, `\\w`)."""
    return "".join(c if c.isalnum() or not c.isascii() else "\\" + c for c in text)


def _shape(value: SigmaString) -> tuple[bool, str, bool] | None:
    """(leading *, literal text, trailing *) of a value with wildcards only at its ends; else None."""
    parts = list(value.s)
    lead = bool(parts) and parts[0] is ANY
    trail = len(parts) > int(lead) and parts[-1] is ANY
    middle = parts[int(lead):len(parts) - int(trail)]
    if not all(isinstance(part, str) for part in middle):
        return None
    return lead, "".join(middle), trail


def _regexes(shapes: list[tuple[bool, str, bool]]) -> list[str]:
    """Regexps (each at most MAX_REGEX long) matching exactly the terms the shapes match."""
    groups: dict[tuple[bool, bool], list[str]] = {}
    for lead, text, trail in shapes:
        groups.setdefault((lead, trail), []).append(regex_literal(text))
    out: list[str] = []
    for (lead, trail), literals in groups.items():
        frame = (".*" if lead else "") + "({})" + (".*" if trail else "")
        chunk: list[str] = []
        for literal in literals:
            if chunk and len(frame.format("|".join(chunk + [literal]))) > MAX_REGEX:
                out.append(frame.format("|".join(chunk)))
                chunk = []
            chunk.append(literal)
        out.append(frame.format("|".join(chunk)))
    return out


def wildcard_union(cond: ConditionOR, convert_value: Callable[[SigmaString], str]) -> list[str] | None:
    """The terms to OR on the field of `cond` (an OR of one field's values), or None to leave it
    to upstream. `convert_value` writes a value as upstream does (for those the regexp leaves out)."""
    args = cond.args
    if not all(isinstance(arg, ConditionFieldEqualsValueExpression) for arg in args) or \
            not args[0].field.endswith(LOWER_SUFFIX):
        return None
    values = [arg.value for arg in args]
    if not all(type(value) is SigmaString for value in values):  # cased, numbers, regexps: upstream's
        return None
    shapes = [_shape(value) for value in values]
    if sum(1 for shape in shapes if shape and shape[0]) < 2:
        return None  # one leading wildcard or none: nothing is scanned twice
    regexes = [f"/{regex}/" for regex in _regexes([shape for shape in shapes if shape])]
    return regexes + [convert_value(value) for value, shape in zip(values, shapes) if shape is None]


class WildcardUnion:
    """Mixin for backends that write Lucene query strings (before their upstream class)."""

    def convert_condition_as_in_expression(self, cond: Any, state: ConversionState) -> Any:
        if isinstance(cond, ConditionOR):
            terms = wildcard_union(cond, lambda value: self.convert_value_str(value, state))  # type: ignore[attr-defined]
            if terms is not None:
                field = self.escape_and_quote_field(cond.args[0].field)  # type: ignore[attr-defined]
                return f"{field}:{terms[0]}" if len(terms) == 1 else f"{field}:({' OR '.join(terms)})"
        return super().convert_condition_as_in_expression(cond, state)  # type: ignore[misc]
