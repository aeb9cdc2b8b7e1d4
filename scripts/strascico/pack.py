"""Loading a rule pack: each rule file parsed on its own, problems kept with their location."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError, SigmaRuleLocation
from sigma.rule import SigmaRule

from .errors import InputError
from .findings import Finding
from .yamlsafe import YamlProblem, key_lines, load_documents, read_text

RULE_SUFFIX = ".yml"
CASES_SUFFIX = ".cases.yaml"
AnyRule = SigmaRule | SigmaCorrelationRule

# Which top-level key a pySigma error class is about, to point at its line.
_ERROR_KEYS = {
    "SigmaLogsourceError": "logsource",
    "SigmaDetectionError": "detection",
    "SigmaConditionError": "detection",
    "SigmaModifierError": "detection",
    "SigmaTypeError": "detection",
    "SigmaValueError": "detection",
    "SigmaRegularExpressionError": "detection",
    "SigmaIdentifierError": "id",
    "SigmaTitleError": "title",
    "SigmaLevelError": "level",
    "SigmaStatusError": "status",
    "SigmaDateError": "date",
    "SigmaModifiedError": "modified",
    "SigmaTagError": "tags",
    "SigmaReferencesError": "references",
    "SigmaAuthorError": "author",
    "SigmaDescriptionError": "description",
    "SigmaFalsePositivesError": "falsepositives",
    "SigmaNameError": "name",
    "SigmaCorrelationRuleError": "correlation",
    "SigmaCorrelationConditionError": "correlation",
    "SigmaCorrelationTypeError": "correlation",
    "SigmaTimespanError": "correlation",
}
_QUOTED = re.compile(r"'([^']+)'")


@dataclass
class RuleFile:
    """One `.yml` file of the pack: its parsed rules and what went wrong reading it."""

    path: Path
    text: str = ""
    rules: list[AnyRule] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)

    @property
    def cases_path(self) -> Path:
        return self.path.with_name(self.path.name[: -len(RULE_SUFFIX)] + CASES_SUFFIX)

    def line_of(self, key: str) -> int | None:
        return key_lines(self.text).get(key)


def find_rule_files(paths: Iterable[Path]) -> list[Path]:
    """Rule files under the given files/folders, sorted; a missing path is an InputError."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob(f"*{RULE_SUFFIX}") if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise InputError("no such file or folder", path)
    return sorted(found)


def locate_sigma_error(error: SigmaError, text: str) -> int | None:
    """Best line for a pySigma error: the quoted token it names, else its section's key."""
    for token in _QUOTED.findall(str(error.args[0]) if error.args else ""):
        for number, line in enumerate(text.splitlines(), start=1):
            if f"|{token}" in line or f"{token}:" in line.strip()[: len(token) + 1]:
                return number
    if type(error).__name__ == "SigmaConditionError":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().startswith("condition:"):
                return number
    key = _ERROR_KEYS.get(type(error).__name__)
    return key_lines(text).get(key) if key else None


def _message(error: SigmaError) -> str:
    return str(error.args[0]) if error.args else type(error).__name__


def load_rule_file(path: Path) -> RuleFile:
    """Parse one rule file; never raises for bad content (problems are collected)."""
    rule_file = RuleFile(path)
    shown = str(path)
    try:
        rule_file.text = read_text(path)
        documents = load_documents(rule_file.text)
    except YamlProblem as problem:
        rule_file.problems.append(Finding(shown, problem.line, "error", "yaml", problem.message))
        return rule_file
    except OSError as exc:
        rule_file.problems.append(Finding(shown, None, "error", "io", exc.strerror or str(exc)))
        return rule_file
    if not documents or not all(isinstance(d, dict) for d in documents):
        rule_file.problems.append(Finding(shown, 1, "error", "yaml", "not a Sigma rule (expected a YAML mapping)"))
        return rule_file
    try:
        collection = SigmaCollection.from_dicts(
            documents, collect_errors=True, source=SigmaRuleLocation(path), resolve_references=False
        )
    except SigmaError as exc:  # malformed beyond what collect_errors gathers
        rule_file.problems.append(Finding(shown, locate_sigma_error(exc, rule_file.text), "error", "sigma",
                                          f"cannot parse rule: {_message(exc)}"))
        return rule_file
    except Exception as exc:  # noqa: BLE001 - pySigma meets a value it did not expect (wrong type, ...)
        rule_file.problems.append(Finding(shown, None, "error", "sigma",
                                          f"cannot parse rule: {type(exc).__name__}: {exc}"))
        return rule_file
    attached = [e for rule in collection.rules for e in rule.errors]
    for error in collection.errors:
        if error not in attached:  # errors of a rule are listed on both; report them once
            rule_file.problems.append(_sigma_finding(error, rule_file, None))
    for rule in collection.rules:
        _check_conditions(rule)
        if rule.errors:
            for error in rule.errors:
                rule_file.problems.append(_sigma_finding(error, rule_file, str(rule.id) if rule.id else None))
        else:
            rule_file.rules.append(rule)
    return rule_file


def _check_conditions(rule: AnyRule) -> None:
    """Parse a rule's conditions now: pySigma parses them only when converting, so a broken
    condition would otherwise surface in every later stage instead of once, at load."""
    if not isinstance(rule, SigmaRule):
        return
    for condition in getattr(rule.detection, "parsed_condition", None) or []:
        try:
            condition.parse()
        except SigmaError as error:
            rule.errors.append(error)


def _sigma_finding(error: SigmaError, rule_file: RuleFile, rule_id: str | None) -> Finding:
    line = locate_sigma_error(error, rule_file.text)
    return Finding(str(rule_file.path), line, "error", "sigma", _message(error), rule_id)


def load_pack(paths: Iterable[Path]) -> list[RuleFile]:
    """Every rule file under `paths`, each parsed on its own."""
    return [load_rule_file(path) for path in find_rule_files(paths)]


def reference_problems(files: list[RuleFile]) -> list[Finding]:
    """Correlation rules whose references dangle or form a cycle."""
    rules = [(f, r) for f in files for r in f.rules]
    keys: dict[str, AnyRule] = {}
    for _, rule in rules:
        if rule.id:
            keys[str(rule.id)] = rule
        if rule.name:
            keys[rule.name] = rule
    findings: list[Finding] = []
    for rule_file, rule in rules:
        if not isinstance(rule, SigmaCorrelationRule):
            continue
        line = rule_file.line_of("correlation")
        for ref in rule.rules or []:
            if ref.reference not in keys:
                findings.append(Finding(str(rule_file.path), line, "error", "reference",
                                        f"correlation refers to unknown rule '{ref.reference}'", str(rule.id)))
        if _in_cycle(rule, keys):
            findings.append(Finding(str(rule_file.path), line, "error", "reference",
                                    "correlation references form a cycle", str(rule.id)))
    return findings


def _in_cycle(start: SigmaCorrelationRule, keys: dict[str, AnyRule]) -> bool:
    stack = [(start, frozenset())]
    while stack:
        rule, seen = stack.pop()
        for ref in getattr(rule, "rules", None) or []:
            target = keys.get(ref.reference)
            if target is start:
                return True
            if isinstance(target, SigmaCorrelationRule) and id(target) not in seen:
                stack.append((target, seen | {id(target)}))
    return False


def resolved_collection(files: list[RuleFile]) -> SigmaCollection:
    """Copies of all good rules in one collection, correlation references resolved.

    Copies, because resolving marks referenced rules (pySigma then converts them to bare
    queries for their correlation instead of finalized output). Correlations with dangling or
    cyclic references, and those that refer to such a correlation, are left out (the checker
    reports them).
    """
    rules = copy.deepcopy([r for f in files for r in f.rules])
    bad = {f.rule_id for f in reference_problems(files)}
    while True:  # drop correlations until every remaining reference resolves
        kept = [r for r in rules if str(r.id) not in bad]
        keys = {str(r.id) for r in kept} | {r.name for r in kept if r.name}
        newly_bad = {
            str(r.id)
            for r in kept
            if isinstance(r, SigmaCorrelationRule)
            and any(ref.reference not in keys for ref in r.rules or [])
        }
        if not newly_bad:
            return SigmaCollection(kept, resolve_references=True)
        bad |= newly_bad
