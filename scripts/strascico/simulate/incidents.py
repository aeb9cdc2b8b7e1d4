"""The ground truth's catalogue: every planted incident and hard negative, and the rules meant for it.

`detected_by` names the rules (their `name:`) whose conditions the incident's own events meet
by construction, correlation thresholds and timespans included; `match` holds taxonomy fields
(a list means any of) that, with the incident's [start, end], select its events after ingest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import breach, flood_messages as fm, flood_reports as fr, flood_voice as fv, infra
from .background_messages import JOB_TALK_SENDERS
from .numbering import FLOOD_BLOCKS, PENSIONER_BLOCKS
from .world import World

# Rules that match every event of a kind by design, to feed correlations (rules/correlation/, level low).
BUILDING_BLOCKS = ("db_select_on_applicant_archive", "messaging_inbound_foreign_message",
                   "telephony_service_line_abandoned_foreign",
                   "telephony_inbound_foreign_call", "web_applicant_record_request")
IN_CALL, IN_MSG = "telephony_inbound_foreign_call", "messaging_inbound_foreign_message"
EXPOSED_CALL, EXPOSED_MSG = "telephony_exposed_cohort_foreign_contact", "messaging_exposed_cohort_foreign_contact"
CALLER_MANY, RANGE_MANY = "corr_flood_caller_hits_many_employees", "corr_flood_range_hits_many_employees"
EMPLOYEE_MANY = "corr_flood_employee_hit_by_many_foreign_numbers"
SCAM, LINK, INVITE = "messaging_job_scam_opener_foreign", "messaging_foreign_message_with_link", \
    "messaging_whatsapp_invitation_foreign"
# What ingest must be given for a rule to be able to fire (see ground truth "prerequisites").
NEEDS_WATCHLIST = (EXPOSED_CALL, EXPOSED_MSG)
NEEDS_BLOCKLIST = ("telephony_contact_from_blocked_range", "messaging_contact_from_blocked_range",
                   "corr_flood_number_rotation_after_block")
REPORT_RULES = ("user_report_foreign_contact", "corr_flood_user_report_surge", "user_report_campaign_opener_text",
                "corr_flood_reported_number_many_reporters", "corr_flood_reported_range_many_reporters",
                "corr_flood_user_report_department_burst", "corr_flood_reported_number_in_telephony",
                "corr_flood_reported_number_in_messaging")
NEEDS_HELPDESK = REPORT_RULES


@dataclass(frozen=True)
class Incident:
    id: str
    stage: str
    kind: str
    logsources: tuple[str, ...]
    detected_by: tuple[str, ...]
    match: dict[str, object]
    description: str
    context: tuple[str, ...] = ()  # logsources whose events cross-logsource rules also read


@dataclass(frozen=True)
class Negative:
    kind: str
    logsources: tuple[str, ...]
    match: dict[str, object]
    description: str
    allowed: tuple[str, ...] = field(default=())  # building blocks that match by design (never alerts)


def _range(block: str) -> dict[str, object]:
    return {"telephony.caller.range": FLOOD_BLOCKS[block].prefix}


def breach_incidents() -> list[Incident]:
    db = ("database",)
    return [
        Incident(breach.LOGIN, "breach", "admin-login-abroad", ("authentication",),
                 ("auth_portal_login_outside_allowed_countries",), {"source.ip": infra.ATTACKER_IP},
                 "The stolen archive-administrator account logs in to the portal from abroad (two typos first)."),
        Incident(breach.ENUMERATION, "breach", "web-enumeration", ("webserver",),
                 ("web_applicant_record_request", "web_scripted_client_on_applicant_records",
                  "corr_breach_web_record_enumeration"),
                 {"source.ip": infra.ATTACKER_IP, "user_agent.original": infra.SCRAPER_AGENT},
                 "A script walks the applicant record ids one after another through the portal."),
        Incident(breach.ENUMERATION_ECHO, "breach", "app-account-burst", db,
                 ("db_select_on_applicant_archive", "corr_breach_archive_statements_by_principal"),
                 {"user.name": infra.APP_ACCOUNT, "db.namespace": infra.ARCHIVE_SCHEMA},
                 "The portal's own database account reads one applicant per scraped page (audit and monitor)."),
        Incident(breach.EXPORT, "breach", "large-export", ("webserver",),
                 ("web_large_export_response", "web_applicant_record_request"),
                 {"source.ip": infra.ATTACKER_IP, "url.path": "/area-riservata/export/candidati.csv"},
                 "The whole applicant list downloaded as one 14 MiB CSV."),
        Incident(breach.BULK_READ, "breach", "bulk-read", db,
                 ("db_select_on_applicant_archive", "corr_breach_archive_statements_by_principal",
                  "db_select_star_without_where_applicant_archive", "db_bulk_read_applicant_archive",
                  "db_export_statement_to_server_file"),
                 {"user.name": infra.STOLEN_ACCOUNT, "source.ip": infra.WEB_APP_IP},
                 "Paged reads, SELECT * of the archive tables, an INTO OUTFILE attempt, by the stolen principal."),
        Incident(breach.DUMP_SESSION, "breach", "dump-session", db,
                 ("db_select_on_applicant_archive", "db_dump_client_on_applicant_archive",
                  "db_bulk_read_applicant_archive"),
                 {"user.name": infra.STOLEN_ACCOUNT, "source.ip": "127.0.0.1"},
                 "mysqldump's session on the archive, seen by the audit plugin and the activity monitor."),
        Incident(breach.HOST_DUMP, "breach", "host-dump", ("process_creation",),
                 ("proc_lnx_db_dump_tool_execution", "proc_lnx_db_dump_of_applicant_archive"),
                 {"host.name": infra.DB_HOST, "user.name": infra.ATTACKER_SHELL_USER, "process.name": "mysqldump"},
                 "mysqldump of the archive tables started from an interactive shell, outside the backup."),
        Incident(breach.ARCHIVE_UPLOAD, "breach", "archive-and-upload", ("process_creation",),
                 ("proc_lnx_archive_of_db_dump_files", "proc_lnx_upload_of_dump_or_archive",
                  "corr_breach_archive_then_upload_same_host"),
                 {"host.name": infra.DB_HOST, "user.name": infra.ATTACKER_SHELL_USER,
                  "process.name": ["7z", "curl", "scp"]},
                 "The dump packed with 7z, then sent out with curl -T and scp within the hour."),
    ]


def flood_incidents(world: World, outsiders: int) -> list[Incident]:
    """Flood waves; claims that depend on the population's size are made only when they hold."""
    voice, msg, both = ("telephony",), ("messaging",), ("telephony", "messaging")
    random_claims = (IN_CALL, "telephony_robocall_short_answered_high_risk") + \
        ((CALLER_MANY,) if outsiders >= 5 else ()) + ((RANGE_MANY,) if outsiders >= 10 else ())
    return [
        Incident(fv.WANGIRI, "flood", "wangiri", voice,
                 (IN_CALL, "telephony_wangiri_one_ring_foreign", EXPOSED_CALL, CALLER_MANY, RANGE_MANY),
                 _range("ng-a"), "One-ring bursts (ring ≤ 3 s) from a Nigerian range across the exposed cohort."),
        Incident(fv.CALLBACK, "flood", "callback", voice,
                 ("telephony_callback_to_high_risk_or_premium", "corr_flood_callback_after_one_ring"),
                 {"network.direction": "outbound", "telephony.callee.range": FLOOD_BLOCKS["ng-a"].prefix},
                 "Employees ring the missed Nigerian numbers back from their desk phones.",
                 context=voice),  # the one-ring calls they return belong to flood-wangiri
        Incident(fv.ROBOCALL, "flood", "robocall", voice,
                 (IN_CALL, "telephony_robocall_short_answered_high_risk", "telephony_robocall_caller_name_pattern",
                  EXPOSED_CALL, CALLER_MANY, RANGE_MANY),
                 _range("pk-a"), "Pre-recorded recruiter calls (about 17 s) with recruiter caller names."),
        Incident(fv.NIGHT, "flood", "night-calls", voice,
                 (IN_CALL, "telephony_night_call_high_risk_country", EXPOSED_CALL, RANGE_MANY),
                 _range("bd-a"), "Calls between 22:00 and 07:00 Rome time from a Bangladeshi range."),
        Incident(fv.IRSF, "flood", "wangiri-irsf", voice,
                 (IN_CALL, "telephony_wangiri_one_ring_foreign", "telephony_premium_rate_or_irsf_caller",
                  EXPOSED_CALL, CALLER_MANY),
                 _range("tn-a"), "One-ring bursts from a Tunisian range (an IRSF destination) every week."),
        Incident(fv.SWITCHBOARD, "flood", "switchboard", voice, ("telephony_service_line_abandoned_foreign",),
                 _range("ng-d"), "The dialler rings the public service number too: one-ring calls abandoned in "
                 "the queue, context for the hunt, never a flood alert (nobody's own line rang)."),
        Incident(fv.RANDOM, "flood", "random-dialling", voice, random_claims, _range("in-a"),
                 "Robocalls to employees outside the leaked cohort: the range is dialled, not the archive."),
        Incident(fv.ROTATION, "flood", "rotation-after-block", voice,
                 (IN_CALL, EXPOSED_CALL, EMPLOYEE_MANY, "telephony_contact_from_blocked_range",
                  "corr_flood_number_rotation_after_block"),
                 _range("pk-b"), "A victim blocks one number; the call is barred; the next three numbers get through."),
        Incident(fm.SMS, "flood", "sms-job-scam", msg, (IN_MSG, SCAM, LINK, INVITE, EXPOSED_MSG, CALLER_MANY),
                 _range("id-a"), "SMS openers and part-time job offers with links, one sender to many employees."),
        Incident(fm.WHATSAPP, "flood", "whatsapp-job-scam", msg, (IN_MSG, SCAM, LINK, INVITE, EXPOSED_MSG, CALLER_MANY),
                 _range("ng-b"), "WhatsApp 'hello dear' job offers with wa.me and group-invite links."),
        Incident(fm.SMS_ROTATION, "flood", "sms-rotation-after-block", msg,
                 (IN_MSG, SCAM, EXPOSED_MSG, EMPLOYEE_MANY, "messaging_contact_from_blocked_range"),
                 _range("ng-c"), "The gateway black-lists a sender; the next numbers of its range write anyway."),
        Incident(fm.BOMBARDMENT, "flood", "bombardment", both,
                 (IN_CALL, IN_MSG, EXPOSED_CALL, EXPOSED_MSG, EMPLOYEE_MANY, SCAM, LINK, INVITE),
                 _range("bd-b"), "One employee, five numbers of one range, voice, SMS and WhatsApp in an afternoon."),
        Incident(fr.REPORTS, "flood", "user-reports", ("user_report",), REPORT_RULES,
                 {"event.action": "contact-reported",
                  "telephony.caller.country_code": sorted({b.country_code for b in FLOOD_BLOCKS.values()}, key=int)},
                 "Some employees report the foreign contacts, through a helpdesk ticket or the company form, "
                 "also those that reached personal phones no gateway logs; on day 0 one WhatsApp number writes to "
                 "six colleagues (three or more of one department) and all of them report it.",
                 ("telephony", "messaging")),
    ]


def negatives(world: World) -> list[Negative]:
    relatives = sorted(e.relative for e in world.families if e.relative)
    it = world.population.by_role("it")[0].user_name
    return [
        Negative("family-abroad-call", ("telephony",), {"telephony.caller.number": relatives},
                 "Relatives in Nigeria, Bangladesh, ... call employees, the exposed cohort too, in their own day "
                 "(the Italian night for some): long and short calls, calls left to ring, one-ring flashes. "
                 "Known contacts (learnt before the flood) keep every flood rule silent on them.",
                 (IN_CALL,)),
        Negative("supplier-abroad-call", ("telephony",),
                 {"telephony.caller.number": sorted({number for number, _, _ in world.suppliers})},
                 "Foreign suppliers' offices call the IT and HR staff they work with; some calls drop after one "
                 "ring. Known to the organisation, like the relatives.", (IN_CALL,)),
        Negative("family-abroad-message", ("messaging",), {"telephony.caller.number": relatives},
                 "The same relatives write on WhatsApp (no links, no job words).", (IN_MSG,)),
        Negative("citizen-abroad-call", ("telephony",),
                 {"telephony.caller.range": [b.prefix for b in PENSIONER_BLOCKS]},
                 "Citizens abroad (Switzerland to Bangladesh) call the toll-free number in their own daytime, "
                 "at any Italian hour; three in ten hang up within seconds in the queue.",
                 (IN_CALL, "telephony_service_line_abandoned_foreign")),
        Negative("delivery-sms-with-link", ("messaging",), {"telephony.caller.number_original": "CorriereX"},
                 "Courier SMS with a tracking link from an alphanumeric sender."),
        Negative("domestic-job-talk", ("messaging",), {"telephony.caller.number": list(JOB_TALK_SENDERS)},
                 "Italian friends talk about part-time jobs and WhatsApp (job words, but domestic)."),
        Negative("uptime-probe-curl", ("webserver",), {"user_agent.original": infra.PROBE_AGENT, "url.path": "/health"},
                 "The uptime probe: a scripted client, never on applicant pages."),
        Negative("weekly-report-export", ("webserver",),
                 {"url.path": "/area-riservata/export/report-settimanale.csv"},
                 "Monday's CSV export, well under the large-export threshold."),
        Negative("nightly-backup", ("process_creation",), {"user.name": infra.BACKUP_ACCOUNT},
                 "02:30 from cron: mysqldump of the live portal schema, gzip; Sundays rsync to an internal host."),
        Negative("admin-log-bundle-to-internal-host", ("process_creation",),
                 {"host.name": infra.DB_HOST, "user.name": it, "process.name": ["tar", "scp"]},
                 "IT packs log files (not dumps) and copies them to a private address."),
        Negative("hr-archive-report", ("database",), {"user.name": infra.REPORT_ACCOUNT},
                 "Monday statistics on the archive: three filtered statements.", ("db_select_on_applicant_archive",)),
        Negative(fr.SPAM, ("user_report",), {"event.action": "contact-reported", "telephony.caller.country_code": "39"},
                 "Employees report ordinary Italian telemarketing: domestic numbers, no campaign wording."),
        Negative("it-remote-login", ("authentication",), {"source.geo.country_iso_code": "IT"},
                 "IT staff log in from home, geolocated in Italy."),
        Negative("failed-login-abroad", ("authentication",),
                 {"event.outcome": "failure", "source.geo.country_iso_code": list(infra.FOREIGN_LOGIN_NOISE)},
                 "Credential stuffing from abroad that never succeeds."),
    ]
