"""`strascico convert`."""

from __future__ import annotations

from pathlib import Path

import click
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..convert import TARGETS, resolve_targets
from ..convert.stream import convert_stream
from ..errors import ExitCode
from .output import print_json, progress


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-t", "--target", "targets", multiple=True, type=click.Choice(["all", *TARGETS]),
              help="Target (repeatable; default all): " + ", ".join(TARGETS) + ".")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Output folder; each target writes <out>/<target>/ afresh.")
@click.option("--index-prefix", default=DEFAULT_INDEX_PREFIX, show_default=True,
              help="Rules search <prefix>-<logsource>-* indices.")
@click.option("--json", "as_json", is_flag=True, help="Per-rule results as JSON on stdout.")
def convert(paths: tuple[Path, ...], targets: tuple[str, ...], out: Path, index_prefix: str, as_json: bool) -> int:
    """Convert Sigma rules to Elasticsearch queries and rule files.

    \b
    Targets:
      lucene      Lucene query string               build/lucene/<stage>/<rule>.lucene
      dsl         search body (query DSL + index)   build/dsl/<stage>/<rule>.json
      esql        ES|QL query                       build/esql/<stage>/<rule>.esql
      eql         EQL query                         build/eql/<stage>/<rule>.eql
      kibana      Detection Engine rules (import)   build/kibana/rules.ndjson
      elastalert  ElastAlert2 rules                 build/elastalert/<stage>/<rule>.yml

    Output is deterministic (sorted keys, stable order) so diffs review well. String matches
    are case-insensitive on every target (lower-cased value on the `.lower` subfield) unless
    the rule says `|cased`. Correlation rules become Kibana threshold or EQL-sequence rules and
    ElastAlert2 frequency/cardinality rules, each with a note on how exact that form is; where a
    target cannot express one, one line per rule says why (`strascico hunt` runs them all
    exactly). Exit 1 if any rule failed to convert or any file failed to load.

    \b
    Example:  strascico convert -t kibana -t esql rules/ --out build
    """
    selected = resolve_targets(list(targets))
    rule_paths = list(paths) or [Path("rules")]
    # File by file (memory bounded by one file, not the pack); see convert/stream.py.
    run = convert_stream(rule_paths, selected, index_prefix, out,
                         lambda items: progress(items, "converting", total=len(items)))
    results, written, load_problems = run.outcomes, run.written, run.problems
    failed = [r for r in results if r.error]
    skipped = [r for r in results if r.skipped]
    if as_json:
        print_json({
            "written": [str(p) for p in written],
            "results": [{"rule": str(r.path), "id": r.rule_id, "target": r.target, "status": r.status,
                         "reason": r.error or r.skipped, "note": r.note} for r in results],
            "load_problems": [p.to_dict() for p in load_problems],
        })
    else:
        for path in written:
            click.echo(str(path))
    for problem in load_problems:
        click.echo(problem.render(), err=True)
    for r in failed:
        click.echo(f"{r.path}: error: {r.target}: {r.error}", err=True)
    for r in skipped:
        click.echo(f"{r.path}: skipped for {r.target}: {r.skipped}", err=True)
    for r in results:
        if r.note:
            click.echo(f"{r.path}: note for {r.target}: {r.note}", err=True)
    ok = len(results) - len(failed) - len(skipped)
    click.echo(f"{ok} converted, {len(skipped)} skipped, {len(failed)} failed, "
               f"{len(load_problems)} unreadable; {len(written)} files under {out}/", err=True)
    return ExitCode.FINDINGS if failed or load_problems else ExitCode.OK
