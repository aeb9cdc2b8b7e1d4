"""`strascico report`: the breach-notification evidence pack."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..errors import ExitCode, InputError
from ..hunt import date_bound
from ..pack import load_pack
from ..report.build import build_report, watchlist_size
from ..report.datamap import load_data_map
from ..report.render import render_html, render_markdown
from .cluster import cluster_options, connect


@click.command()
@cluster_options
@click.option("--since", default="120d", show_default=True, help="Start: 120d (= now-120d), an ISO date or date math.")
@click.option("--until", default=None, help="End (default: now).")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", show_default=True,
              help="Language of the Art. 33 section (it: the Garante's vocabulary).")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for report.json, report.md, report.html.")
@click.option("--data-map", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="YAML: which tables/endpoints hold which personal-data categories.")
@click.option("--watchlist", "watchlist_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Exposed-cohort watchlist (only its size is reported).")
@click.option("--attribution", "attribution_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="JSON from `strascico attribute --json`, to say which dataset the victims point to.")
@click.option("--rules", "paths", multiple=True, type=click.Path(path_type=Path), help="Rule files/folders (default rules/).")
@click.option("--index-prefix", default=DEFAULT_INDEX_PREFIX, show_default=True)
def report(es_url: str | None, ca_cert: str | None, insecure: bool, since: str, until: str | None, lang: str,
           out: Path, data_map: Path | None, watchlist_path: Path | None, attribution_path: Path | None,
           paths: tuple[Path, ...], index_prefix: str) -> int:
    """Build the evidence pack a DPO needs within GDPR Art. 33's 72 hours.

    From the indexed events and a hunt over them: what happened and when (per breach phase,
    with accounts, addresses, hosts and the rules that fired), what was taken (tables and
    endpoints read by the suspicious sessions, rows and bytes, personal-data categories from
    --data-map, estimated records and data subjects, with the method), who is affected now
    (cohort size, flood victims in and outside it, onset, volume per channel and calling code),
    open questions (gaps, sources never ingested) and an Art. 33(3) section with the figures
    filled in and the human-judgement parts marked. report.json is the source of truth;
    report.md and report.html (self-contained, no network at view time) are rendered from it.
    Counts only: no phone number of the cohort is ever written.

    \b
    Example:
      strascico report --es-url https://es:9200 --since 2024-11-01 --lang it \\
          --data-map datamap.yml --watchlist exposed.wl --out notifica/
    """
    files = load_pack(list(paths) or [Path("rules")])
    attribution = None
    if attribution_path is not None:
        try:
            attribution = json.loads(attribution_path.read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read attribution JSON: {exc}", attribution_path) from None
    with connect(es_url, ca_cert, insecure, start_local=False) as (settings, _):
        data = build_report(settings.client(), files, index_prefix, date_bound(since), date_bound(until), lang,
                            load_data_map(data_map), watchlist_size(watchlist_path), attribution)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))
    (out / "report.md").write_text(render_markdown(data), encoding="utf-8")
    (out / "report.html").write_text(render_html(data), encoding="utf-8")
    happened, affected = data["what_happened"], data["who_is_affected"]
    click.echo(str(out / "report.html"))
    click.echo(f"breach signals: {happened['first_signal']} → {happened['last_signal']}; flood victims "
               f"{affected['flood_victims']} ({affected['in_cohort']} in the cohort); "
               f"{len(data['open_questions'])} open questions", err=True)
    return ExitCode.OK
