"""`strascico deploy kibana`: the plan with field diffs, the apply report, the exit code."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ...deploy.kibana import KibanaOptions, KibanaResult, deploy_kibana
from ...deploy.kibana_api import KibanaClient
from ...deploy.kibana_apply import write_report
from ...deploy.kibana_rules import BASE_LANGUAGES, DEFAULT_LANGUAGE
from ...deploy.kibana_settings import KibanaSettings
from ...errors import ExitCode
from ...pack import load_pack
from ..output import print_json
from .options import kibana_options, lock_option, rules_argument


def _text(value: Any) -> str:
    text = (
        value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    )
    return " ".join(text.split())


def _excerpts(before: Any, after: Any, width: int = 60) -> tuple[str, str]:
    """Both values cut to the same window around their first difference."""
    old, new = _text(before), _text(after)
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, first - 20)

    def cut(text: str) -> str:
        piece = text[start : start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")

    return cut(old), cut(new)


def _render_plan(result: KibanaResult, prune: bool) -> None:
    for item in result.plan.items:
        note = "  (kept: pass --prune to delete)" if item.action == "remove" and not prune else ""
        click.echo(f"{item.action:9}  {item.rule_id}  {item.name}{note}")
        for change in item.changes:
            before, after = _excerpts(change.before, change.after)
            click.echo(f"             {change.field}: {before} -> {after}")


def _kibana_json(
    result: KibanaResult, settings: KibanaSettings, dry_run: bool, report_path: Path | None
) -> dict:
    return {
        "dry_run": dry_run,
        "target": settings.describe(),
        "counts": result.plan.counts(),
        "plan": [
            {
                "rule_id": i.rule_id,
                "name": i.name,
                "action": i.action,
                "changes": [
                    {"field": c.field, "before": c.before, "after": c.after} for c in i.changes
                ],
            }
            for i in result.plan.items
        ],
        "skipped": list(result.skipped),  # "<path>: <why>", one per rule Kibana cannot take
        "report": result.report.to_dict() if result.report else None,
        "report_file": str(report_path) if report_path else None,
    }


def _kibana_summary(
    result: KibanaResult, settings: KibanaSettings, prune: bool, report_path: Path | None
) -> int:
    """Skipped rules, failures (one `error:` line each) and the summary on stderr; the exit code."""
    for line in result.skipped:
        click.echo(f"{line} (not deployed)", err=True)
    counts = result.plan.counts()
    summary = (
        f"{counts['add']} to add, {counts['change']} to change, {counts['unchanged']} unchanged, "
        f"{counts['remove']} to remove{'' if prune else ' (kept without --prune)'}"
    )
    report = result.report
    if report is None:
        click.echo(f"dry run on {settings.describe()}: {summary}", err=True)
        return ExitCode.OK
    if report.backup:
        click.echo(f"backup of the rules to delete: {report.backup}", err=True)
    for outcome in report.having("failed"):
        click.echo(
            f"error: {outcome.action} {outcome.rule_id} ({outcome.name}): "
            f"{outcome.status or 'connection'} {outcome.message}",
            err=True,
        )
    applied, failed, skipped = (
        len(report.having(o)) for o in ("applied", "failed", "not_attempted")
    )
    click.echo(
        f"{settings.describe()}: {summary}; applied {applied}, failed {failed}, "
        f"not attempted {skipped}; report {report_path}",
        err=True,
    )
    return ExitCode.ERROR if failed or skipped else ExitCode.OK


@click.command()
@rules_argument
@kibana_options
@click.option(
    "--enable",
    is_flag=True,
    help="Enable every rule (default: new rules disabled, existing ones keep their state).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the plan (add / change with a field diff / unchanged / remove); change nothing.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete rules tagged `strascico` that the pack no longer has, "
    "after exporting them to a backup NDJSON.",
)
@click.option(
    "--language",
    type=click.Choice(sorted(BASE_LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Base rules as query (lucene), ES|QL or EQL rules.",
)
@click.option(
    "--index-prefix",
    default=DEFAULT_INDEX_PREFIX,
    show_default=True,
    help="Rules search <prefix>-<logsource>-* indices.",
)
@lock_option
@click.option(
    "--backup-dir",
    type=click.Path(path_type=Path),
    default=Path("build/kibana-backups"),
    show_default=True,
    help="Where --prune writes kibana-<space>-<time>.ndjson.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Where to write what was and was not applied "
    "[default: build/deploy/kibana-<space>-<time>.json].",
)
@click.option("--json", "as_json", is_flag=True, help="Plan and report as JSON on stdout.")
def kibana(
    paths: tuple[Path, ...],
    kibana_url: str | None,
    space: str | None,
    ca_cert: str | None,
    insecure: bool,
    enable: bool,
    dry_run: bool,
    prune: bool,
    language: str,
    index_prefix: str,
    lock_path: Path,
    backup_dir: Path,
    report_path: Path | None,
    as_json: bool,
) -> int:
    """Upsert the pack's rules into Kibana's Detection Engine (rule_id = Sigma id).

    Base rules become query rules (or ES|QL / EQL with --language), correlations threshold or
    EQL-sequence rules, each with severity, risk score, ATT&CK threat, tags, references, false
    positives and an investigation note. Each rule's `version` comes from the lock file: a
    stale lock stops the deploy. New rules are created disabled unless --enable; changed rules
    keep their enabled state, exceptions and actions. Deploying an unchanged pack changes
    nothing. Rules are deleted only with --prune, only if tagged `strascico`, and only after
    they were exported to a backup. 429/5xx are retried; a refused rule is reported with
    Kibana's message and the others still go through; every deploy writes a report of what
    was and was not applied. Exit 0 when everything applied, 2 otherwise.

    \b
    Example:
      export KIBANA_URL=https://kibana.example.org:5601 KIBANA_API_KEY_FILE=/run/secrets/kbn
      strascico deploy kibana --space soc --dry-run      # review the plan
      strascico deploy kibana --space soc                # apply it
    """
    files = load_pack(list(paths) or [Path("rules")])
    settings = KibanaSettings.resolve(kibana_url, space, ca_cert, insecure)
    options = KibanaOptions(
        index_prefix=index_prefix,
        language=language,
        enable=enable,
        prune=prune,
        dry_run=dry_run,
        lock_path=lock_path,
        backup_dir=backup_dir,
    )
    now = datetime.now(timezone.utc)
    result = deploy_kibana(KibanaClient(settings), files, options, now)
    if result.report is not None:
        default = Path("build/deploy") / f"kibana-{settings.space}-{now:%Y%m%dT%H%M%S%fZ}.json"
        report_path = write_report(result.report, report_path or default)
    if as_json:
        print_json(_kibana_json(result, settings, dry_run, report_path))
    else:
        _render_plan(result, prune)
    return _kibana_summary(result, settings, prune, report_path)
