"""`strascico watchlist`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode, InputError
from ..ingest.phones import PhoneNormalizer
from ..watchlist import build_watchlist, load_key
from .output import print_json


@click.group()
def watchlist() -> None:
    """The exposed-cohort watchlist: keyed hashes of leaked numbers, never the numbers."""


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
