"""`strascico check`: every problem of a rule pack, collected, never stopping at the first."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..findings import Finding, sort_findings
from ..pack import load_pack, reference_problems
from .cases import check_cases
from .context import CheckContext
from .fields import check_rule_fields
from .identity import check_identity
from .metadata import check_metadata
from .queries import check_queries
from .validators import check_validators


def _loading(ctx: CheckContext) -> Iterable[Finding]:
    for rule_file in ctx.files:
        yield from rule_file.problems


def _references(ctx: CheckContext) -> Iterable[Finding]:
    return reference_problems(ctx.files)


CHECKS: dict[str, Callable[[CheckContext], Iterable[Finding]]] = {
    "load": _loading,
    "identity": check_identity,
    "references": _references,
    "metadata": check_metadata,
    "validators": check_validators,
    "fields": check_rule_fields,
    "cases": check_cases,
    "queries": check_queries,
}


def run_checks(paths: Iterable[Path], skip: Iterable[str] = ()) -> tuple[CheckContext, list[Finding]]:
    """Load the pack under `paths` and run every check not in `skip`."""
    ctx = CheckContext(load_pack(paths))
    findings: list[Finding] = []
    for name, check in CHECKS.items():
        if name in skip:
            continue
        try:
            findings.extend(check(ctx))
        except Exception as exc:  # noqa: BLE001 - one failing check must not hide the others
            findings.append(Finding("(pack)", None, "error", name,
                                    f"the {name} check itself failed: {type(exc).__name__}: {exc}"))
    return ctx, sort_findings(list(dict.fromkeys(findings)))
