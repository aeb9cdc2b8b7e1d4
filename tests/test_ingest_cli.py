"""`strascico ingest` and `strascico watchlist` end to end: files, the real node, secrets, rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from strascico.replay.runner import ScratchPrefix

from .conftest import ROOT, run_cli

ASTERISK = ROOT / "tests" / "ingest" / "asterisk-cdr-csv" / "Master.csv"
KEY = "an-hmac-key-for-tests-only-0123456789"
CALLED = "+393351234567"  # a cohort member the sample CDR rings (as 3351234567, national format)
NEVER_CALLED = "+393479876543"  # a cohort member absent from every sample


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    applicants = tmp_path / "applicants.csv"
    applicants.write_text("nome,cellulare\nAnna,335 123 4567\nLuca,0039 347 987 6543\nSara,n/d\n")
    out = tmp_path / "exposed.wl"
    result = run_cli("watchlist", "build", "--from", str(applicants), "--out", str(out), "--json",
                     env={"STRASCICO_WATCHLIST_KEY": KEY})
    assert result.returncode == 1  # one unusable row ...
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["hashes"], summary["unusable"]) == (3, 2, [{"line": 4, "reason": "not a valid phone number"}])
    return out


def _digits(number: str) -> str:
    return number.lstrip("+")[2:]  # national significant number: what any spelling contains


def test_watchlist_file_holds_hashes_only(watchlist: Path) -> None:
    text = watchlist.read_text()
    for number in (CALLED, NEVER_CALLED):
        assert _digits(number) not in text.replace(" ", "")
    assert KEY not in text
    lines = text.splitlines()
    assert lines[0].startswith("# strascico watchlist v1 hmac-sha256 key-id=") and len(lines) == 3
    assert all(len(line) == 64 and int(line, 16) >= 0 for line in lines[1:])


def test_ingest_marks_exposed_callees_and_never_writes_the_watchlist(watchlist: Path, tmp_path: Path) -> None:
    cdr = tmp_path / "Master.csv"
    cdr.write_text(
        '"","002348031234567","3351234567","from-trunk","","SIP/t-1","SIP/201-2","Dial","","2025-01-14 03:13:00",'
        '"","2025-01-14 03:13:02",2,0,"NO ANSWER","DOCUMENTATION","1.1",""\n'
        '"","002348031234567","3409990000","from-trunk","","SIP/t-3","SIP/202-4","Dial","","2025-01-14 03:14:00",'
        '"","2025-01-14 03:14:02",2,0,"NO ANSWER","DOCUMENTATION","1.2",""\n')
    out, rejects = tmp_path / "calls.ndjson", tmp_path / "rejects.ndjson"
    result = run_cli("ingest", "-f", "asterisk-cdr-csv", str(cdr), "--watchlist", str(watchlist),
                     "--out", str(out), "--rejects", str(rejects), "--json",
                     env={"STRASCICO_WATCHLIST_KEY": KEY})
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(e["telephony.callee.number"], e["telephony.callee.exposed"]) for e in events] == [
        (CALLED, True), ("+393409990000", False)]
    everything = out.read_text() + result.stdout + result.stderr + watchlist.read_text()
    assert _digits(NEVER_CALLED) not in everything and KEY not in everything


def test_a_wrong_key_is_refused(watchlist: Path) -> None:
    result = run_cli("ingest", "-f", "asterisk-cdr-csv", str(ASTERISK), "--watchlist", str(watchlist), "--out", "-",
                     env={"STRASCICO_WATCHLIST_KEY": "another-key-of-sufficient-length"})
    assert result.returncode == 2 and "different key" in result.stderr


def test_no_key_is_one_line() -> None:
    result = run_cli("watchlist", "build", "--from", str(ASTERISK), "--out", "/tmp/x.wl")
    assert result.returncode == 2 and "STRASCICO_WATCHLIST_KEY" in result.stderr and "Traceback" not in result.stderr


def test_rejects_are_kept_counted_and_fail_the_run(tmp_path: Path) -> None:
    rejects = tmp_path / "r.ndjson"
    result = run_cli("ingest", "-f", "asterisk-cdr-csv", str(ASTERISK), "--out", str(tmp_path / "o.ndjson"),
                     "--rejects", str(rejects), "--json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["stored"], summary["rejected"]) == (13, 11, 2)
    kept = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in kept] == [
        (11, "bad value: unknown disposition 'WEIRD'"), (12, "unterminated quoted field (truncated line?)")]
    assert kept[0]["raw"].startswith('"","0039021234567"')


def test_stdin_and_stdout(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "strascico", "ingest", "-f", "asterisk-cdr-csv", "-", "--out", "-",
                             "--allow-rejects", "--rejects", str(tmp_path / "r.ndjson")],
                            input=ASTERISK.read_bytes(), capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert len(result.stdout.decode().splitlines()) == 11


def test_ingest_into_the_real_node_counts_and_deduplicates(es_url: str, es_client: Elasticsearch,
                                                           tmp_path: Path) -> None:
    prefix = "strascico-ingesttest"
    args = ["ingest", "-f", "asterisk-cdr-csv", str(ASTERISK), "--es-url", es_url, "--index-prefix", prefix,
            "--allow-rejects", "--rejects", str(tmp_path / "r.ndjson"), "--json"]
    try:
        first = json.loads(run_cli(*args).stdout)
        second = json.loads(run_cli(*args).stdout)
        es_client.indices.refresh(index=f"{prefix}-*")
        assert (first["stored"], first["duplicates"]) == (11, 0)
        assert (second["stored"], second["duplicates"]) == (0, 11)  # same records, same ids
        assert es_client.count(index=f"{prefix}-telephony-asterisk-cdr-csv")["count"] == 11
    finally:
        ScratchPrefix(es_client, prefix).remove()


@pytest.mark.parametrize("fmt, line, reason", [
    ("asterisk-cdr-csv", '"","+2348031234567","+393351234567","from-trunk","","SIP/a","SIP/b","Dial","",'
                         '"0001-01-01 00:00:00","","0001-01-01 00:00:10",10,0,"NO ANSWER","DOCUMENTATION","1.1",""',
     "bad value: date value out of range"),
    ("nginx-combined", '1.2.3.4 - - [01/Jan/0001:00:00:00 +0100] "GET / HTTP/1.1" 200 1 "-" "x"',
     "bad value: date value out of range"),
    ("twilio-messages-json", '{"sid": "SM1", "from": 393351234567, "to": "+393351234568", "direction": "inbound",'
                             ' "status": "received", "date_sent": "Tue, 14 Jan 2025 02:13:00 +0000"}',
     "bad value: 'from' is a JSON int, not an address"),
])
def test_values_python_cannot_hold_are_rejects_not_crashes(tmp_path: Path, fmt: str, line: str, reason: str) -> None:
    """A year-0001 stamp in the organization's zone falls before datetime's range, and a JSON
    number is no address: each is one reject with its reason, never an internal error."""
    source = tmp_path / "input.txt"
    source.write_text(line + "\n")
    rejects = tmp_path / "r.ndjson"
    result = run_cli("ingest", "-f", fmt, str(source), "--out", str(tmp_path / "o.ndjson"), "--rejects", str(rejects))
    assert result.returncode == 1 and "internal" not in result.stderr, result.stderr
    assert [json.loads(r)["reason"] for r in rejects.read_text().splitlines()] == [reason]
