"""Known contacts learnt on the real node: relationships, not floods; hashes only; the key checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from strascico.contacts import KnownContacts, RelationRules, find_relations
from strascico.errors import InputError
from strascico.es.bulk import bulk_index
from strascico.replay.runner import ScratchPrefix

from .conftest import run_cli

PREFIX = "strascico-contactstest"
KEY = b"k" * 32
EMPLOYEE, EXT = "+393351234500", "4100"
MOTHER, SUPPLIER, PEN_PAL, FLOOD = "+2348031110001", "+919812345678", "+6281234567890", "+2348039990001"
CITIZEN, SERVICE_LINE = "+4915112345678", "+39800555123"


def _call(i: int, at: str, direction: str, other: str, talk: float, extension: str | None = EXT) -> tuple[str, dict]:
    me, them = ("callee", "caller") if direction == "inbound" else ("caller", "callee")
    doc = {"@timestamp": at, "event.id": f"c{i}", "network.direction": direction, "telephony.channel": "voice",
           "telephony.call.talk_duration": talk, f"telephony.{me}.number": EMPLOYEE,
           f"telephony.{them}.number": other, f"telephony.{them}.country_iso": "NG" if other[1:4] == "234" else "XX"}
    if extension:
        doc[f"telephony.{me}.extension"] = extension
    return f"{PREFIX}-telephony-x", doc


def _queue_call(i: int, at: str, caller: str, talk: float) -> tuple[str, dict]:
    """A citizen abroad answered by an agent through the public queue."""
    index, doc = _call(i, at, "inbound", caller, talk, extension="4200")
    doc.update({"telephony.callee.number": SERVICE_LINE, "telephony.callee.kind": "queue"})
    return index, doc


def _sms(i: int, at: str, direction: str, other: str) -> tuple[str, dict]:
    index, doc = _call(1000 + i, at, direction, other, 0, extension=None)
    doc.update({"telephony.channel": "sms", "event.id": f"m{i}"})
    doc.pop("telephony.call.talk_duration")
    return f"{PREFIX}-messaging-x", doc


@pytest.fixture(scope="module")
def history(es_client: Elasticsearch):  # type: ignore[no-untyped-def]
    area = ScratchPrefix(es_client, PREFIX)
    area.install()
    docs = [
        _call(1, "2024-06-01T18:00:00Z", "outbound", MOTHER, 300),  # the employee calls home
        _call(2, "2024-06-03T10:00:00Z", "inbound", SUPPLIER, 240),  # a supplier talks for 4 minutes
        _call(3, "2024-06-04T10:00:00Z", "inbound", FLOOD, 4),  # robocall, answered 4 s: no relationship
        _call(4, "2024-06-05T02:00:00Z", "outbound", FLOOD, 0),  # dialled back, no answer: none
        _call(5, "2025-01-10T10:00:00Z", "outbound", "+2348037770007", 60),  # after the cut-off: ignored
        _queue_call(6, "2024-06-06T10:00:00Z", CITIZEN, 400),  # through the service queue: nobody's relation
        *[_sms(i, f"2024-07-0{i + 1}T12:00:00Z", "inbound" if i % 2 else "outbound", PEN_PAL) for i in range(4)],
        *[_sms(10 + i, f"2024-07-0{i + 1}T13:00:00Z", "inbound", FLOOD) for i in range(5)],  # one-way spam
    ]
    bulk_index(es_client, docs)
    es_client.indices.refresh(index=f"{PREFIX}-*")
    yield es_client
    area.remove()


def test_relationships_are_what_a_person_does_not_what_a_flood_does(history: Elasticsearch) -> None:
    found = {(r.contact, r.how, r.employee) for r in find_relations(history, PREFIX, "2024-12-01")}
    assert found == {(MOTHER, "called-out", frozenset({EMPLOYEE, EXT})),
                     (SUPPLIER, "answered-long", frozenset({EMPLOYEE, EXT})),
                     (PEN_PAL, "two-way-messages", frozenset({EMPLOYEE}))}


def test_thresholds_are_parameters(history: Elasticsearch) -> None:
    strict = RelationRules(min_talk=600, min_each_way=3)
    assert {r.contact for r in find_relations(history, PREFIX, "2024-12-01", rules=strict)} == {MOTHER}


def test_the_store_keeps_hashes_only_and_refuses_another_key(history: Elasticsearch, tmp_path: Path) -> None:
    known, kinds = KnownContacts.learn(KEY, "2024-12-01", find_relations(history, PREFIX, "2024-12-01"))
    path = tmp_path / "known.kc"
    known.save(path)
    text = path.read_text()
    assert all(n[1:] not in text for n in (EMPLOYEE, MOTHER, SUPPLIER, PEN_PAL)) and "cutoff=2024-12-01" in text
    again = KnownContacts.load(path, KEY)
    assert again.known_to([EMPLOYEE], MOTHER) and again.known_to(["", EXT], SUPPLIER)
    assert not again.known_to([EMPLOYEE], FLOOD) and not again.known_to(["+393351234599"], MOTHER)
    assert again.known_to_organisation(PEN_PAL) and not again.known_to_organisation(FLOOD)
    assert kinds == {"called-out": 1, "answered-long": 1, "two-way-messages": 1}
    with pytest.raises(InputError, match="different key"):
        KnownContacts.load(path, b"x" * 32)


def test_cli_builds_the_file_from_the_cluster(history: Elasticsearch, es_url: str, tmp_path: Path) -> None:
    out = tmp_path / "known.kc"
    result = run_cli("watchlist", "contacts", "--es-url", es_url, "--before", "2024-12-01", "--out", str(out),
                     "--index-prefix", PREFIX, "--json", env={"STRASCICO_WATCHLIST_KEY": KEY.decode()})
    assert result.returncode == 0, result.stderr
    assert '"pairs": 5' in result.stdout and '"numbers": 3' in result.stdout  # mother/supplier: number + ext
    assert KnownContacts.load(out, KEY).known_to([EMPLOYEE], MOTHER)
    no_key = run_cli("watchlist", "contacts", "--es-url", es_url, "--before", "2024-12-01", "--out", str(out))
    assert no_key.returncode == 2 and "STRASCICO_WATCHLIST_KEY" in no_key.stderr


def _cdr(tmp_path: Path) -> Path:
    """Two one-ring calls from Nigeria: the mother's number to her child's desk, a stranger's."""
    cdr = tmp_path / "Master.csv"
    row = ('"","{caller}","4100","from-trunk","","SIP/t-1","SIP/4100-2","Dial","","2025-01-14 03:13:00",'
           '"","2025-01-14 03:13:02",2,0,"NO ANSWER","DOCUMENTATION","{uid}",""\n')
    cdr.write_text(row.format(caller="00" + MOTHER[1:], uid="1.1") + row.format(caller="00" + FLOOD[1:], uid="1.2"))
    return cdr


def test_ingest_marks_known_contacts_and_refuses_a_file_of_another_key(tmp_path: Path) -> None:
    known = KnownContacts(KEY, "2024-12-01")
    known.add({EXT}, MOTHER)  # learnt on the desk extension, as the PBX records the employee
    path = tmp_path / "known.kc"
    known.save(path)
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY)
    out = tmp_path / "calls.ndjson"
    done = run_cli("ingest", "-f", "asterisk-cdr-csv", str(_cdr(tmp_path)), "--known-contacts", str(path),
                   "--key-file", str(key_file), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "known contacts: 1 pairs, 0 numbers, learnt before 2024-12-01" in done.stderr
    marked = {e["telephony.caller.number"]: e["telephony.caller.known"] for e in map(json.loads, out.read_text().splitlines())}
    assert marked == {MOTHER: True, FLOOD: False}

    other = tmp_path / "other-key"
    other.write_bytes(b"x" * 32)
    refused = run_cli("ingest", "-f", "asterisk-cdr-csv", str(_cdr(tmp_path)), "--known-contacts", str(path),
                      "--key-file", str(other), "--out", str(tmp_path / "no.ndjson"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "known.kc" in refused.stderr
