"""`strascico deploy elastalert`."""

from __future__ import annotations

from pathlib import Path

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ...deploy.elastalert import ElastalertOptions, write_elastalert
from ...errors import ExitCode
from ...pack import load_pack
from ..cluster import cluster_options, connect
from ..output import print_json
from .options import rules_argument


@click.command()
@rules_argument
@cluster_options
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/elastalert-deploy"),
    show_default=True,
    help="Folder for config.yaml and rules/<stage>/<rule>.yml.",
)
@click.option(
    "--index-prefix",
    default=DEFAULT_INDEX_PREFIX,
    show_default=True,
    help="Rules search <prefix>-<logsource>-* indices.",
)
@click.option(
    "--alert",
    "alerts",
    multiple=True,
    default=("debug",),
    show_default=True,
    help="Alerter for rules that name none (repeatable), e.g. email, slack.",
)
@click.option(
    "--writeback-index",
    default="elastalert_status",
    show_default=True,
    help="ElastAlert2's writeback index.",
)
@click.option("--json", "as_json", is_flag=True, help="Written files as JSON on stdout.")
def elastalert(
    paths: tuple[Path, ...],
    es_url: str | None,
    ca_cert: str | None,
    insecure: bool,
    out: Path,
    index_prefix: str,
    alerts: tuple[str, ...],
    writeback_index: str,
    as_json: bool,
) -> int:
    """Write ElastAlert2 rule files (correlations as frequency/cardinality) and its config.

    The config points ElastAlert2 at the cluster (--es-url / ES_URL, or the node from
    `strascico es up`) and holds no secret: ElastAlert2 reads ES_USERNAME, ES_PASSWORD or
    ES_API_KEY from its environment. Exit 1 if any rule failed to convert.

    \b
    Example:
      strascico deploy elastalert --es-url https://es.example.org:9200 --alert email -o ea/
      cd ea/ && elastalert-create-index --config config.yaml && elastalert --config config.yaml
    """
    files = load_pack(list(paths) or [Path("rules")])
    with connect(es_url, ca_cert, insecure, start_local=False) as (settings, _):
        written = write_elastalert(
            files, settings, out, ElastalertOptions(index_prefix, alerts, writeback_index)
        )
    if as_json:
        print_json(
            {
                "config": str(written.config),
                "rules": [str(p) for p in written.rules],
                "skipped": written.skipped,
                "problems": written.problems,
            }
        )
    else:
        click.echo(str(written.config))
        for path in written.rules:
            click.echo(str(path))
    for line in written.skipped:
        click.echo(f"{line} (no ElastAlert2 rule)", err=True)
    for line in written.problems:
        click.echo(f"error: {line}", err=True)
    click.echo(
        f"{len(written.rules)} rules and {written.config} for {settings.describe()}; "
        f"{len(written.skipped)} skipped, {len(written.problems)} failed",
        err=True,
    )
    return ExitCode.FINDINGS if written.problems else ExitCode.OK
