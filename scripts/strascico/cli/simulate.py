"""`strascico simulate`: write a synthetic breach-and-flood scenario as raw vendor files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from ..errors import ExitCode
from ..simulate import SIZES, SimulationOptions, simulate as run_simulation
from ..simulate.clock import MIN_DAYS
from ..simulate.options import MAX_EMPLOYEES, SCENARIOS, OptionsError
from .output import print_json


@click.command()
@click.option("--scenario", default="contact-centre", show_default=True, type=click.Choice(SCENARIOS),
              help="Which story to simulate.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(min=0),
              help="Same seed and options: byte-identical files.")
@click.option("--size", default="medium", show_default=True, type=click.Choice(list(SIZES)),
              help="tiny ≈ 1k events (tests), small ≈ 20k, medium ≈ 200k, large ≥ 2M, "
                   "xl ≈ 20M: large with 30,000 staff (growth benchmarks).")
@click.option("--employees", type=click.IntRange(20, MAX_EMPLOYEES), help="Override the size's staff count.")
@click.option("--days", type=click.IntRange(MIN_DAYS, 3660),
              help=f"Override the size's period (at least {MIN_DAYS}: Nov 2024 breach to Jan 2025 flood).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Directory to write (created; must be empty unless --force).")
@click.option("--force", is_flag=True, help="Write into a non-empty directory, replacing the scenario's files.")
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON on stdout.")
def simulate(scenario: str, seed: int, size: str, employees: int | None, days: int | None, out: Path, force: bool,
             as_json: bool) -> int:
    """Simulate the contact-centre breach and the trawling flood that followed.

    Synthetic staff and a leaked 2022 exam archive; months of benign calls, messages, portal
    and database traffic; the November 2024 intrusion (login from abroad, record scraping,
    bulk reads, mysqldump, 7z, upload); from January 2025 the flood from +234, +880, +92,
    +91, +62 (one-ring bursts, robocalls, night calls, SMS and WhatsApp job scams, number
    rotation after a block, callbacks). Files are the products' own layouts, so they go
    through `strascico ingest`; ground-truth.json says which rule should fire on what.
    All names, numbers (a '555' block after the operator prefix), domains (example.*) and
    addresses (RFC 5737) are synthetic. Memory stays flat whatever the size.

    \b
    Writes into DIR:
      manifest.json          every file, its ingest format and record count
      ground-truth.json      breach, flood, cohort, incidents with the rules meant to fire,
                             benign hard negatives (contract: docs/simulate.md)
      asterisk/ freeswitch/ kannel/ twilio/ mariadb/ nginx/ ecs/   raw vendor files
      applicants.csv staff.csv blocklist.csv helpdesk/ forms/ (employee reports)
      datasets/ (candidate lists for `strascico attribute`) mappings/

    \b
    Example:
      strascico simulate --size small --seed 7 --out /tmp/sim
      export STRASCICO_WATCHLIST_KEY=$(head -c 32 /dev/urandom | base64)
      strascico watchlist build --from /tmp/sim/applicants.csv --out /tmp/exposed.wl
      strascico ingest -f freeswitch-cdr-csv /tmp/sim/freeswitch/Master.csv \\
          --watchlist /tmp/exposed.wl --blocklist /tmp/sim/blocklist.csv --out calls.ndjson

    Exit codes: 0 written, 2 bad options or output directory.
    """
    if out.exists() and any(out.iterdir()) and not force:
        raise click.BadParameter(f"{out} is not empty (use --force to write into it)", param_hint="--out")
    options = SimulationOptions(seed=seed, size=size, scenario=scenario, employees=employees, days=days)
    try:
        options.validate()
    except OptionsError as exc:
        raise click.UsageError(str(exc)) from None
    bar = tqdm(total=options.preset.days, desc=f"simulate {size}", unit=" day", file=sys.stderr,
               disable=not sys.stderr.isatty())

    def tick(done: int, events: int) -> None:
        bar.update(done - bar.n)
        bar.set_postfix_str(f"{events:,} events", refresh=False)

    try:
        summary = run_simulation(options, out, tick)
    finally:
        bar.close()
    if as_json:
        print_json({"scenario": scenario, "seed": seed, "size": size, **summary.as_dict()})
    click.echo(f"{summary.events:,} events in {len(summary.files)} files over {summary.days} days written to {out} "
               f"in {summary.seconds:.1f} s (peak RSS {summary.peak_rss_mb:.0f} MB); ground truth: "
               f"{out / 'ground-truth.json'}", err=True)
    return ExitCode.OK
