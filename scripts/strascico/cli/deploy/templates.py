"""`strascico deploy templates`."""

from __future__ import annotations

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ...deploy.templates import apply_templates, plan_templates
from ...errors import ExitCode
from ..cluster import cluster_options, connect
from ..output import print_json


@click.command()
@cluster_options
@click.option(
    "--index-prefix",
    default=DEFAULT_INDEX_PREFIX,
    show_default=True,
    help="Templates cover <prefix>-<logsource>-* indices.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="The plan as JSON on stdout.")
def templates(
    es_url: str | None,
    ca_cert: str | None,
    insecure: bool,
    index_prefix: str,
    dry_run: bool,
    as_json: bool,
) -> int:
    """Install index and component templates for every logsource of the registry.

    Each template carries a content hash in `_meta`; only added or changed templates are
    written, so deploying twice changes nothing the second time. Uses --es-url / ES_URL, or
    a node from `strascico es up`.
    """
    with connect(es_url, ca_cert, insecure, start_local=False) as (settings, _):
        client = settings.client()
        plan = plan_templates(client, index_prefix)
        applied = [] if dry_run else apply_templates(client, plan)
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "target": settings.describe(),
                "plan": [{"kind": i.kind, "name": i.name, "action": i.action} for i in plan],
                "applied": [i.name for i in applied],
            }
        )
    else:
        for item in plan:
            click.echo(f"{item.action:9}  {item.kind:18}  {item.name}")
    verb = "would apply" if dry_run else "applied"
    changes = sum(i.action != "unchanged" for i in plan)
    click.echo(f"{verb} {changes} of {len(plan)} templates on {settings.describe()}", err=True)
    return ExitCode.OK
