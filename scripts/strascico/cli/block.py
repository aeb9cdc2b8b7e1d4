"""`strascico block`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, InputError
from ..ingest.phones import PhoneNormalizer
from .output import print_json, table

if TYPE_CHECKING:
    from ..block import BlockPlan, Protected

PATH = click.Path(path_type=Path, exists=True, dir_okay=False)


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@click.command()
@click.option("--hunt", "hunts", multiple=True, type=PATH, help="`strascico hunt --json` output (repeatable).")
@click.option("--reports", "reports", multiple=True, type=PATH,
              help="Employees' reports as `strascico ingest -f report-csv|report-json --out` wrote them.")
@click.option("--home-country", default="IT", show_default=True,
              help="Reports of this country's numbers are counted, not blocked (see --all-reports).")
@click.option("--all-reports", is_flag=True, help="Block reported home-country numbers too.")
@click.option("--allow", "allows", multiple=True, type=PATH,
              help="Numbers never to block, in clear (CSV with a number column, or one a line); "
                   "`+4930123*` protects a whole range. A row that is not a number stops the run.")
@click.option("--known-contacts", type=PATH,
              help="`strascico watchlist contacts` file: every number a candidate prefix covers is hashed "
                   "and looked up (see --hash-budget).")
@click.option("--key-file", type=PATH, help="Key of --known-contacts (default: STRASCICO_WATCHLIST_KEY).")
@click.option("--hash-budget", default=1_000_000, show_default=True, type=click.IntRange(min=1),
              help="With --known-contacts: most numbers hashed to clear one prefix; a prefix covering more "
                   "is refused.")
@click.option("--min-length", default=8, show_default=True, type=click.IntRange(min=2),
              help="Shortest prefix, in digits with the calling code (never the bare calling code).")
@click.option("--max-covered", type=click.IntRange(min=1),
              help="Most numbers one prefix may block (e.g. 1000): fewer innocent numbers, more prefixes.")
@click.option("--current", type=PATH,
              help="Blocklist in force (our blocklist.csv, ingest's --blocklist file, or one entry a line): "
                   "show what changes.")
@click.option("--as-of", help="Date the review and expiry dates count from (default: today, UTC).")
@click.option("--review-days", default=30, show_default=True, type=click.IntRange(min=1),
              help="Each new entry's review date: --as-of plus this many days.")
@click.option("--expire-days", default=90, show_default=True, type=click.IntRange(min=1),
              help="Each new entry's expiry date (lift it then unless renewed).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write the exports into this folder.")
@click.option("--export", "formats", multiple=True, help="Formats to write (default with --out: all); see below.")
@click.option("--dry-run", is_flag=True, help="Show the plan and what would be written; write nothing.")
@click.option("--default-region", default="IT", show_default=True, help="Region for national-format numbers.")
@click.option("--astdb-family", default="blacklist", show_default=True, help="AstDB family of asterisk-astdb.")
@click.option("--kamailio-user", default="strascico", show_default=True,
              help="userblocklist username the Kamailio rows belong to.")
@click.option("--json", "as_json", is_flag=True, help="The plan as one JSON document.")
def block(hunts: tuple[Path, ...], reports: tuple[Path, ...], home_country: str, all_reports: bool,
          allows: tuple[Path, ...], known_contacts: Path | None, key_file: Path | None, hash_budget: int,
          min_length: int, max_covered: int | None, current: Path | None, as_of: str | None,
          review_days: int, expire_days: int, out_dir: Path | None, formats: tuple[str, ...], dry_run: bool,
          default_region: str, astdb_family: str, kamailio_user: str, as_json: bool) -> int:
    """Recommend the fewest number prefixes that stop the campaign and spare every protected caller.

    Reads the hunt (signal alerts of the flood stage: numbers, and ranges from the range
    correlations) and employees' reports; finds the smallest set of E.164 prefixes that covers
    them, each as long as it can be, none shorter than --min-length or the calling code, none
    covering a number of --allow or of --known-contacts. Each prefix carries its evidence
    (numbers seen, employees reached, first/last seen, rules, exposed-cohort share) and review
    and expiry dates. With --current, what is new, already blocked, widened or superseded.
    Campaign numbers that cannot be blocked are listed with the reason.

    \b
    Exports (--export NAME, repeatable; docs/blocking.md):
      carrier-csv          blocklist.csv: carrier request; --current of the next run
      asterisk-astdb       asterisk-astdb.sh: database put/del commands
      asterisk-dialplan    strascico-block.conf: caller-ID patterns + AstDB lookup (Gosub)
      freeswitch-dialplan  00_strascico_block.xml: conf/dialplan/public/ include
      kamailio-sql         kamailio-userblocklist.sql: userblocklist rows
      kamailio-dbtext      userblocklist: the same table for db_text
      strascico-blocklist  ingest-blocklist.csv: `strascico ingest --blocklist`

    \b
    Example:
      strascico hunt --since 2025-01-01 --json > alerts.jsonl
      strascico block --hunt alerts.jsonl --reports reports.ndjson --allow allow.csv \\
          --current blocklist.csv --out block/ --dry-run
    """
    from ..block import Campaign, Policy, add_hunt, add_reports, recommend
    from ..block.exporters import EXPORTERS, ExportContext
    from ..block.sources import read_current

    if not hunts and not reports:
        raise click.UsageError("give --hunt and/or --reports")
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise click.BadParameter(f"unknown format {unknown[0]!r} (one of: {', '.join(EXPORTERS)})",
                                 param_hint="--export")
    e164 = _validator(default_region)
    campaign = Campaign()
    for path in hunts:
        add_hunt(campaign, path, e164)
    for path in reports:
        add_reports(campaign, path, e164, None if all_reports else home_country)
    protected = _protected(allows, known_contacts, key_file, hash_budget, e164)
    policy = Policy(min_length, _as_of(as_of), review_days, expire_days, max_covered)
    plan = recommend(campaign.targets, protected, policy, read_current(current, e164) if current else [])
    context = ExportContext(policy.as_of, package_version("strascico"), e164, astdb_family, kamailio_user,
                            protected)
    chosen = list(formats) or (list(EXPORTERS) if out_dir else [])
    rendered = {EXPORTERS[name].filename: EXPORTERS[name]().render(plan, context) for name in chosen}
    if out_dir is not None and not dry_run:  # everything rendered first: no half-written set of files
        out_dir.mkdir(parents=True, exist_ok=True)
        for filename, text in rendered.items():
            (out_dir / filename).write_text(text, encoding="utf-8")
    summary = {"alerts_read": campaign.alerts_read, "reports_read": campaign.reports_read,
               "targets": len(campaign.targets), "unusable_actors": campaign.unusable,
               "home_reports_not_blocked": campaign.home_reports,
               "prefixes": len(plan.by_status("new", "widens")), "not_blocked": len(plan.not_blocked),
               "exports": sorted(str(out_dir / f) if out_dir else f for f in rendered),
               "written": bool(rendered) and out_dir is not None and not dry_run}
    if as_json:
        print_json({"type": "block-plan", "as_of": policy.as_of.isoformat(), "min_length": min_length,
                    "entries": [e.to_dict() for e in plan.entries], "not_blocked": plan.not_blocked,
                    "summary": summary})
    else:
        _render(plan, current is not None)
    for item in plan.not_blocked:
        click.echo(f"not blocked: {item['target']}: {item['reason']}", err=True)
    click.echo(f"{len(campaign.targets)} campaign numbers/ranges from {campaign.alerts_read} alerts and "
               f"{campaign.reports_read} reports → {summary['prefixes']} prefixes to add, "
               f"{len(plan.not_blocked)} not blocked", err=True)
    for filename in rendered:
        verb = "would write" if dry_run or out_dir is None else "wrote"
        click.echo(f"{verb} {out_dir / filename if out_dir else filename}", err=True)
    return ExitCode.OK


def _validator(region: str) -> Callable[[str], str | None]:
    normalizer = PhoneNormalizer(region)

    def e164(raw: str) -> str | None:
        info = normalizer.normalize(raw)
        return info.e164 if info is not None else None
    return e164


def _protected(allows: tuple[Path, ...], known_contacts: Path | None, key_file: Path | None, hash_budget: int,
               e164: Callable[[str], str | None]) -> Protected:
    from ..block import Protected
    from ..block.sources import read_allowlist
    from ..contacts import KnownContacts
    from ..watchlist import load_key

    numbers: set[str] = set()
    prefixes: set[str] = set()
    for path in allows:
        found, ranges = read_allowlist(path, e164)
        numbers |= found
        prefixes |= ranges
    if known_contacts is None:
        return Protected(numbers, prefixes)
    key = load_key(key_file)
    known = KnownContacts.load(known_contacts, key)
    if not known.organisation:
        raise InputError("holds no known number (o lines): nothing to protect", known_contacts)
    return Protected(numbers, prefixes, set(known.organisation), key, hash_budget)


def _render(plan: BlockPlan, with_diff: bool) -> None:
    marks = {"new": "+", "widens": "+", "already": "=", "kept": " ", "superseded": "-"}
    rows = []
    for entry in plan.entries:
        ev = entry.evidence or {}
        if entry.status in ("kept", "superseded") and not with_diff:
            continue
        reached = ev.get("employees_reached") or {}
        rows.append((f"{marks[entry.status]} {entry.prefix}", entry.status, ev.get("numbers_seen", "-"),
                     ev.get("numbers_covered", "-"), reached.get("at_least", "-"), _share(ev.get("exposed_share")),
                     (ev.get("first_seen") or "-")[:10], (ev.get("last_seen") or "-")[:10],
                     entry.review_by or entry.expires or "-", entry.note or ", ".join(ev.get("rules", []))[:60]))
    click.echo(table(("prefix", "status", "seen", "covers", "reached≥", "exposed", "first", "last", "review by",
                      "rules / note"), rows))
