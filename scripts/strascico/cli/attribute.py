"""`strascico attribute`."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import click

from ..attribute import ALPHA, NEAR_DUPLICATE, Attribution, Hasher, Victims, attribute as run, verdict
from ..attribute.sources import LEVELS, add_hashes, add_hunt, add_reports, load_dataset, load_population
from ..attribute.stats import format_p
from ..errors import ExitCode, InputError
from ..watchlist import load_key
from .output import print_json, table

FILE = click.Path(path_type=Path, exists=True, dir_okay=False)


def _dataset_spec(value: str) -> tuple[str, Path]:
    name, sep, path = value.partition("=")
    if not sep or not name.strip() or not path:
        raise click.BadParameter(f"{value!r}: expected NAME=FILE, e.g. exam-2022=applicants.csv",
                                 param_hint="--dataset")
    if not Path(path).is_file():
        raise click.BadParameter(f"{name}: no such file: {path}", param_hint="--dataset")
    return name.strip(), Path(path)


@click.command()
@click.option("--population", required=True, type=FILE,
              help="All staff: HR's CSV (a phone/mobile column; email or user_name columns identify reporters), "
                   "or a watchlist file of their numbers.")
@click.option("--dataset", "dataset_specs", multiple=True, required=True, metavar="NAME=FILE",
              help="A candidate list of people (CSV with a phone column, or a watchlist file); repeat for each.")
@click.option("--reports", multiple=True, type=FILE,
              help="Report events from `strascico ingest -f report-csv|report-json --out FILE`: reporters are victims.")
@click.option("--all-reports", is_flag=True, help="Count reporters of domestic numbers too (default: foreign only).")
@click.option("--hunt", "hunts", multiple=True, type=FILE,
              help="`strascico hunt --json` output: employees targeted in flood alerts are victims.")
@click.option("--hunt-min-level", default="medium", show_default=True, type=click.Choice(list(LEVELS)),
              help="Ignore hunt alerts below this level (the low building blocks match every foreign contact).")
@click.option("--victims", "victim_files", multiple=True, type=FILE,
              help="A watchlist file of victims' numbers (strascico watchlist build).")
@click.option("--alpha", default=ALPHA, show_default=True,
              type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Family-wise error rate across datasets (Holm).")
@click.option("--near-duplicate", default=NEAR_DUPLICATE, show_default=True, type=click.FloatRange(0, 1),
              help="Jaccard overlap from which two significant lists are reported as not separable.")
@click.option("--key-file", type=FILE, help="HMAC key file (default: STRASCICO_WATCHLIST_KEY); the ingest key.")
@click.option("--default-region", default="IT", show_default=True, help="Region of national-format numbers.")
@click.option("--json", "as_json", is_flag=True, help="The whole result as JSON on stdout.")
def attribute(population: Path, dataset_specs: tuple[str, ...], reports: tuple[Path, ...], all_reports: bool,
              hunts: tuple[Path, ...], hunt_min_level: str, victim_files: tuple[Path, ...], alpha: float,
              near_duplicate: float, key_file: Path | None, default_region: str, as_json: bool) -> int:
    """Which candidate dataset the victims were drawn from: the leaked one.

    For each dataset: how many victims are in it, how many would be if victims were unrelated
    to it (victims × dataset staff / all staff), the ratio, and the exact one-sided
    hypergeometric p-value, corrected across datasets with Holm's method. Significant
    datasets are then compared pairwise (are victims enriched among the people in only one of
    them?), so that a list is not blamed for its overlap with the leaked one, and lists that
    cannot be told apart are said to be so. Numbers are normalized and hashed with the
    watchlist key as they are read; no number is printed or written.

    \b
    Example:
      export STRASCICO_WATCHLIST_KEY=$(cat /secure/key)     # the key reports were ingested with
      strascico ingest -f report-csv forms.csv --out reports.ndjson
      strascico hunt --since 120d --json > hunt.jsonl
      strascico attribute --population staff.csv --reports reports.ndjson --hunt hunt.jsonl \\
          --dataset exam-2022=applicants-2022.csv --dataset exam-2019=applicants-2019.csv \\
          --dataset e-learning=elearning-users.csv

    Exit 0 with a verdict (also "no dataset is enriched"), 2 on bad input.
    """
    if not (reports or hunts or victim_files):
        raise click.UsageError("give the victims: --reports, --hunt and/or --victims")
    specs = [_dataset_spec(s) for s in dataset_specs]
    if len({name for name, _ in specs}) != len(specs):
        raise click.BadParameter("dataset names must be distinct", param_hint="--dataset")
    hasher = Hasher(load_key(key_file), default_region)
    staff = load_population(population, hasher)
    if staff.size == 0:
        raise InputError("no usable phone number in the population", population)
    victims = Victims()
    for path in reports:
        add_reports(victims, path, staff, default_region, all_reports)
    for path in hunts:
        add_hunt(victims, path, staff, hasher, hunt_min_level)
    for path in victim_files:
        add_hashes(victims, path, staff, hasher)
    if not victims.first:
        raise InputError("no victim is among the staff: were the reports ingested with the same key, and does "
                         "--population list the staff's own numbers?")
    result = run(staff.size, victims, [load_dataset(name, path, hasher, staff) for name, path in specs], alpha,
                 near_duplicate)
    text = verdict(result)
    click.echo(f"population: {staff.size} staff with a usable number ({staff.unusable} rows without); victims: "
               f"{len(victims.first)} ({_sources(victims)})", err=True)
    if as_json:
        print_json(_document(result, staff.rows, staff.unusable, victims, near_duplicate, text))
    else:
        click.echo(_table(result))
        click.echo("\n" + textwrap.fill(text, width=100))
    return ExitCode.OK


def _sources(victims: Victims) -> str:
    return "; ".join(f"{name}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
                     for name, counts in victims.sources.items())


def _table(result: Attribution) -> str:
    rows = []
    for rank, r in enumerate(result.datasets, start=1):
        t = r.test
        rows.append((rank, r.name, t.members, t.observed, f"{t.expected:.1f}",
                     "-" if t.enrichment is None else f"{t.enrichment:.2f}x", format_p(t.log_p)[4:],
                     format_p(r.log_p_adjusted)[4:], "yes" if r.significant else "no"))
    return table(("rank", "dataset", "staff in it", "victims in it", "expected", "enrichment", "p", "p (Holm)",
                  f"significant (alpha {result.alpha:g})"), rows)


def _document(result: Attribution, rows: int, unusable: int, victims: Victims, near_duplicate: float,
              text: str) -> dict:
    return {"population": {"staff": result.population, "rows": rows, "unusable_rows": unusable},
            "victims": {"total": result.victims, "sources": victims.sources},
            "method": {"test": "one-sided hypergeometric upper tail, exact", "correction": "holm",
                       "alpha": result.alpha, "near_duplicate_jaccard": near_duplicate},
            "datasets": [{"rank": i, **r.to_dict()} for i, r in enumerate(result.datasets, start=1)],
            "pairs": [p.to_dict() for p in result.pairs],
            "verdict": {"kind": result.kind, "datasets": result.named, "explained": result.explained,
                        "text": text},
            "smallest_p_adjusted": min((math.exp(r.log_p_adjusted) for r in result.datasets), default=None)}
