"""`strascico deploy lock`."""

from __future__ import annotations

from pathlib import Path

import click

from ...deploy.lock import pack_staleness, update_pack_lock
from ...errors import ExitCode
from ...pack import load_pack
from ..output import print_json
from .options import lock_option, rules_argument


@click.command()
@rules_argument
@lock_option
@click.option(
    "--check",
    "mode",
    flag_value="check",
    default=True,
    help="Exit 1 if the lock is stale (default).",
)
@click.option(
    "--update",
    "mode",
    flag_value="update",
    help="Rewrite the lock: bump changed rules, add new ones.",
)
@click.option("--json", "as_json", is_flag=True, help="Differences as JSON on stdout.")
def lock(paths: tuple[Path, ...], lock_path: Path, mode: str, as_json: bool) -> int:
    """Check or update the version lock of the pack's Kibana rules.

    The lock maps each rule id to the hash of its Kibana content and a version that bumps
    only when that hash changes. CI runs `--check` (exit 1 when stale); after changing rules,
    run `--update` and commit the file with them.

    \b
    Example:  strascico deploy lock --update && git add rules.lock.json
    """
    files = load_pack(list(paths) or [Path("rules")])
    diff = (
        update_pack_lock(files, lock_path) if mode == "update" else pack_staleness(files, lock_path)
    )
    if as_json:
        print_json(
            {
                "lock": str(lock_path),
                "mode": mode,
                "differences": [{"rule_id": r, "name": n, "change": c} for r, n, c in diff.entries],
            }
        )
    else:
        for rule_id, name, change in diff.entries:
            click.echo(f"{change:8}  {rule_id}  {name}")
    if mode == "update":
        click.echo(f"{lock_path}: {len(diff.entries)} rules updated", err=True)
        return ExitCode.OK
    if diff:
        click.echo(f"{lock_path}: stale: {diff.summary()}", err=True)
        return ExitCode.FINDINGS
    click.echo(f"{lock_path}: current", err=True)
    return ExitCode.OK
