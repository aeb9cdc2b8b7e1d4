"""`strascico simulate`: deterministic output, every file through the real ingest, a ground truth
that agrees with the files and with the rules (checked offline by the oracle), synthetic data only.

Everything runs on the tiny size; no Elasticsearch.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from strascico.cases import LOGSOURCE_KEY, flatten, load_cases
from strascico.cli import cli
from strascico.ingest.phones import PhoneNormalizer
from strascico.simulate import SimulationOptions, simulate
from strascico.simulate.numbering import (CONTACT_CENTRE_DID, FAMILY_BLOCKS, FLOOD_BLOCKS, IT_LANDLINE_BLOCKS,
                                          IT_MOBILE_PREFIXES, PENSIONER_BLOCKS, SUPPLIER_BLOCKS)
from strascico.simulate.oracle import Oracle
from strascico.simulate.verify import ingest_directory, verify

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
TINY = SimulationOptions(seed=7, size="tiny")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    simulate(TINY, out)
    return out


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(RULES)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tiny: Path, tmp_path: Path) -> None:
    again = simulate(TINY, tmp_path / "again").out
    assert _files(again) == _files(tiny)
    other = _files(simulate(SimulationOptions(seed=8, size="tiny"), tmp_path / "other").out)
    assert other.keys() == _files(tiny).keys()
    differing = [name for name, data in other.items() if data != _files(tiny)[name]]
    assert {"staff.csv", "applicants.csv", "asterisk/Master.csv", "freeswitch/Master.csv"} <= set(differing)


def test_tiny_is_small_and_writes_every_manifest_file(tiny: Path) -> None:
    manifest = json.loads((tiny / "manifest.json").read_text())
    assert manifest["scenario"] == "contact-centre" and manifest["seed"] == 7 and manifest["size"] == "tiny"
    assert manifest["timezone"] == "Europe/Rome"
    formats = {f["format"] for f in manifest["files"]}
    assert {"asterisk-cdr-csv", "kannel-access", "twilio-messages-json", "mariadb-audit", "nginx-combined",
            "ecs-ndjson", "freeswitch-cdr-csv", "report-csv"} <= formats
    assert manifest["pending_files"] == []  # every source has an ingest format
    assert all((tiny / f["mapping"]).is_file() for f in manifest["files"] if f["format"] == "report-csv")
    total = 0
    for entry in manifest["files"] + manifest["pending_files"]:
        path = tiny / entry["path"]
        assert path.is_file() and entry["records"] > 0, entry
        total += entry["records"]
    assert 300 <= total <= 1500
    for name in (manifest["applicants"], manifest["staff"], manifest["blocklist"], manifest["ground_truth"]):
        assert (tiny / name).is_file()
    assert len(manifest["datasets"]) >= 3 and all((tiny / d["path"]).is_file() for d in manifest["datasets"])


def test_every_file_ingests_with_zero_rejects_through_the_cli(tiny: Path, tmp_path: Path) -> None:
    manifest = json.loads((tiny / "manifest.json").read_text())
    runner = CliRunner(env={"STRASCICO_WATCHLIST_KEY": "simulate-test-key-0123456789"})
    for n, entry in enumerate(manifest["files"]):
        out, rejects = tmp_path / f"{n}.ndjson", tmp_path / f"{n}-rejects.ndjson"
        mapping = ["--mapping", str(tiny / entry["mapping"])] if "mapping" in entry else []
        result = runner.invoke(cli, ["ingest", "-f", entry["format"], str(tiny / entry["path"]), "--out", str(out),
                                     "--rejects", str(rejects), "--json", *mapping], standalone_mode=False)
        assert result.exception is None, result.output
        summary = json.loads(result.stdout)
        assert summary["rejected"] == 0 and not rejects.exists(), entry
        assert summary["read"] == summary["stored"] == entry["records"], entry
        assert summary["dropped_fields"] == {}, entry
        assert result.return_value == 0


def test_ground_truth_agrees_with_the_files_and_the_rules(tiny: Path) -> None:
    assert verify(tiny, RULES) == []


def test_ground_truth_contract(tiny: Path, oracle: Oracle) -> None:
    truth = json.loads((tiny / "ground-truth.json").read_text())
    assert truth["timezone"] == "Europe/Rome" and truth["seed"] == 7
    assert set(truth["flood"]["calling_codes"]) >= {"234", "880", "92", "91", "62"}
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    for when in (truth["period"]["start"], truth["period"]["end"], truth["breach"]["start"], truth["flood"]["start"]):
        assert stamp.match(when)
    assert truth["breach"]["start"].startswith("2024-11-") and truth["flood"]["start"] >= "2025-01-12T23"
    named = set()
    for incident in truth["incidents"]:
        assert incident["events"] > 0 and stamp.match(incident["start"]) and stamp.match(incident["end"])
        assert incident["stage"] in ("breach", "flood") and incident["match"] and incident["detected_by"]
        named |= set(incident["detected_by"])
    assert named == oracle.names  # every rule expected somewhere, and only rules of the pack
    assert set(truth["building_blocks"]) <= oracle.names
    for negative in truth["benign_hard_negatives"]:
        assert negative["events"] > 0 and set(negative["allowed_rules"]) <= set(truth["building_blocks"]), negative


def test_oracle_agrees_with_every_reviewed_case_of_the_pack(oracle: Oracle) -> None:
    """The oracle that checks the ground truth gives the pack's own expected results."""
    checked = 0
    for path in sorted(RULES.rglob("*.cases.yaml")):
        name = path.name[: -len(".cases.yaml")]
        for case in load_cases(path).cases:
            checked += 1
            if name in oracle.base:
                category = oracle.base[name].logsource.category
                assert len(oracle.base_matches(name, [(category, flatten(e)) for e in case.events])) == case.hits
            else:
                rule = oracle.correlations[name]
                default = oracle.base[rule.rules[0].reference].logsource.category
                events = [(e.get(LOGSOURCE_KEY, default), flatten({k: v for k, v in e.items() if k != LOGSOURCE_KEY}))
                          for e in case.events]
                assert (name in oracle.fired(events)) == bool(case.alerts), (name, case.name)
    assert checked > 100


def test_exposed_cohort_is_in_the_archive_and_some_targets_are_outside(tiny: Path) -> None:
    normalize = PhoneNormalizer("IT").normalize
    with (tiny / "applicants.csv").open() as handle:
        archive = {normalize(row["phone"]).e164 for row in csv.DictReader(handle)}
    with (tiny / "staff.csv").open() as handle:
        staff = list(csv.DictReader(handle))
    exposed = [s for s in staff if s["hired_via"] == "concorso-2022-05-25"]
    assert exposed and {s["mobile"] for s in exposed} <= archive
    assert not {s["mobile"] for s in staff if s not in exposed} & archive
    truth = json.loads((tiny / "ground-truth.json").read_text())
    cohort, flood = truth["cohort"], truth["flood"]
    assert cohort["exposed_employees"] == len(exposed) < cohort["employees"] < cohort["applicants"] == len(archive)
    assert flood["targets"] == flood["targets_exposed"] + flood["targets_not_exposed"]
    assert 0 < flood["targets_not_exposed"] < flood["targets_exposed"]


def test_only_synthetic_numbers_addresses_and_domains(tiny: Path) -> None:
    events, problems = ingest_directory(tiny)
    assert problems == []
    foreign = tuple(b.prefix for b in (*FLOOD_BLOCKS.values(), *FAMILY_BLOCKS, *PENSIONER_BLOCKS,
                                       *(block for block, _ in SUPPLIER_BLOCKS)))
    italian = re.compile(rf"^\+39({'|'.join(IT_MOBILE_PREFIXES)})55[5-9]\d{{4}}$")
    for _, event in events:
        for side in ("caller", "callee"):
            number = event.get(f"telephony.{side}.number")
            if number is None:
                continue
            assert (number == CONTACT_CENTRE_DID or italian.match(number) or number.startswith(foreign)
                    or number.startswith(IT_LANDLINE_BLOCKS)), number
        if "source.ip" in event:
            address = ipaddress.ip_address(event["source.ip"])
            assert address.is_private or any(address in ipaddress.ip_network(n) for n in
                                             ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")), address
        if "url.domain" in event:
            assert re.search(r"(^|\.)example\.(org|com|net)$|^wa\.me$|^chat\.whatsapp\.com$", event["url.domain"])
    with (tiny / "staff.csv").open() as handle:
        assert all(row["email"].endswith("@example.org") for row in csv.DictReader(handle))
    with (tiny / "applicants.csv").open() as handle:
        assert all(row["email"].endswith("@example.net") for row in csv.DictReader(handle))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "strascico", "simulate", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_summary_exit_codes_and_flat_memory(tmp_path: Path) -> None:
    small = _run("--size", "tiny", "--out", str(tmp_path / "a"), "--json")
    assert small.returncode == 0, small.stderr
    summary = json.loads(small.stdout)
    assert summary["events"] > 0 and "written to" in small.stderr
    # more than ten times the events: peak memory must not follow
    big = _run("--size", "small", "--days", "60", "--out", str(tmp_path / "b"), "--json")
    assert big.returncode == 0, big.stderr
    grown = json.loads(big.stdout)
    assert grown["events"] > 10 * summary["events"]
    assert grown["peak_rss_mb"] - summary["peak_rss_mb"] < 25
    assert _run("--size", "tiny", "--out", str(tmp_path / "a")).returncode == 2  # not empty
    assert _run("--size", "huge", "--out", str(tmp_path / "c")).returncode == 2
    assert _run("--days", "10", "--out", str(tmp_path / "c")).returncode == 2
    assert "Example" in _run("--help").stdout


def test_some_victims_report_most_do_not_and_staff_also_report_unrelated_spam(tiny: Path) -> None:
    events, _ = ingest_directory(tiny)
    reports = [e for c, e in events if c == "user_report"]
    truth = json.loads((tiny / "ground-truth.json").read_text())
    flood_codes = set(truth["flood"]["calling_codes"])
    campaign = [e for e in reports if e.get("telephony.caller.country_code") in flood_codes]
    spam = [e for e in reports if e.get("telephony.caller.country_code") == "39"]
    assert len(campaign) + len(spam) == len(reports) and spam
    reporters = {e["report.reporter.hash"] for e in campaign}
    assert 5 <= len(reporters) < truth["flood"]["targets"] / 2  # the surge is there; most victims never report
    assert {e["event.dataset"] for e in reports} == {"user_report.helpdesk-tickets", "user_report.microsoft-forms"}
    assert all("report.reporter.number_hash" in e for e in reports if e["event.dataset"].endswith("forms"))
    # some reported numbers appear in no call or message record: contacts on personal phones
    logged = {e.get("telephony.caller.number") for c, e in events if c in ("telephony", "messaging")}
    assert {e["telephony.caller.number"] for e in campaign} - logged
    assert {e["telephony.caller.number"] for e in campaign} & logged


def test_candidate_datasets_and_their_ground_truth(tiny: Path) -> None:
    truth = json.loads((tiny / "ground-truth.json").read_text())["attribution"]
    assert truth["leaked"] == "exam-2022-applicants" and truth["population"] == "staff.csv"
    normalize = PhoneNormalizer("IT").normalize
    with (tiny / "staff.csv").open() as handle:
        staff = {row["mobile"]: row["hired_via"] for row in csv.DictReader(handle)}
    for dataset in truth["datasets"]:
        with (tiny / dataset["path"]).open() as handle:
            rows = list(csv.DictReader(handle))
        column = "phone" if "phone" in rows[0] else "telefono"
        numbers = {normalize(r[column]).e164 for r in rows}
        assert len(rows) == dataset["rows"] and len(numbers & staff.keys()) == dataset["staff"] > 0, dataset["name"]
        if dataset["name"] == truth["leaked"]:
            assert {n for n in numbers & staff.keys()} == {n for n, via in staff.items() if via.startswith("concorso")}
