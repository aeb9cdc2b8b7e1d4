"""`strascico demo` end to end on the real node: every observable planted incident is found."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from .conftest import run_cli


@pytest.fixture(scope="module")
def demo_out(es_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--size", "tiny", "--es-url", es_url, "--out", str(out))
    return out, result


def test_demo_finds_every_observable_incident(demo_out) -> None:  # type: ignore[no-untyped-def]
    out, result = demo_out
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((out / "report.json").read_text())
    score = data["score"]
    assert score["recall"] == 1.0
    assert len(score["incidents"]) >= 15
    assert {i["stage"] for i in score["incidents"]} == {"breach", "flood"}
    truth = json.loads((out / "sim" / "ground-truth.json").read_text())
    assert len(score["incidents"]) + len(score["not_observable"]) == len(truth["incidents"])
    assert data["hunt"]["link"]["in_exposed_cohort"] > data["hunt"]["link"]["not_in_cohort"] > 0


def test_report_is_self_contained_and_names_the_story(demo_out) -> None:  # type: ignore[no-untyped-def]
    out, _ = demo_out
    html = (out / "report.html").read_text()
    assert "<svg" in html and "Campaign timeline" in html and "Planted incidents" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched at view time
    assert "<script" not in html


def test_reports_hold_no_applicant_phone_number(demo_out) -> None:  # type: ignore[no-untyped-def]
    out, _ = demo_out
    with (out / "sim" / "applicants.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    column = next(c for c in rows[0] if any(w in c.lower() for w in ("phone", "tel", "cell", "mobile")))
    numbers = {re.sub(r"\D", "", row[column])[-9:] for row in rows if row[column]}
    text = "".join((out / name).read_text() for name in ("report.html", "report.json", "report.md"))
    digits = re.sub(r"\D", "", text)
    leaked = [n for n in numbers if n and n in digits]
    assert len(numbers) > 10
    # numbers of employees who were actually called appear as flood victims; others never
    victims = {re.sub(r"\D", "", v)[-9:] for v in re.findall(r"\+\d{8,15}", text)}
    assert set(leaked) <= victims
