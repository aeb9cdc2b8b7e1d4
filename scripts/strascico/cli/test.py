"""`strascico test`: replay every rule case on a real Elasticsearch."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import click

from ..errors import ExitCode
from ..pack import load_pack
from ..replay import Replayer, failed, summary, write_junit
from .cluster import cluster_options, connect
from .output import print_json, progress, table


def _sigterm_as_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--path", "paths", multiple=True, type=click.Path(path_type=Path),
              help="Rule files or folders (repeatable; default rules/).")
@click.option("--rule", "rules", multiple=True, help="Only this rule id or name (repeatable).")
@cluster_options
@click.option("--json", "as_json", is_flag=True, help="Results as JSON on stdout.")
@click.option("--junit", type=click.Path(path_type=Path), help="Also write JUnit XML here (for CI).")
@click.option("--only-failures", is_flag=True, help="Table shows failing lines only.")
def test(paths: tuple[Path, ...], rules: tuple[str, ...], es_url: str | None, ca_cert: str | None,
         insecure: bool, as_json: bool, junit: Path | None, only_failures: bool) -> int:
    """Replay every rule's cases on Elasticsearch and compare exact hit counts.

    Each case's events go into a fresh index created from the registry's templates; the
    rule's Lucene query (via query_string) and its query-DSL body must each return exactly
    the expected number of hits. ES|QL and EQL are syntax-checked offline (the local node
    cannot run them) and reported as such, never as passed. Correlation rules are listed as
    not executed until their native compilation lands.

    Without --es-url, a local node is started and stopped afterwards (a node from
    `strascico es up` is reused). With --es-url, only indices and templates under a unique
    `strascico-test-<random>` prefix are written, and deleted afterwards, also on Ctrl-C.

    Exit 0 when everything passes, 1 on any failing or erroring case, 2 on connection errors.
    """
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    files = load_pack(list(paths) or [Path("rules")])
    for problem in (p for f in files for p in f.problems):
        click.echo(problem.render(), err=True)
    started = time.monotonic()
    with connect(es_url, ca_cert, insecure) as (settings, _):
        replayer = Replayer(settings.client())
        results = replayer.run(files, set(rules) or None,
                               progress=lambda plans: progress(plans, "replaying", total=len(plans)))
    elapsed = time.monotonic() - started
    counts = summary(results)
    if junit:
        write_junit(results, junit, elapsed)
    if as_json:
        print_json({"summary": counts, "elapsed_s": round(elapsed, 2), "results": [r.to_dict() for r in results]})
    else:
        shown = [r for r in results if not only_failures or r.status in ("fail", "error")]
        rows = [(r.rule, r.case, r.target, r.expected, r.got, r.status.upper() if r.status in ("fail", "error")
                 else r.status) for r in shown]
        click.echo(table(("rule", "case", "target", "expected", "got", "result"), rows))
        for r in results:
            if r.status in ("fail", "error") and r.detail:
                click.echo(f"{r.rule}: {r.status}: {r.case}: {r.detail}", err=True)
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()) + f" in {elapsed:.1f} s", err=True)
    load_failed = any(f.problems for f in files)
    return ExitCode.FINDINGS if failed(results) or load_failed else ExitCode.OK
