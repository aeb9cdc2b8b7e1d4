"""What every check reads: the loaded rule files, their cases and the field registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sigma.pipelines.strascico.taxonomy import Taxonomy, load_taxonomy

from ..cases import CaseFile, load_cases
from ..pack import AnyRule, RuleFile


@dataclass
class CheckContext:
    """The pack under check; cases are loaded lazily, once per rule file."""

    files: list[RuleFile]
    taxonomy: Taxonomy = field(default_factory=load_taxonomy)
    _cases: dict[Path, CaseFile] = field(default_factory=dict)

    def rules(self) -> Iterator[tuple[RuleFile, AnyRule]]:
        for rule_file in self.files:
            for rule in rule_file.rules:
                yield rule_file, rule

    def only(self, rule_file: RuleFile) -> "CheckContext":
        """The same context narrowed to one file (sharing the registry and loaded cases)."""
        return CheckContext([rule_file], self.taxonomy, self._cases)

    def cases(self, rule_file: RuleFile) -> CaseFile:
        if rule_file.path not in self._cases:
            self._cases[rule_file.path] = load_cases(rule_file.cases_path)
        return self._cases[rule_file.path]

    def rule_by_reference(self, reference: str) -> AnyRule | None:
        for _, rule in self.rules():
            if str(rule.id) == reference or rule.name == reference:
                return rule
        return None
