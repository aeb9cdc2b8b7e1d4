"""`strascico ingest`."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX
from tqdm import tqdm

from ..deploy.templates import apply_templates, plan_templates
from ..contacts import KnownContacts
from ..errors import ExitCode
from ..es.bulk import bulk_index_encoded
from ..ingest import FORMATS, IngestContext, format_class
from ..ingest.context import blocked_ranges, service_numbers
from ..ingest.formats.reports import DEFAULT_TEXT_MAX, ReportFormat, report_options
from ..ingest.parallel import default_jobs, encoded_events, write_events
from ..ingest.runner import STDIN, RejectWriter, Sources
from ..watchlist import Watchlist, load_key
from .cluster import cluster_options, connect
from .output import print_json


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("-f", "--format", "format_name", required=True, type=click.Choice(sorted(FORMATS)),
              help="Which product's export the files are.")
@click.option("-o", "--out", help="Write normalized events as NDJSON to this file ('-' = stdout) instead of indexing.")
@cluster_options
@click.option("--index-prefix", default=DEFAULT_INDEX_PREFIX, show_default=True,
              help="Events go to <prefix>-<logsource>-<format>.")
@click.option("--default-region", default="IT", show_default=True,
              help="Region for numbers written in national format (ISO 3166-1 alpha-2).")
@click.option("--tz", default="Europe/Rome", show_default=True, help="Organization time zone (telephony.local_hour).")
@click.option("--watchlist", "watchlist_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Exposed-cohort watchlist; sets telephony.callee.exposed (key: STRASCICO_WATCHLIST_KEY or --key-file).")
@click.option("--key-file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Key file for the watchlist and for reporter hashes (default: STRASCICO_WATCHLIST_KEY).")
@click.option("--blocklist", "blocklist_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Numbers the organization blocked (CSV with a number column); sets "
                   "telephony.caller.range_blocked on contacts from their ranges.")
@click.option("--service-numbers", "service_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="The site's public service lines (toll-free numbers, queue and IVR DIDs; CSV with a number "
                   "column or one per line): calls to them get telephony.callee.kind=service, and the flood "
                   "rules, which count contacts with people, leave them out.")
@click.option("--known-contacts", "known_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="`strascico watchlist contacts` file (keyed hashes, same key as --watchlist): inbound "
                   "contacts from a number the person reached, or the organisation, already knew get "
                   "telephony.caller.known=true, and the flood rules leave them out.")
@click.option("--mapping", "mapping",
              help="report-csv/report-json: column mapping, a YAML file or a shipped name (microsoft-forms, "
                   "google-forms, helpdesk-tickets); default: the shipped one that fits the header. docs/reports.md")
@click.option("--text-max", default=DEFAULT_TEXT_MAX, show_default=True, type=click.IntRange(min=1),
              help="report-csv/report-json: keep at most this many characters of a report's free text.")
@click.option("--no-text", is_flag=True, help="Keep only a hash of message bodies and report texts, not the text.")
@click.option("--rejects", "rejects_path", type=click.Path(path_type=Path),
              help="Where rejected records go (NDJSON with reason). Default: rejects-<format>.ndjson")
@click.option("--allow-rejects", is_flag=True, help="Exit 0 even when records were rejected.")
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON on stdout (not with --out -).")
@click.option("-j", "--jobs", default=0, show_default=True, type=click.IntRange(min=0),
              help="Worker processes normalizing pieces of large files (0: one per CPU), for --out "
                   "and while this process sends to Elasticsearch. Output and documents are identical; "
                   "formats whose records may span lines in ways that cannot be cut safely and "
                   "standard input run in one process.")
def ingest(files: tuple[str, ...], format_name: str, out: str | None, es_url: str | None, ca_cert: str | None,
           insecure: bool, index_prefix: str, default_region: str, tz: str, watchlist_path: Path | None,
           key_file: Path | None, blocklist_path: Path | None, service_path: Path | None,
           known_path: Path | None, mapping: str | None, text_max: int, no_text: bool,
           rejects_path: Path | None,
           allow_rejects: bool,
           as_json: bool, jobs: int) -> int:
    """Normalize vendor exports (CDRs, SMS gateways, DB audit, web logs) into the taxonomy.

    \b
    Formats: asterisk-cdr-csv, freeswitch-cdr-csv, cisco-cucm-cdr, teams-pstn-json,
             kamailio-acc, kannel-access, twilio-messages-json, mariadb-audit, pgaudit,
             nginx-combined, ecs-ndjson  (field mappings: docs/ingest-formats.md)
             report-csv, report-json: employees' reports of unwanted contacts, read through
             a column mapping (--mapping); the reporter is kept only as keyed hashes
             (key: STRASCICO_WATCHLIST_KEY or --key-file). docs/reports.md

    Streams in constant memory. Bad records never stop the run and are never dropped: each is
    counted and written with its reason to the rejects file; lines that are not records (a
    delivery report, a BYE, a non-audit log line) are counted as skipped, by reason. The summary
    says read / indexed / skipped / rejected. Exit 1 when anything was rejected (unless --allow-rejects), 2 on I/O or
    connection errors.

    \b
    Examples:
      strascico ingest -f asterisk-cdr-csv Master.csv --out calls.ndjson
      strascico ingest -f twilio-messages-json messages.json --es-url https://es:9200
      zcat Master.csv.gz | strascico ingest -f asterisk-cdr-csv - --out -
      STRASCICO_WATCHLIST_KEY=$(cat /secure/key) strascico ingest -f report-csv \\
          --mapping microsoft-forms Segnalazioni.csv --text-max 300 --out reports.ndjson
    """
    for path in files:
        if path != STDIN and not Path(path).is_file():
            raise click.BadParameter(f"no such file: {path}", param_hint="FILES")
    watchlist = Watchlist.load(watchlist_path, load_key(key_file)) if watchlist_path else None
    ctx = IngestContext(default_region=default_region, tz=tz, watchlist=watchlist, keep_text=not no_text)
    if blocklist_path is not None:
        ctx.blocked_ranges, unusable = blocked_ranges(blocklist_path.read_text(encoding="utf-8-sig"), ctx.phones)
        click.echo(f"blocklist: {len(ctx.blocked_ranges)} ranges, {unusable} unusable rows", err=True)
    if service_path is not None:
        ctx.service_numbers, unusable = service_numbers(service_path.read_text(encoding="utf-8-sig"), ctx.phones)
        click.echo(f"service numbers: {len(ctx.service_numbers)}, {unusable} unusable rows", err=True)
    if known_path is not None:
        ctx.known_contacts = KnownContacts.load(known_path, load_key(key_file))
        click.echo(f"known contacts: {len(ctx.known_contacts.pairs)} pairs, {len(ctx.known_contacts.organisation)} "
                   f"numbers, learnt before {ctx.known_contacts.cutoff or '?'}", err=True)
    fmt_class = format_class(format_name)
    if issubclass(fmt_class, ReportFormat):  # reporters are hashed with the watchlist key
        fmt = fmt_class(ctx, report_options(mapping, key_file, text_max))
    elif mapping is not None:
        raise click.UsageError("--mapping applies to report-csv and report-json only")
    else:
        fmt = fmt_class(ctx)
    rejects = RejectWriter(rejects_path or Path(f"rejects-{format_name}.ndjson"))
    tqdm.monitor_interval = 0  # no monitor thread: --jobs forks workers, and forking a threaded process is unsafe
    bar = tqdm(desc=f"ingest {format_name}", unit=" rec", file=sys.stderr, disable=not sys.stderr.isatty())
    index_for = lambda category: f"{index_prefix}-{category}-{format_name}"  # noqa: E731
    sources = Sources(list(files))
    jobs = jobs or default_jobs()
    stored, duplicates, failed = 0, 0, []
    try:
        if out is not None:
            with (nullcontext(sys.stdout.buffer) if out == "-" else open(out, "wb")) as handle:
                stored = write_events(fmt, sources, handle, rejects, jobs, bar.update)
            where = "stdout" if out == "-" else out
        else:
            with connect(es_url, ca_cert, insecure, start_local=False) as (settings, _):
                client = settings.client()
                apply_templates(client, plan_templates(client, index_prefix))
                events = encoded_events(fmt, sources, rejects, index_for, jobs, bar.update)
                report = bulk_index_encoded(client, events)
                stored, duplicates, failed = report.indexed, report.duplicates, report.failures
                where = settings.describe()
    finally:
        bar.close()
        rejects.close()
    stats = ctx.stats
    summary = {"format": format_name, "read": stats.read, "stored": stored, "duplicates": duplicates,
               "rejected": stats.rejected, "skipped": stats.skipped, "refused_by_elasticsearch": len(failed),
               "unparsed_numbers": stats.unparsed_numbers, "decoded_latin1": stats.decoded_latin1,
               "dropped_fields": stats.dropped_fields,
               "by_logsource": stats.by_category, "rejects_file": str(rejects.path) if rejects.count else None}
    if stats.dropped_fields:
        click.echo("fields outside the registry, dropped: " + ", ".join(
            f"{name} ({count})" for name, count in sorted(stats.dropped_fields.items())), err=True)
    for failure in failed[:20]:
        click.echo(f"refused by Elasticsearch: record {failure.position + 1}: {failure.reason}", err=True)
    if as_json and out != "-":
        print_json(summary)
    skipped = sum(stats.skipped.values())
    click.echo(f"{stats.read} read, {stored} {'written' if out else 'indexed'} to {where}, {duplicates} duplicates, "
               f"{skipped} skipped (not records), "
               f"{stats.rejected} rejected{f' (see {rejects.path})' if rejects.count else ''}, "
               f"{len(failed)} refused by Elasticsearch, {stats.unparsed_numbers} numbers kept unparsed", err=True)
    problems = (stats.rejected and not allow_rejects) or failed
    return ExitCode.FINDINGS if problems else ExitCode.OK
