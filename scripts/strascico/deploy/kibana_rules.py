"""The pack as Kibana Detection Engine rule bodies, keyed by rule_id (what `deploy kibana` upserts).

Base rules become query rules (Lucene) by default, or ES|QL / EQL rules with another base
language; correlation rules become threshold or EQL-sequence rules whatever the base language
(see backends/sigma/backends/strascico/correlation_targets.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sigma.backends.strascico import StrascicoEqlBackend, StrascicoESQLBackend
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..convert import TARGETS, Converter, Target
from ..errors import InputError
from ..pack import RuleFile

_KIBANA = TARGETS["kibana"]
BASE_LANGUAGES: dict[str, Target] = {
    "lucene": _KIBANA,
    "esql": replace(_KIBANA, name="kibana-esql", backend=StrascicoESQLBackend),
    "eql": replace(_KIBANA, name="kibana-eql", backend=StrascicoEqlBackend),
}
DEFAULT_LANGUAGE = "lucene"


@dataclass
class PackRules:
    """Rule bodies by rule_id, and which file each came from (for messages)."""

    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(
        default_factory=list
    )  # "<path>: <why>" for rules Kibana cannot express
    problems: list[str] = field(
        default_factory=list
    )  # "<path>: <why>" for rules that fail to convert

    def require_clean(self) -> None:
        """Refuse to deploy a pack with unreadable or unconvertible rules (listed in `problems`)."""
        if self.problems:
            raise InputError(
                f"{len(self.problems)} rules cannot be deployed (first: {self.problems[0]}); "
                "`strascico check` and `strascico convert -t kibana` show them all"
            )


def pack_rules(
    files: list[RuleFile],
    index_prefix: str = DEFAULT_INDEX_PREFIX,
    language: str = DEFAULT_LANGUAGE,
    site: dict[str, list[str]] | None = None,
) -> PackRules:
    """Every rule of the pack as a Kibana body; each rule that fails to convert is a problem.

    `site`: placeholder values; None takes them from the environment, `{}` leaves them unset
    (the lock's canonical content, the same on every site).
    """
    problems = [p.render() for f in files for p in f.problems]
    base_target = BASE_LANGUAGES[language]
    converter = Converter([_KIBANA], index_prefix, files, site)
    base_converter = (
        converter if base_target is _KIBANA else Converter([base_target], index_prefix, files, site)
    )
    result = PackRules()
    for rule_file in files:
        for rule in rule_file.rules:
            correlation = isinstance(rule, SigmaCorrelationRule)
            conv = (
                converter.convert_rule(rule_file, rule, _KIBANA)
                if correlation
                else base_converter.convert_rule(rule_file, rule, base_target)
            )
            if conv.error:
                problems.append(f"{rule_file.path}: {conv.error}")
            elif conv.skipped:
                result.skipped.append(f"{rule_file.path}: {conv.skipped}")
            else:
                body = dict(conv.output)  # type: ignore[call-overload]
                if body["rule_id"] in result.bodies:
                    problems.append(
                        f"{rule_file.path}: rule id {body['rule_id']} also in "
                        f"{result.sources[body['rule_id']]}"
                    )
                result.bodies[body["rule_id"]] = body
                result.sources[body["rule_id"]] = str(rule_file.path)
    result.problems = problems
    return result
