"""telephony.callee.kind: a call to a person versus a call to the switchboard (service line, queue,
IVR, hunt group), from what each export carries and from the site's --service-numbers file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import ROOT, run_cli

SAMPLES = ROOT / "tests" / "ingest"
SERVICE_LINE = "+393351234567"  # the FreeSWITCH sample's first callee, declared a service line below


def _ingest(tmp_path: Path, fmt: str, *files: Path, extra: tuple[str, ...] = ()) -> tuple[list[dict], str]:
    out = tmp_path / f"{fmt}.ndjson"
    result = run_cli("ingest", "-f", fmt, *map(str, files), "--out", str(out),
                     "--rejects", str(tmp_path / "rejects.ndjson"), "--allow-rejects", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in out.read_text().splitlines()], result.stderr


def test_service_numbers_file_marks_calls_to_the_public_line(tmp_path: Path) -> None:
    sample = SAMPLES / "freeswitch-cdr-csv" / "Master.csv"
    services = tmp_path / "service-lines.csv"
    services.write_text("number,label\n+39 335 123 4567,contact centre toll-free\nnot-a-number,typo\n")
    events, stderr = _ingest(tmp_path, "freeswitch-cdr-csv", sample, extra=("--service-numbers", str(services)))
    assert "service numbers: 1, 1 unusable rows" in stderr
    to_service = [e for e in events if e.get("telephony.callee.number") == SERVICE_LINE]
    assert to_service and all(e["telephony.callee.kind"] == "service" for e in to_service)
    others = [e for e in events if e.get("telephony.callee.number") != SERVICE_LINE and "telephony.callee.kind" in e]
    assert others and {e["telephony.callee.kind"] for e in others} == {"person"}

    plain, _ = _ingest(tmp_path, "freeswitch-cdr-csv", sample)  # without the site file: a person's number
    assert {e["telephony.callee.kind"] for e in plain if e.get("telephony.callee.number") == SERVICE_LINE} == {"person"}


def _with_hunt_pilot(source: Path, target: Path, pilot: str) -> None:
    """The sample CUCM file with a huntPilotDN column, as clusters with hunt lists write it."""
    lines = source.read_text(encoding="latin-1").splitlines()
    lines[0] += ',"huntPilotDN"'
    lines[1] += ",VARCHAR(50)"
    lines[2:] = [line + f',"{pilot}"' for line in lines[2:]]
    target.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")


def test_cucm_hunt_pilot_is_a_hunt_group_and_the_answering_member_is_kept(tmp_path: Path) -> None:
    source = sorted((SAMPLES / "cisco-cucm-cdr").glob("cdr_*"))[0]
    hunted = tmp_path / source.name
    _with_hunt_pilot(source, hunted, "8000")
    events, _ = _ingest(tmp_path, "cisco-cucm-cdr", hunted)
    inbound = [e for e in events if e["network.direction"] == "inbound"]
    assert inbound and {e["telephony.callee.kind"] for e in inbound} == {"hunt_group"}

    lines = source.read_text(encoding="latin-1").splitlines()
    final = {row["globalCallID_callId"]: row["finalCalledPartyNumber"] for row in csv.DictReader(lines[:1] + lines[2:])}
    answered = [e for e in inbound if e["telephony.call.disposition"] == "answered"]
    assert answered  # the member who picked up stays the callee person
    assert all(e["telephony.callee.extension"] == final[e["telephony.call.id"]] for e in answered)

    plain, _ = _ingest(tmp_path, "cisco-cucm-cdr", source)
    assert {e["telephony.callee.kind"] for e in plain if e["network.direction"] == "inbound"} == {"person"}


def test_asterisk_queue_ivr_and_ring_group_from_dcontext_and_lastapp() -> None:
    lines = (SAMPLES / "asterisk-cdr-csv" / "expected.ndjson").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert {e.get("telephony.callee.kind") for e in events} >= {"person", "queue", "ivr", "hunt_group"}
    answered_queue = [e for e in events if e.get("telephony.callee.kind") == "queue"
                      and e["telephony.call.disposition"] == "answered"]
    assert answered_queue and all(e["telephony.callee.extension"] == "204" for e in answered_queue)
