"""Convert a loaded pack to Elasticsearch targets, deterministically, one result per rule."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.pipelines.strascico import strascico_pipeline
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from sigma.backends.strascico import StrascicoEqlBackend, StrascicoESQLBackend
from sigma.backends.strascico.correlation import CorrelationNotSupported
from sigma.backends.strascico.correlation_targets import elastalert_correlation, kibana_correlation

from ..pack import AnyRule, RuleFile
from .targets import Target

if TYPE_CHECKING:
    from ..correlate.plans import PlanBuilder


@dataclass
class Conversion:
    """One rule converted to one target: the rendered output, or why there is none."""

    rule_file: RuleFile
    rule: AnyRule
    target: Target
    output: object | None = None
    text: str | None = None
    error: str | None = None
    skipped: str | None = None
    note: str | None = None  # how the output departs from Sigma's meaning, if it does

    @property
    def relative_name(self) -> str:
        """`<stage>/<file stem>`: where the output goes under the target's folder."""
        return f"{self.rule_file.path.parent.name}/{self.rule_file.path.stem}"


class Converter:
    """Holds one backend per target (pipelines are built once) and converts rules.

    Give it the pack's files to convert correlation rules too (their base rules are needed).
    """

    def __init__(self, targets: Iterable[Target], index_prefix: str = DEFAULT_INDEX_PREFIX,
                 files: list[RuleFile] | None = None, site: dict[str, list[str]] | None = None):
        """`site`: the rules' placeholder values (pipelines/strascico/site.py); None: from the environment."""
        self.targets = list(targets)
        self.index_prefix = index_prefix
        self.backends = {
            t.name: t.backend(processing_pipeline=strascico_pipeline(index_prefix, site)) for t in self.targets
        }
        self._files = files
        self._plans: PlanBuilder | None = None
        self._site = site
        self._condition_backends: dict[str, Any] = {}  # EQL/ES|QL, for correlations only

    @property
    def plans(self) -> PlanBuilder | None:
        """Built on first use: it deep-copies every rule given, wasted when nothing correlates."""
        if self._plans is None and self._files is not None:
            # Imported here: strascico.correlate's package pulls in the Elasticsearch client.
            from ..correlate.plans import PlanBuilder

            self._plans = PlanBuilder(self._files)
        return self._plans

    def _condition(self, backend_class: type, rule_id: str) -> str:
        """A base rule's query in another language, for a correlation's rendering."""
        name = backend_class.__name__
        if name not in self._condition_backends:
            self._condition_backends[name] = backend_class(
                processing_pipeline=strascico_pipeline(self.index_prefix, self._site))
        base = self.plans.collection[rule_id]  # type: ignore[union-attr]
        working = copy.deepcopy(base)
        working._backreferences, working._output = [], True
        return str(self._condition_backends[name].convert_rule(working)[0])

    def _eql_condition(self, rule_id: str) -> str:
        return self._condition(StrascicoEqlBackend, rule_id).removeprefix("any where ")

    def _esql_condition(self, rule_id: str) -> str:
        query = self._condition(StrascicoESQLBackend, rule_id)  # `from ... metadata ... | where <condition>`
        return query.split(" | where ", 1)[1]

    def _convert_correlation(self, result: Conversion) -> Conversion:
        render = CORRELATION_RENDERERS.get(result.target.name)
        if render is None or self.plans is None:
            result.skipped = result.target.correlation_gap
            return result
        try:
            plan = self.plans.plan(result.rule)
            output, result.note = render(self, result.rule, plan)
        except CorrelationNotSupported as exc:
            result.skipped = f"not expressible exactly: {exc}"
            return result
        result.output = output
        result.text = result.target.render(output)
        return result

    def convert_rule(self, rule_file: RuleFile, rule: AnyRule, target: Target,
                     consume: bool = False) -> Conversion:
        """`consume=True`: convert the rule itself, not a copy (it is rewritten; the caller drops it)."""
        result = Conversion(rule_file, rule, target)
        if rule.id is None and target.name == "kibana":
            result.error = "the rule has no id: a Kibana rule's rule_id is the Sigma id"
            return result
        if isinstance(rule, SigmaCorrelationRule):
            return self._convert_correlation(result)
        # pySigma's pipelines rewrite the rule in place; every target gets its own copy.
        working = rule if consume else copy.deepcopy(rule)
        try:
            outputs = self.backends[target.name].convert_rule(working, target.output_format)
        except SigmaError as exc:
            result.error = str(exc.args[0]) if exc.args else type(exc).__name__
            return result
        except NotImplementedError as exc:
            result.error = f"not supported by the {target.name} backend: {exc}"
            return result
        except Exception as exc:  # noqa: BLE001 - whatever one rule trips in pySigma must not end the run
            result.error = f"the {target.name} backend failed on this rule: {type(exc).__name__}: {exc}"
            return result
        if len(outputs) != 1:
            result.error = f"expected one query, the backend produced {len(outputs)}"
            return result
        result.output = outputs[0]
        result.text = target.render(outputs[0])
        return result

    def convert(self, files: list[RuleFile]) -> list[Conversion]:
        """Every rule of every file to every target, in file order then target order."""
        return [
            self.convert_rule(rule_file, rule, target)
            for rule_file in files
            for rule in rule_file.rules
            for target in self.targets
        ]


CORRELATION_RENDERERS = {
    "kibana": lambda conv, rule, plan: kibana_correlation(rule, plan, conv.index_prefix, conv._eql_condition,
                                                          conv._esql_condition),
    "elastalert": lambda conv, rule, plan: elastalert_correlation(rule, plan, conv.index_prefix),
}


def write_outputs(conversions: list[Conversion], out_dir: Path) -> list[Path]:
    """Write converted rules under `out_dir/<target>/`, replacing what was there."""
    written: list[Path] = []
    bundles: dict[Path, list[str]] = {}
    for conv in conversions:
        if conv.text is None:
            continue
        target = conv.target
        if target.bundle:
            bundles.setdefault(out_dir / target.name / target.bundle, []).append(conv.text)
            continue
        path = out_dir / target.name / f"{conv.relative_name}{target.extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(conv.text, encoding="utf-8")
        written.append(path)
    for path, lines in bundles.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(sorted(lines)), encoding="utf-8")
        written.append(path)
    return sorted(written)
