"""Benign portal traffic: citizens on the recruitment portal, HR opening a few records, probes."""

from __future__ import annotations

from datetime import date

from . import infra
from .clock import is_weekend
from .database import on_archive
from .population import RECORD_ID_BASE
from .records import NEGATIVE, DbStatement, WebRequest
from .world import World, amount, at_hours

PROBE_NEGATIVE = NEGATIVE + "uptime-probe-curl"
REPORT_EXPORT_NEGATIVE = NEGATIVE + "weekly-report-export"
PUBLIC_PAGES = (("/", 18_200), ("/bandi", 9_400), ("/bandi/2025/operatori-contact-centre", 12_800),
                ("/faq", 7_300), ("/static/app.js", 81_000), ("/static/style.css", 22_500),
                ("/privacy", 5_100), ("/contatti", 4_400))


def web_day(world: World, day: date) -> list[WebRequest | DbStatement]:
    """Portal requests of one day, with the database statements the application runs for them."""
    rng = world.rng("web", day)
    out: list[WebRequest | DbStatement] = []
    sessions = world.volume(0.06, rng, 0.5 if is_weekend(day) else 1.0)
    for _ in range(sessions):  # a citizen browses, logs in, looks at their own application
        ip, agent = infra.citizen_ip(rng), rng.choice(infra.BROWSERS)
        at = at_hours(day, rng, 7, 23)
        for _ in range(rng.randint(2, 4)):
            path, size = rng.choice(PUBLIC_PAGES)
            out.append(WebRequest(at, ip, "GET", path, 200, size + rng.randrange(200), agent))
            at += rng.randint(2, 40)
        if rng.random() < 0.4:
            record = RECORD_ID_BASE + rng.randrange(world.population.applicants)
            out.append(WebRequest(at, ip, "POST", "/area-riservata/login", 302, 0, agent))
            out.append(DbStatement(at, infra.APP_ACCOUNT, infra.WEB_APP_IP, infra.PORTAL_SCHEMA,
                                   "SELECT id, password_hash FROM utenti WHERE email = ?", connection=7))
            out.append(WebRequest(at + 3, ip, "GET", f"/area-riservata/domande/{record}", 200,
                                  14_000 + rng.randrange(900), agent, referer="https://portale.example.org/"))
    out += _hr_views(world, day)
    for hour in _probe_hours(world):  # the uptime probe: curl, but only on /health
        out.append(WebRequest(at_hours(day, rng, hour, hour + 0.01), "10.20.0.5", "GET", "/health", 200, 2,
                              infra.PROBE_AGENT, tag=PROBE_NEGATIVE))
    if day.weekday() == 0:  # Monday: the weekly report, a CSV export well under the large-export threshold
        hr = world.population.by_role("hr")[0]
        out.append(WebRequest(at_hours(day, rng, 9, 10), infra.office_ip(hr.index), "GET",
                              "/area-riservata/export/report-settimanale.csv", 200, 1_400_000 + rng.randrange(99_999),
                              infra.BROWSERS[0], tag=REPORT_EXPORT_NEGATIVE))
    return out


def _probe_hours(world: World) -> list[float]:
    count = max(1, min(24, round(24 * world.preset.activity)))
    return [i * 24 / count for i in range(count)]


def _hr_views(world: World, day: date) -> list[WebRequest | DbStatement]:
    """HR staff open a handful of applicant records on working days (never a burst)."""
    if is_weekend(day):
        return []
    rng = world.rng("hr-views", day)
    out: list[WebRequest | DbStatement] = []
    for person in world.population.by_role("hr"):
        at = at_hours(day, rng, 9, 17)
        for _ in range(amount(1.5 * min(1.0, 4 * world.preset.activity), rng)):
            record = RECORD_ID_BASE + rng.randrange(world.population.applicants)
            out.append(WebRequest(at, infra.office_ip(person.index), "GET", f"/area-riservata/candidati/{record}",
                                  200, 9_000 + rng.randrange(2_000), infra.BROWSERS[1]))
            out += on_archive(DbStatement(at, infra.APP_ACCOUNT, infra.WEB_APP_IP, infra.ARCHIVE_SCHEMA,
                                          f"SELECT id, nome, cognome, esito FROM candidati WHERE id = {record}",
                                          connection=7, rows=1, program="portale-app"))
            at += rng.randint(60, 900)
    return out
