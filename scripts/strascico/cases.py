"""Rule test cases (`<rule>.cases.yaml`, docs/rule-cases.md): loading and shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding
from .yamlsafe import YamlProblem, load_documents, read_text

LOGSOURCE_KEY = "_logsource"  # which logsource index an event of a correlation case goes to


@dataclass
class Case:
    """One scenario: events to index and what the rule must return on them."""

    name: str
    events: list[dict[str, Any]]
    hits: int | None = None  # base rules: exact number of matching events
    alerts: list[dict[str, Any]] | None = None  # correlation rules: expected alert groups

    @property
    def is_positive(self) -> bool:
        return bool(self.hits) if self.alerts is None else bool(self.alerts)


@dataclass
class CaseFile:
    """All cases of one rule, or the problems that kept them from loading."""

    path: Path
    cases: list[Case] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


def flatten(event: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted-key view of an event given with dotted keys, nested objects, or both."""
    flat: dict[str, Any] = {}
    for key, value in event.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _problem(path: Path, message: str, line: int | None = None) -> Finding:
    return Finding(str(path), line, "error", "cases", message)


def _parse_case(raw: Any, index: int, path: Path) -> Case | Finding:
    where = f"case {index + 1}"
    if not isinstance(raw, dict):
        return _problem(path, f"{where}: expected a mapping")
    name = str(raw.get("name") or where)
    events = raw.get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _problem(path, f"{name}: 'events' must be a list of mappings")
    unknown = set(raw) - {"name", "events", "hits", "alerts"}
    if unknown:
        return _problem(path, f"{name}: unknown keys {sorted(unknown)}")
    hits, alerts = raw.get("hits"), raw.get("alerts")
    if (hits is None) == (alerts is None):
        return _problem(path, f"{name}: give exactly one of 'hits' (base rule) or 'alerts' (correlation)")
    if hits is not None and (not isinstance(hits, int) or isinstance(hits, bool) or hits < 0):
        return _problem(path, f"{name}: 'hits' must be a whole number >= 0")
    if alerts is not None and (
        not isinstance(alerts, list) or not all(isinstance(a, dict) and "group" in a for a in alerts)
    ):
        return _problem(path, f"{name}: 'alerts' must be a list of {{group: {{field: value}}}}")
    return Case(name, events, hits, alerts)


def load_cases(path: Path) -> CaseFile:
    """Parse a cases file; problems are collected, never raised."""
    case_file = CaseFile(path)
    if not path.exists():
        case_file.problems.append(_problem(path, "missing: every rule needs positive and negative cases"))
        return case_file
    try:
        documents = load_documents(read_text(path))
    except YamlProblem as problem:
        case_file.problems.append(_problem(path, problem.message, problem.line))
        return case_file
    raw_cases = documents[0].get("cases") if len(documents) == 1 and isinstance(documents[0], dict) else None
    if not isinstance(raw_cases, list):
        case_file.problems.append(_problem(path, "expected one document with a 'cases' list", 1))
        return case_file
    for index, raw in enumerate(raw_cases):
        parsed = _parse_case(raw, index, path)
        if isinstance(parsed, Finding):
            case_file.problems.append(parsed)
        else:
            case_file.cases.append(parsed)
    return case_file
