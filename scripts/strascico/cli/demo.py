"""`strascico demo`: the whole story on a local node, scored against the planted truth."""

from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from ..demo.pipeline import DemoRun, hunt_and_score, ingest_manifest, learn_known_contacts, learnt_of
from ..demo.render import render_html, render_markdown, report_data
from ..report.volumes import foreign_contacts_per_day
from ..errors import ExitCode
from ..simulate import SIZES, SimulationOptions, simulate
from .cluster import cluster_options, connect
from .output import progress, table

DEMO_PREFIX = "strascico-demo"


def _step(message: str) -> float:
    click.echo(f"==> {message}", err=True)
    return time.monotonic()


@click.command()
@click.option("--size", default="small", show_default=True, type=click.Choice(list(SIZES)),
              help="Simulation size: tiny (seconds), small (default, ~1 min), medium, large.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0), help="Simulation seed.")
@click.option("--out", default=Path("demo-output"), show_default=True, type=click.Path(path_type=Path, file_okay=False),
              help="Where the simulated files and the report go.")
@click.option("--rules", "rules_dir", default=Path("rules"), show_default=True,
              type=click.Path(path_type=Path, exists=True, file_okay=False), help="The rule pack to hunt with.")
@cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print report.json to stdout.")
def demo(size: str, seed: int, out: Path, rules_dir: Path, es_url: str | None, ca_cert: str | None,
         insecure: bool, as_json: bool) -> int:
    """Show the whole story end to end and score it.

    \b
    1. starts a local Elasticsearch node (or uses --es-url / a node from `strascico es up`)
    2. simulates the contact-centre breach and flood (raw vendor files + ground truth)
    3. builds the exposed-cohort watchlist from the leaked applicant archive (keyed hashes)
    4. ingests every file through the real parsers
    5. learns the known contacts (relatives, suppliers) from the history before the flood, as
       `watchlist contacts --before` does, and ingests the call and message files again with them
    6. hunts with every rule, base and correlation
    7. scores the alerts against the planted incidents (recall, false alerts, false medium+
       alerts per 1,000 employees per week on the benign traffic)
    8. writes <out>/report.html (self-contained, with the campaign timeline), report.json, report.md
    9. stops the node it started

    Exit 0 when every planted incident was found, 1 otherwise, 2 on errors.
    """
    started = _step(f"simulating the contact-centre campaign (size {size}, seed {seed}) into {out}/sim")
    sim_dir = out / "sim"
    summary = simulate(SimulationOptions(seed=seed, size=size), sim_dir)
    click.echo(f"    {summary.events} events in {len(summary.files)} files ({summary.seconds:.1f} s)", err=True)
    manifest = json.loads((sim_dir / "manifest.json").read_text())
    truth = json.loads((sim_dir / "ground-truth.json").read_text())
    run = DemoRun(manifest, truth)
    with connect(es_url, ca_cert, insecure) as (settings, _):
        client = settings.client()
        _step("building the watchlist and ingesting every file")
        tqdm.monitor_interval = 0  # no monitor thread: the ingest forks workers
        bar = tqdm(total=summary.events, unit=" rec", file=sys.stderr, disable=not sys.stderr.isatty())
        key = secrets.token_bytes(32)  # the demo's watchlist and known-contacts key: memory only
        run.ingest, run.watchlist_size = ingest_manifest(client, sim_dir, DEMO_PREFIX, key, tick=bar.update)
        bar.close()
        # history before the first flood contact is clean (a SOC dates it from the first reports)
        cutoff = truth["flood"]["start"]
        _step(f"learning known contacts from the history before {cutoff}, ingesting calls and messages again")
        known, kinds = learn_known_contacts(client, DEMO_PREFIX, key, cutoff)
        run.known_contacts = {"cutoff": cutoff, "pairs": len(known.pairs), "numbers": len(known.organisation),
                              "relations": kinds, **learnt_of(known, truth)}
        run.ingest, _ = ingest_manifest(client, sim_dir, DEMO_PREFIX, key, known=known, redo=run.ingest)
        click.echo(f"    {run.known_contacts['numbers']} numbers known ({run.known_contacts['truth_learnt']} of the "
                   f"{run.known_contacts['truth_pairs']} relationships the simulation planted)", err=True)
        _step("hunting with every rule")
        observed = {category for report in run.ingest for category in report.logsources}
        run.hunt, run.score = hunt_and_score(client, rules_dir, DEMO_PREFIX, truth, observed,
                                             progress=lambda rules, total: progress(rules, "hunting", total=total))
        days, series = foreign_contacts_per_day(client, DEMO_PREFIX)
    data = report_data(run, days, series)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    (out / "report.html").write_text(render_html(data), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(data), encoding="utf-8")
    score = data["score"]
    if as_json:
        click.echo(json.dumps(data, indent=1, sort_keys=True, default=str))
    else:
        click.echo(table(("incident", "stage", "found", "rules that fired", "missed"),
                         [(i["id"], i["stage"], "yes" if i["found"] else "NO", len(i["fired_rules"]),
                           ", ".join(i["missed_rules"]) or "-") for i in score["incidents"]]))
    for item in score["not_observable"]:
        click.echo(f"not observable: {item['id']} (no {', '.join(item['logsources'])} data was ingested)", err=True)
    link = data["hunt"]["link"]
    click.echo(f"recall {score['recall']:.0%} ({score['rule_recall']:.0%} of expected rule firings), "
               f"{score['alerts']} alerts, {score['false_alerts']} false, {score['building_block_alerts']} from "
               f"building-block rules on benign traffic; "
               f"{score['false_medium_plus']} false medium+ = {score['false_per_1k_employees_week']:.2f} "
               "per 1,000 employees per week; "
               f"flood victims {link['flood_victims']} ({link['in_exposed_cohort']} exposed); "
               f"report: {out / 'report.html'} ({time.monotonic() - started:.0f} s)", err=True)
    return ExitCode.OK if all(i["found"] for i in score["incidents"]) else ExitCode.FINDINGS
