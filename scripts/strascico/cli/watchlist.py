"""`strascico watchlist`."""

from __future__ import annotations

from pathlib import Path

import click

from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..errors import ExitCode, InputError
from ..ingest.phones import PhoneNormalizer
from ..watchlist import build_watchlist, load_key
from .cluster import cluster_options, connect
from .output import print_json


@click.group()
def watchlist() -> None:
    """Keyed hashes, never numbers: the exposed cohort (build) and known contacts (contacts)."""


@watchlist.command()
@click.option("--from", "source", required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="CSV of the people whose data leaked (e.g. the exam's applicant list).")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Watchlist file to write.")
@click.option("--column", help="Phone-number column (default: the first header naming phone/tel/mobile/cellulare).")
@click.option("--key-file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="HMAC key file (default: STRASCICO_WATCHLIST_KEY).")
@click.option("--default-region", default="IT", show_default=True, help="Region for national-format numbers.")
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON.")
def build(source: Path, out: Path, column: str | None, key_file: Path | None, default_region: str,
          as_json: bool) -> int:
    """Normalize every number of a CSV and store only HMAC-SHA256 hashes.

    The key never leaves the environment variable or key file; the output holds a key id so a
    later ingest with another key is refused. Rows without a usable number are counted (by line,
    never by number). Exit 1 if any row was unusable.

    \b
    Example:
      STRASCICO_WATCHLIST_KEY=$(cat /secure/key) strascico watchlist build --from applicants.csv --out exposed.wl
    """
    key = load_key(key_file)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = source.read_text(encoding="latin-1")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source) from None
    result = build_watchlist(text, key, PhoneNormalizer(default_region).normalize, column)
    result.watchlist.save(out)
    summary = {"rows": result.rows, "hashes": len(result.watchlist.hashes), "unusable_rows": len(result.rejected)}
    if as_json:
        print_json({**summary, "unusable": [{"line": n, "reason": r} for n, r in result.rejected]})
    for line, reason in result.rejected[:20]:
        click.echo(f"{source}:{line}: {reason}", err=True)
    click.echo(f"{result.rows} rows, {len(result.watchlist.hashes)} distinct numbers hashed into {out}, "
               f"{len(result.rejected)} unusable", err=True)
    return ExitCode.FINDINGS if result.rejected else ExitCode.OK


@watchlist.command()
@cluster_options
@click.option("--before", "cutoff", required=True,
              help="Cut-off: only history before it counts (an ISO date, e.g. the breach date).")
@click.option("--since", default=None, help="Oldest history to read (default: all).")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Known-contacts file to write.")
@click.option("--home-country", default="IT", show_default=True, help="ISO country whose numbers are not foreign.")
@click.option("--min-talk", default=60.0, show_default=True, help="Seconds an inbound call must last to count.")
@click.option("--min-each-way", default=2, show_default=True, help="Messages sent and received to count.")
@click.option("--index-prefix", default=DEFAULT_INDEX_PREFIX, show_default=True, help="Read <prefix>-<logsource>-*.")
@click.option("--key-file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="HMAC key file (default: STRASCICO_WATCHLIST_KEY), the same key as the watchlist.")
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON.")
def contacts(es_url: str | None, ca_cert: str | None, insecure: bool, cutoff: str, since: str | None, out: Path,
             home_country: str, min_talk: float, min_each_way: int, index_prefix: str, key_file: Path | None,
             as_json: bool) -> int:
    """Learn each employee's known foreign contacts from history before a cut-off.

    A contact is known to an employee who, before --before, made an answered call to it, talked
    to it for --min-talk seconds on an inbound call, or exchanged --min-each-way messages with it
    both ways. Only keyed hashes are written: of each (employee, number) pair and of each number
    known to the organisation. `strascico ingest --known-contacts FILE` then marks later events
    (telephony.caller.known), and the flood rules leave a relative's missed call alone.

    \b
    Example:
      strascico watchlist contacts --before 2024-11-01 --since 2024-01-01 --out known.kc
    """
    from ..contacts import KnownContacts, RelationRules, find_relations

    key = load_key(key_file)
    rules = RelationRules(home_country.upper(), min_talk, min_each_way)
    with connect(es_url, ca_cert, insecure, start_local=False) as (settings, _):
        relations = find_relations(settings.client(), index_prefix, cutoff, since, rules)
        known, kinds = KnownContacts.learn(key, cutoff, relations)
    known.save(out)
    summary = {"cutoff": cutoff, "pairs": len(known.pairs), "numbers": len(known.organisation),
               "relations": dict(sorted(kinds.items()))}
    if as_json:
        print_json(summary)
    click.echo(f"{summary['pairs']} (employee, number) pairs and {summary['numbers']} numbers known before "
               f"{cutoff} hashed into {out} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'})",
               err=True)
    return ExitCode.OK
