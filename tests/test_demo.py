"""`strascico demo` end to end on the real node: every observable planted incident is found."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
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


def test_demo_reports_false_medium_alerts_per_thousand_employees_week(demo_out) -> None:  # type: ignore[no-untyped-def]
    out, result = demo_out
    score = json.loads((out / "report.json").read_text())["score"]
    truth = json.loads((out / "sim" / "ground-truth.json").read_text())
    assert score["false_medium_plus"] == sum(score["false_medium_plus_by_rule"].values())
    assert score["false_medium_plus"] <= score["false_alerts"]
    weeks = (_epoch(truth["period"]["end"]) - _epoch(truth["period"]["start"])) / (7 * 86400)
    expected = score["false_medium_plus"] / (truth["cohort"]["employees"] / 1000) / weeks
    assert score["false_per_1k_employees_week"] == pytest.approx(expected, abs=1e-3)
    assert f"= {expected:.2f} per 1,000 employees per week" in result.stderr


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_alert_across_two_planted_waves_is_not_false_but_one_benign_event_makes_it_false() -> None:
    from strascico.demo.score import score
    from strascico.hunt import HuntAlert

    waves = [{"id": f"wave-{r}", "stage": "flood", "logsources": ["telephony"], "detected_by": ["other_rule"],
              "start": "2025-01-13T00:00:00Z", "end": "2025-01-20T00:00:00Z",
              "match": {"telephony.caller.range": r}} for r in ("+2348035551", "+9230055512")]
    truth = {"incidents": waves, "building_blocks": [], "cohort": {"employees": 2000},
             "period": {"start": "2025-01-01T00:00:00Z", "end": "2025-01-15T00:00:00Z"}}
    evidence = {"a": {"@timestamp": "2025-01-14T03:00:00Z", "telephony.caller.range": "+2348035551"},
                "b": {"@timestamp": "2025-01-14T04:00:00Z", "telephony.caller.range": "+9230055512"},
                "relative": {"@timestamp": "2025-01-14T05:00:00Z", "telephony.caller.range": "+2348055559"}}

    def alert(*ids: str) -> HuntAlert:
        return HuntAlert("id", "corr_many_numbers", "t", "medium", "flood", "correlation",
                         "2025-01-14T03:00:00Z", "2025-01-14T05:00:00Z", len(ids), event_ids=list(ids))

    result = score([alert("a", "b"), alert("a", "b", "relative")], truth, evidence, {"telephony"})
    assert result.cross_incident_alerts == 1
    assert result.false_medium_plus == {"corr_many_numbers": 1}
    assert result.false_per_1k_employees_week == pytest.approx(1 / 2 / 2)  # 1 alert, 2k employees, 2 weeks
    assert result.false_medium_plus_alerts[0]["count"] == 3
