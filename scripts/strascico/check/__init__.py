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
        if name not in skip:
            findings.extend(_run_check(name, check, ctx))
    return ctx, sort_findings(list(dict.fromkeys(findings)))


def _run_check(name: str, check: Callable[[CheckContext], Iterable[Finding]],
               ctx: CheckContext) -> list[Finding]:
    """One check over the pack; if a file's content makes it raise, that file gets the finding.

    A check runs over the whole pack first (identity and references compare files). Only when
    it raises is it rerun file by file, so the file that breaks it is named and every other
    file's findings are still reported.
    """
    try:
        return list(check(ctx))
    except Exception:  # noqa: BLE001 - find the file responsible below
        pass
    findings: list[Finding] = []
    for rule_file in ctx.files:
        try:
            findings.extend(check(ctx.only(rule_file)))
        except Exception as exc:  # noqa: BLE001 - one file must not hide the others
            findings.append(Finding(str(rule_file.path), None, "error", name,
                                    f"the {name} check failed on this file: {type(exc).__name__}: {exc}"))
    return findings
