"""Findings: one located problem in a rule pack, rendered `path:line: severity: message`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """A problem the checker (or loader) found, with where it is."""

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str
    rule_id: str | None = None

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict:
        return asdict(self)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Stable report order: by file, then line, then code."""
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, f.message))
