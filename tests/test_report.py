"""`strascico report` on the simulated campaign: figures equal the simulator's truth, no number
leaks, the HTML opens offline in a real headless browser, empty data gives an honest report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from strascico.demo.pipeline import ingest_manifest, learn_known_contacts
from strascico.pack import load_pack
from strascico.replay.runner import ScratchPrefix
from strascico.report.build import build_report
from strascico.report.datamap import DataMap
from strascico.report.render import render_html, render_markdown
from strascico.simulate import SimulationOptions, simulate

from .conftest import IN_CI, RULES, run_cli

PREFIX = "strascico-reporttest"
DATA_MAP = DataMap(tables={"candidati": ["identity", "contact"], "recapiti_*": ["contact"]},
                   endpoints={"/area-riservata/export/*": ["identity", "contact", "tax code"]})


@pytest.fixture(scope="module")
def campaign(es_client: Elasticsearch, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sim = tmp_path_factory.mktemp("sim")
    simulate(SimulationOptions(seed=3, size="tiny"), sim)
    ScratchPrefix(es_client, PREFIX).remove()
    key = b"report-test-key-0123456789abcdef"
    reports, hashes = ingest_manifest(es_client, sim, PREFIX, key)
    truth = json.loads((sim / "ground-truth.json").read_text())
    # as a SOC would: known contacts from before the flood, so relatives' night calls are no flood
    known, _ = learn_known_contacts(es_client, PREFIX, key, truth["flood"]["start"])
    ingest_manifest(es_client, sim, PREFIX, key, known=known, redo=reports)
    data = build_report(es_client, load_pack([RULES]), PREFIX, "2024-01-01", "2026-01-01", "en", DATA_MAP, hashes)
    yield sim, truth, data
    ScratchPrefix(es_client, PREFIX).remove()


def _minute_apart(a: str, b: str) -> bool:
    t = [datetime.fromisoformat(x.replace("Z", "+00:00")) for x in (a, b)]
    return abs((t[0] - t[1]).total_seconds()) <= 60


def test_breach_figures_equal_the_truth(campaign) -> None:  # type: ignore[no-untyped-def]
    _, truth, data = campaign
    happened, breach = data["what_happened"], truth["breach"]
    assert _minute_apart(happened["first_signal"], breach["start"])
    assert _minute_apart(happened["last_signal"], breach["end"])
    accounts = {a for p in happened["phases"] for a in p["accounts"]}
    assert breach["principal"] in accounts
    assert breach["source_ip"] in {ip for p in happened["phases"] for ip in p["source_ips"]}
    assert breach["host"] in {h for p in happened["phases"] for h in p["hosts"]}
    assert [p["phase"] for p in happened["phases"]] == ["access", "enumeration", "bulk read", "export/exfiltration"]
    tables = {t["table"] for t in data["what_was_taken"]["tables"]}
    assert set(breach["tables"]) <= tables
    assert set(data["what_was_taken"]["categories"]) == {"identity", "contact", "tax code"}


def test_flood_figures_equal_the_truth(campaign) -> None:  # type: ignore[no-untyped-def]
    _, truth, data = campaign
    affected, flood = data["who_is_affected"], truth["flood"]
    assert affected["flood_onset"] == flood["start"]
    assert (affected["flood_victims"], affected["in_cohort"], affected["not_in_cohort"]) == (
        flood["targets"], flood["targets_exposed"], flood["targets_not_exposed"])
    assert affected["exposed_cohort"] == truth["cohort"]["applicants"]
    assert affected["victims_over_time"]["in_cohort"][-1] == flood["targets_exposed"]


def test_no_phone_number_of_the_archive_in_any_output(campaign, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sim, _, data = campaign
    texts = json.dumps(data) + render_markdown(data) + render_html(data)
    applicants = (sim / "applicants.csv").read_text().splitlines()[1:]
    numbers = {re.sub(r"\D", "", n)[-9:] for line in applicants for n in re.findall(r"[+\d][\d \-]{7,}\d", line)}
    assert len(numbers) > 100
    digits = set(re.findall(r"\d{9,}", re.sub(r"[^\d]+", " ", texts)))
    assert not any(n in d for n in numbers for d in digits)


def test_italian_article_33_marks_what_a_person_must_complete(campaign) -> None:  # type: ignore[no-untyped-def]
    from strascico.report.article33 import article33

    items = article33(campaign[2], "it")
    assert items[0]["heading"].startswith("a) Natura della violazione")
    assert "interessati" in items[0]["text"] and items[1]["text"] == "[DA COMPLETARE]"
    assert [i["to_complete"] for i in items] == [False, True, True, True]


# Chromium's own background calls (clock sync, component updates), not the page's.
BROWSER_SERVICES = re.compile(r"^(https?://)?[a-z0-9.-]*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)(:\d+)?(/|$)")


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_CONNECT = do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


def test_html_opens_offline_in_headless_chromium(campaign, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if IN_CI:
            pytest.fail("chromium must be installed in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Debian's chromium is not installed")
    page = tmp_path / "report.html"
    page.write_text(render_html(campaign[2]))
    proxy = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", f"--proxy-server=127.0.0.1:{proxy.server_address[1]}",
             "--proxy-bypass-list=<-loopback>", "--enable-logging=stderr", "--v=0", "--window-size=1200,3000",
             "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter", "--no-pings",
             "--disable-domain-reliability", "--disable-client-side-phishing-detection"]
    try:
        dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                             timeout=120)
        shot = subprocess.run([chromium, *flags, f"--screenshot={tmp_path / 'shot.png'}", page.as_uri()],
                              capture_output=True, text=True, timeout=120)
    finally:
        proxy.shutdown()
    page_requests = [r for r in _Recorder.requests if not BROWSER_SERVICES.search(r)]
    assert page_requests == []  # the page requests nothing at view time
    console = [line for line in (dom.stderr + shot.stderr).splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    for heading in ("What happened, when", "What was taken", "Who is affected now", "Open questions",
                    "GDPR Art. 33(3)"):
        assert f"<h2>{heading}</h2>" in dom.stdout
    png = (tmp_path / "shot.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a rendered page, not a blank one


def test_empty_data_gives_an_honest_report(es_client: Elasticsearch, tmp_path: Path, es_url: str) -> None:
    result = run_cli("report", "--es-url", es_url, "--index-prefix", "strascico-nothing-here", "--since",
                     "2024-01-01", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["what_happened"]["found"] is False and data["who_is_affected"]["flood_found"] is False
    assert "No breach signal in the analysed period." in data["open_questions"]
    assert len(data["coverage"]["never_ingested"]) == 7
    assert "No breach signal" in (tmp_path / "report.html").read_text()


def test_a_missing_source_is_named(campaign, es_client: Elasticsearch) -> None:  # type: ignore[no-untyped-def]
    data = campaign[2]
    assert "user_report" in data["coverage"]["never_ingested"] or "user_report" in data["coverage"]["logsources"]
    missing = set(data["coverage"]["never_ingested"])
    assert all(any(source in q for q in data["open_questions"]) for source in missing)
