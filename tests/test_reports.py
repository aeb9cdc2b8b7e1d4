"""Harassment reports as a log source: how cells are read, strict mappings, and the promise that
no reporter's number, e-mail or name reaches the index (checked on the real node).

The per-format golden samples live in tests/ingest/report-csv and tests/ingest/report-json."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from strascico.errors import InputError
from strascico.ingest.language import detect_language
from strascico.ingest.phones import PhoneNormalizer
from strascico.ingest.report_mapping import detect, load_mapping, lookup, parse_mapping, shipped_mappings
from strascico.ingest.report_values import (fold, numbers_in, parse_time, redacted, report_channel, reporter_hash,
                                            trimmed)

from .conftest import run_cli

ROME = ZoneInfo("Europe/Rome")
SAMPLES = Path(__file__).resolve().parent / "ingest"
ENV = {"STRASCICO_WATCHLIST_KEY": "reports-test-key-not-a-secret"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("text, dayfirst, expected, has_time", [
    ("03/02/2025 09:12:40", True, "2025-02-03T08:12:40", True),  # Italian Excel, local winter time
    ("3.2.2025 9.12", True, "2025-02-03T08:12:00", True),
    ("2/3/2025 2:05:33 PM", False, "2025-02-03T13:05:33", True),  # US locale
    ("2025/02/03 2:05:33 PM GMT+1", True, "2025-02-03T13:05:33", True),  # Google Forms download
    ("2025-07-03T09:00:00Z", True, "2025-07-03T09:00:00", True),
    ("2025-07-03 11:00:00", True, "2025-07-03T09:00:00", True),  # local summer time
    ("03/02/25", True, "2025-02-02T23:00:00", False),
])
def test_times_as_forms_and_spreadsheets_write_them(text: str, dayfirst: bool, expected: str, has_time: bool) -> None:
    when, timed = parse_time(text, ROME, dayfirst)
    assert when.astimezone(timezone.utc).replace(tzinfo=None).isoformat() == expected and timed is has_time


@pytest.mark.parametrize("text", ["31/02/2025 10:00", "13/31/2025", "yesterday", "2025/02/04 13:15:00 PM GMT+1"])
def test_impossible_times_are_refused_with_the_value(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_time(text, ROME, True)


def test_channels_in_people_s_words() -> None:
    assert [report_channel(a) for a in ("Chiamata", "SMS;WhatsApp;", "Telefonata persa", "E-mail", "Altro: Instagram",
                                        "WhatsApp (messaggio vocale)", "", None)] == \
        ["call", "sms", "call", "email", "other", "whatsapp", None, None]
    assert report_channel("Segnale", {"segnale": "other", "Messenger": "other"}) == "other"


def test_several_numbers_in_one_box_and_boxes_without_a_number() -> None:
    assert numbers_in("+234 803 555 1201; 0092 300 5551234\n+62 812 555 0123") == [
        "+234 803 555 1201", "0092 300 5551234", "+62 812 555 0123"]
    assert numbers_in("numero: +234 803 555 1201") == ["+234 803 555 1201"]
    assert numbers_in("whatsapp:+2348065553412") == ["whatsapp:+2348065553412"]
    assert numbers_in("+39 347 *** 1234") == ["+39 347 *** 1234"]
    assert numbers_in("numero privato") == ["numero privato"] and numbers_in(" ") == []


def test_free_text_loses_every_number_but_the_reported_ones_and_every_address() -> None:
    normalize = PhoneNormalizer("IT").normalize
    text = ("Mi ha scritto wa.me/2348065553412 alle 21:40 del 02/02/2025; anche a mio marito al 347 555 0001, "
            "sono giulia.bianchi@example.org, il mio è +39 335 123 4567")
    assert redacted(text, {"+2348065553412"}, normalize) == (
        "Mi ha scritto wa.me/2348065553412 alle 21:40 del 02/02/2025; anche a mio marito al [number], "
        "sono [email], il mio è [number]")
    assert trimmed("uno due tre quattro", 12) == ("uno due tre…", True) and trimmed("breve", 10) == ("breve", False)


def test_headers_compare_without_case_accents_or_punctuation_and_identity_hashes_fold_case() -> None:
    assert fold("\ufeffQuale numero l’ha contattata?") == fold("quale numero l'ha contattata") == \
        "quale numero l ha contattata"
    key = b"k" * 16
    assert reporter_hash(key, " Giulia.Bianchi@Example.org") == reporter_hash(key, "giulia.bianchi@example.org")
    assert reporter_hash(b"k" * 16, "x") != reporter_hash(b"j" * 16, "x")


def test_language_of_short_reports() -> None:
    assert detect_language("Salve, posso parlarle un attimo? Abbiamo un lavoro part-time da casa per lei.") == "it"
    assert detect_language("Hello dear, are you available? I am Sarah from the HR team.") == "en"
    assert detect_language("Telemarketing offerta luce e gas") is None  # too little to say
    assert detect_language("") is None


def test_shipped_mappings_are_found_by_header_and_json_paths_reach_custom_fields() -> None:
    names = {m.name for m in shipped_mappings()}
    assert {"microsoft-forms", "google-forms", "helpdesk-tickets"} <= names
    header = ["ID", "Ora di inizio", "Ora di completamento", "Posta elettronica", "Nome",
              "Quale numero l’ha contattata?"]
    assert detect(header, shipped_mappings()).name == "microsoft-forms"
    assert detect(["Timestamp", "Email Address", "Which number contacted you?"], shipped_mappings()).name == \
        "google-forms"
    with pytest.raises(InputError, match="no shipped report mapping fits"):
        detect(["when", "who"], shipped_mappings())
    ticket = {"requester": {"email": "a@b"}, "custom_fields": [{"id": 360012, "value": "+2348035551201"}]}
    assert lookup(ticket, "requester.email") == "a@b" and lookup(ticket, "custom_fields[360012]") == "+2348035551201"
    assert lookup(ticket, "custom_fields[1]") is None and lookup(ticket, "requester.name") is None


@pytest.mark.parametrize("text, message", [
    ("mapping: x\ncolums: {}\n", "unknown key(s) colums"),
    ("columns: {reported: [A]}\n", "unknown meaning 'reported'"),
    ("columns: {number: [A]}\n", "must map reported_at or received_at"),
    ("columns: {reported_at: [A]}\nchannels: {Segnale: signal}\n", "not one of call, sms"),
    ("columns: {reported_at: [A]}\nconstants: {reporter: someone}\n", "'reporter' cannot be a constant"),
    ("columns: {reported_at: A}\nrequired: [number]\n", "required: a list of meanings"),
    ("columns: {reported_at: [A]}\ndelimiter: ';;'\n", "delimiter: one character"),
    ("columns: &a {reported_at: [A]}\nx: *a\n", "aliases are not allowed"),
])
def test_mappings_are_strict(text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_mapping(text, "m.yml")


def test_a_custom_mapping_file_with_constants(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("Quando;Numero;Chi\n03/02/2025 10:00;+234 803 555 1201;Mario\n")
    (tmp_path / "mine.yml").write_text(
        "mapping: Segnalazioni Intranet\ncolumns:\n  reported_at: Quando\n  number: Numero\n"
        "constants:\n  organization: Esempio Servizi S.p.A.\n  channel: call\n")
    assert load_mapping("mine.yml", tmp_path).slug == "segnalazioni-intranet"
    result = run_cli("ingest", "-f", "report-csv", str(tmp_path / "export.csv"), "--mapping",
                     str(tmp_path / "mine.yml"), "--out", "-")
    assert result.returncode == 0, result.stderr  # no reporter column: no key needed
    event = json.loads(result.stdout)
    assert event["organization.name"] == "Esempio Servizi S.p.A." and event["report.channel"] == "call"
    assert event["event.dataset"] == "user_report.segnalazioni-intranet" and "Mario" not in result.stdout


def test_report_ingest_errors_are_one_line(tmp_path: Path) -> None:
    sample = SAMPLES / "report-csv" / "microsoft-forms-it.csv"
    no_key = run_cli("ingest", "-f", "report-csv", str(sample), "--out", str(tmp_path / "x.ndjson"))
    assert no_key.returncode == 2 and no_key.stderr.strip().splitlines() == [
        "error: mapping microsoft-forms reads the reporter, who is stored only as a keyed hash: set "
        "STRASCICO_WATCHLIST_KEY or pass --key-file"]
    wrong = run_cli("ingest", "-f", "report-csv", str(sample), "--mapping", "google-forms", "--out", "-", env=ENV)
    assert wrong.returncode == 2 and "mapping google-forms: no column for reported_at" in wrong.stderr
    other = run_cli("ingest", "-f", "nginx-combined", str(sample), "--mapping", "google-forms", "--out", "-")
    assert other.returncode == 2 and "--mapping applies to report-csv and report-json only" in other.stderr


@pytest.mark.node
def test_no_reporter_number_address_or_name_reaches_the_index(es_url: str, es_client, tmp_path: Path) -> None:
    prefix = "strascico-reports-privacy"
    for name, folder in (("report-csv", "report-csv"), ("report-json", "report-json")):
        files = sorted(str(p) for p in (SAMPLES / folder).iterdir() if not p.name.startswith("expected"))
        result = run_cli("ingest", "-f", name, *files, "--es-url", es_url, "--index-prefix", prefix,
                         "--rejects", str(tmp_path / f"{name}.ndjson"), "--allow-rejects", "--text-max", "120",
                         env=ENV)
        assert result.returncode == 0, result.stderr
    es_client.indices.refresh(index=f"{prefix}-*")
    hits = es_client.search(index=f"{prefix}-user_report-*", size=100)["hits"]["hits"]
    assert len(hits) == sum(len((SAMPLES / f / "expected.ndjson").read_text().splitlines())
                            for f in ("report-csv", "report-json"))
    stored = json.dumps([h["_source"] for h in hits], ensure_ascii=False)
    # the reporters' own numbers in the samples, a relative's number and their names and addresses
    for secret in ("3351234567", "3401112233", "3331000004", "3331000005", "3475550001", "@example.org",
                   "Giulia Bianchi", "Marco Esposito", "giulia.bianchi", "marco.esposito"):
        assert secret not in re.sub(r"[\s-]", "", stored) if secret.isdigit() else secret not in stored, secret
    assert "+2348035551201" in stored  # the number that harassed them is kept: it is the evidence
    assert all(len(h["_source"].get("report.text", "")) <= 120 for h in hits)
    es_client.indices.delete(index=f"{prefix}-*")
