"""Every ingest format on its real-looking sample files → the exact, reviewed normalized output.

Each folder `tests/ingest/<format>/` holds input files (every file but `expected*`), and
`expected.ndjson` (events), `expected_rejects.ndjson` (line + reason of each reject) and
`expected_skips.json` (lines that are not records of interest, counted by reason).
Regenerate after a reviewed change with `python -m tests.test_ingest_formats <format>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from strascico.check.fields import event_problems
from strascico.ingest import IngestContext, format_class
from strascico.ingest.runner import RejectWriter, Sources, normalized_events
from strascico.watchlist import Watchlist, number_hash

from sigma.pipelines.strascico.taxonomy import load_taxonomy

SAMPLES = Path(__file__).resolve().parent / "ingest"
TEST_KEY = b"strascico-test-key-not-a-secret"
# Numbers of the (synthetic) exposed cohort used by the samples; held as hashes like real ones.
EXPOSED = ("+393351234567", "+393401112233")


def inputs(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.iterdir() if p.is_file() and not p.name.startswith("expected")
                  and p.name != "README.md")


def run_format(folder: Path, tmp: Path, with_category: bool = False) -> tuple[list, list[dict]]:
    events, rejects, _ = run_format_full(folder, tmp, with_category)
    return events, rejects


def run_format_full(folder: Path, tmp: Path, with_category: bool = False) -> tuple[list, list[dict], dict]:
    watchlist = Watchlist(TEST_KEY, {number_hash(TEST_KEY, n) for n in EXPOSED})
    ctx = IngestContext(default_region="IT", tz="Europe/Rome", watchlist=watchlist)
    fmt = format_class(folder.name)(ctx)
    rejects = RejectWriter(tmp / "rejects.ndjson")
    pairs = list(normalized_events(fmt, Sources(inputs(folder)), rejects, lambda c: c, ctx.stats))
    events = pairs if with_category else [e for _, e in pairs]
    rejects.close()
    rejected = [json.loads(line) for line in rejects.path.read_text().splitlines()] if rejects.count else []
    return (events, [{"source": Path(r["source"]).name, "line": r["line"], "reason": r["reason"]} for r in rejected],
            dict(sorted(ctx.stats.skipped.items())))


FOLDERS = sorted(p for p in SAMPLES.iterdir() if p.is_dir()) if SAMPLES.exists() else []


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_format_output_equals_the_reviewed_expectation(folder: Path, tmp_path: Path) -> None:
    events, rejects, skipped = run_format_full(folder, tmp_path)
    expected = [json.loads(line) for line in (folder / "expected.ndjson").read_text().splitlines()]
    expected_rejects = [json.loads(line) for line in (folder / "expected_rejects.ndjson").read_text().splitlines()]
    assert events == expected
    assert rejects == expected_rejects
    assert skipped == json.loads((folder / "expected_skips.json").read_text())


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_format_output_fits_the_strict_mapping(folder: Path, tmp_path: Path) -> None:
    events, _ = run_format(folder, tmp_path, with_category=True)
    taxonomy = load_taxonomy()
    for category, event in events:
        assert event_problems(event, taxonomy.logsource(category)) == [], event
        assert event["event.dataset"] and event["event.id"]


def test_every_registered_format_has_samples() -> None:
    from strascico.ingest import FORMATS

    assert [f.name for f in FOLDERS] == sorted(FORMATS)


def regenerate(name: str) -> None:
    import tempfile

    folder = SAMPLES / name
    events, rejects, skipped = run_format_full(folder, Path(tempfile.mkdtemp()))
    (folder / "expected_skips.json").write_text(json.dumps(skipped, indent=1) + "\n")
    (folder / "expected.ndjson").write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n"
                                                    for e in events))
    (folder / "expected_rejects.ndjson").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                            for r in rejects))


if __name__ == "__main__":
    for format_name in sys.argv[1:]:
        regenerate(format_name)


MULTILINE_SELECT = ("20250114 03:20:00,db01,tmp_admin,10.40.9.77:51600,45,1400,QUERY,concorso2022,"
                    "'SELECT\t*\n   FROM   candidati\r\n\tORDER  BY  id',0\n")


def test_statement_whitespace_is_collapsed_and_the_logged_text_kept(tmp_path: Path) -> None:
    folder = tmp_path / "mariadb-audit"
    folder.mkdir()
    (folder / "server_audit.log").write_text(MULTILINE_SELECT, encoding="utf-8")
    events, rejects = run_format(folder, tmp_path)
    assert rejects == []
    assert [(e["db.query.text"], e["db.query.text_original"]) for e in events] == [
        # the record spans lines; reading them ends each line with a plain \n (CRLF too)
        ("SELECT * FROM candidati ORDER BY id", "SELECT\t*\n   FROM   candidati\n\tORDER  BY  id")]


def test_a_multiline_select_star_now_matches_the_rule_on_the_real_node(es_url: str, tmp_path: Path) -> None:
    """Ingested multi-line statement → the select-star rule replayed by `strascico test`; the same
    event with the statement as logged is the control that escaped the rule before."""
    import shutil

    import yaml

    from .conftest import ROOT, run_cli

    folder = tmp_path / "mariadb-audit"
    folder.mkdir()
    (folder / "server_audit.log").write_text(MULTILINE_SELECT, encoding="utf-8")
    (event,), _ = run_format(folder, tmp_path)
    as_logged = {**event, "db.query.text": event["db.query.text_original"], "event.id": "as-logged"}
    rules = tmp_path / "rules"
    rules.mkdir()
    name = "db_select_star_without_where_applicant_archive"
    shutil.copy(ROOT / "rules" / "breach" / f"{name}.yml", rules)
    cases = {"cases": [{"name": "ingested multi-line SELECT *", "hits": 1, "events": [event]},
                       {"name": "control - the statement as logged", "hits": 0, "events": [as_logged]}]}
    (rules / f"{name}.cases.yaml").write_text(yaml.safe_dump(cases, sort_keys=False), encoding="utf-8")
    result = run_cli("test", "--path", str(rules), "--es-url", es_url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) and "ingested multi-line" in result.stdout
