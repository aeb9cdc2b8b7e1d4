"""The demo report: report.json (source of truth) → report.html (self-contained) and report.md."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from ..report.html import page, table
from ..report.svg import stacked_bars
from .pipeline import DemoRun


def report_data(run: DemoRun, days: list[str], series: dict[str, list[int]]) -> dict[str, Any]:
    assert run.hunt is not None and run.score is not None
    summary = run.hunt.summary()
    per_rule: dict[str, dict[str, Any]] = {}
    for alert in run.hunt.alerts:
        row = per_rule.setdefault(alert.rule, {"rule": alert.rule, "title": alert.title, "level": alert.level,
                                               "stage": alert.stage, "kind": alert.kind, "alerts": 0, "events": 0})
        row["alerts"] += 1
        row["events"] += alert.count
    for rule, count in run.score.false_alerts.items():
        per_rule[rule]["false_alerts"] = count
    return {
        "scenario": {k: run.manifest.get(k) for k in ("scenario", "seed", "size", "timezone")},
        "truth": {k: run.truth.get(k) for k in ("period", "breach", "flood", "cohort")},
        "ingest": [asdict(r) for r in run.ingest],
        "watchlist_hashes": run.watchlist_size,
        "known_contacts": run.known_contacts,
        "hunt": summary,
        "score": run.score.to_dict(),
        "rules": sorted(per_rule.values(), key=lambda r: (r["stage"], r["rule"])),
        "timeline": {"days": days, "series": series},
    }


def _markers(data: dict[str, Any]) -> dict[str, str]:
    markers = {}
    for label, section in (("breach", "breach"), ("flood", "flood")):
        start = (data["truth"].get(section) or {}).get("start")
        if start:
            markers[label] = start[:10]
    return markers


def render_html(data: dict[str, Any]) -> str:
    score, link = data["score"], data["hunt"]["link"]
    found = sum(i["found"] for i in score["incidents"])
    overview = (f"<p>{found} of {len(score['incidents'])} planted incidents found (recall {score['recall']:.0%}; "
                f"{score['rule_recall']:.0%} of the expected rule firings). {score['alerts']} alerts: "
                f"{score['false_alerts']} false, {score['building_block_alerts']} from building-block rules "
                "that match every foreign contact by design (they feed the correlations); "
                f"{score['false_medium_plus']} false alerts at medium or above, "
                f"{score['false_per_1k_employees_week']:.2f} per 1,000 employees per week.</p>"
                f"<p>Flood victims: {link['flood_victims']} — {link['in_exposed_cohort']} in the exposed cohort, "
                f"{link['not_in_cohort']} outside. The flood began "
                f"{link['flood_began_days_after_first_breach_signal']} days after the first breach signal.</p>")
    chart = stacked_bars("Inbound contacts from abroad per day, by channel and calling code",
                         data["timeline"]["days"], data["timeline"]["series"], _markers(data))
    unseen = "".join(f"<p class=\"note\">Not observable: {i['id']} — no {', '.join(i['logsources'])} data "
                     "was ingested.</p>" for i in score["not_observable"])
    incidents = unseen + table(("incident", "stage", "start", "found", "rules that fired", "rules that did not"),
                      [(i["id"], i["stage"], i["start"], "yes" if i["found"] else "NO", ", ".join(i["fired_rules"]),
                        ", ".join(i["missed_rules"])) for i in score["incidents"]])
    rules = table(("rule", "stage", "level", "kind", "alerts", "events", "false alerts"),
                  [(r["rule"], r["stage"], r["level"], r["kind"], r["alerts"], r["events"], r.get("false_alerts", 0))
                   for r in data["rules"]])
    ingest = table(("format", "file", "read", "indexed", "skipped", "rejected", "refused"),
                   [(r["format"], r["path"], r["read"], r["indexed"], r["skipped"], r["rejected"], r["refused"])
                    for r in data["ingest"]])
    stages = Counter({k: v["alerts"] for k, v in data["hunt"]["stages"].items()})
    return page("strascico demo: breach → flood", [
        ("Overview", overview + f"<p class=\"note\">Alerts per stage: {dict(stages)}. Scenario "
                                f"{data['scenario']}.</p>"),
        ("Campaign timeline", chart),
        ("Planted incidents", incidents),
        ("Hits per rule", rules),
        ("Ingest", ingest + f"<p class=\"note\">Exposed cohort: {data['watchlist_hashes']} keyed hashes; "
                            "no phone number of the applicant archive is stored.</p>"),
    ])


def render_markdown(data: dict[str, Any]) -> str:
    score = data["score"]
    lines = ["# strascico demo", "", f"Recall {score['recall']:.0%} over {len(score['incidents'])} planted incidents; "
             f"{score['alerts']} alerts, {score['false_alerts']} false.", "", "| incident | found | missed rules |",
             "|---|---|---|"]
    lines += [f"| {i['id']} | {'yes' if i['found'] else 'NO'} | {', '.join(i['missed_rules'])} |"
              for i in score["incidents"]]
    return "\n".join(lines) + "\n"
