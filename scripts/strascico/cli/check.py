"""`strascico check`."""

from __future__ import annotations

from pathlib import Path

import click

from ..check import CHECKS, run_checks
from ..errors import ExitCode
from .output import print_json


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Findings as a JSON object on stdout.")
@click.option("--skip", multiple=True, type=click.Choice(sorted(CHECKS)), help="Skip a check (repeatable).")
def check(paths: tuple[Path, ...], as_json: bool, skip: tuple[str, ...]) -> int:
    """Check rule files offline: YAML, Sigma, conventions, fields, cases, query syntax.

    PATHS are rule files or folders (default: rules/). Every file is parsed on its own, so one
    broken file never hides the others. One line per finding: `path:line: severity: message
    [check]`, then a summary. Exit 0 when clean, 1 with findings, 2 on usage or I/O errors.

    \b
    Checks: load (YAML/Sigma parse), identity (unique ids), references (correlations),
    metadata (required keys, tags, offline ATT&CK), validators (pySigma + SigmaHQ),
    fields (registry), cases (positive + negative), queries (Lucene/EQL/ES|QL parse).
    """
    ctx, findings = run_checks(list(paths) or [Path("rules")], skip)
    rules = sum(len(f.rules) for f in ctx.files)
    summary = {"files": len(ctx.files), "rules": rules, "findings": len(findings),
               "errors": sum(f.severity == "error" for f in findings)}
    if as_json:
        print_json({"summary": summary, "findings": [f.to_dict() for f in findings]})
    else:
        for finding in findings:
            click.echo(finding.render())
        click.echo(f"{summary['files']} files, {rules} rules, {len(findings)} findings "
                   f"({summary['errors']} errors)", err=True)
    return ExitCode.FINDINGS if findings else ExitCode.OK
