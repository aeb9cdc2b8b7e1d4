"""Benign operations: the nightly backup, log rotation, IT administration, portal logins, reports."""

from __future__ import annotations

from datetime import date

from . import infra
from .clock import is_weekend, local_ts
from .database import session
from .records import NEGATIVE, Login, Process, Record
from .world import World, amount, at_hours

BACKUP_NEGATIVE = NEGATIVE + "nightly-backup"
LOG_BUNDLE_NEGATIVE = NEGATIVE + "admin-log-bundle-to-internal-host"
REPORT_NEGATIVE = NEGATIVE + "hr-archive-report"
REMOTE_LOGIN_NEGATIVE = NEGATIVE + "it-remote-login"
FAILED_ABROAD_NEGATIVE = NEGATIVE + "failed-login-abroad"
REPORT_QUERIES = ("SELECT COUNT(*) FROM graduatoria WHERE esito = 'idoneo'",
                  "SELECT provincia, COUNT(*) FROM candidati WHERE esito = 'assunto' GROUP BY provincia")


def ops_day(world: World, day: date) -> list[Record]:
    """Process starts, database sessions and logins of one day that are not the attack."""
    rng = world.rng("ops", day)
    out: list[Record] = _backup(day, rng.randint(0, 300))
    if day.weekday() == 6:  # Sunday: logrotate compresses the portal's logs (not dump files)
        out.append(Process(at_hours(day, rng, 0.1, 0.2), infra.PORTAL_HOST, "root", "gzip", "/usr/bin/gzip",
                           "gzip /var/log/nginx/access.log.1", "logrotate"))
    it_staff = world.population.by_role("it")
    if day.day == 5:  # once a month IT bundles the database logs for a ticket and copies them internally
        admin = it_staff[0].user_name
        at = at_hours(day, rng, 10, 11)
        out += [Process(at, infra.DB_HOST, admin, "tar", "/usr/bin/tar",
                        "tar czf /tmp/mariadb-logs.tgz /var/log/mysql/error.log /var/log/mysql/slow.log", "bash",
                        tag=LOG_BUNDLE_NEGATIVE),
                Process(at + 40, infra.DB_HOST, admin, "scp", "/usr/bin/scp",
                        f"scp /tmp/mariadb-logs.tgz {admin}@10.20.0.60:/srv/tickets/", "bash", tag=LOG_BUNDLE_NEGATIVE)]
    if day.weekday() == 0:  # Monday: HR's statistics job reads the archive with filtered counts
        out += session(at_hours(day, rng, 7, 7.5), infra.REPORT_ACCOUNT, infra.WEB_APP_IP, infra.ARCHIVE_SCHEMA, 31,
                       [(q, 1) for q in REPORT_QUERIES], "reportistica", REPORT_NEGATIVE, gap=2)
    out += _logins(world, day)
    return out


def _backup(day: date, jitter: int) -> list[Record]:
    """02:30 from cron: the backup account dumps the live portal schema and compresses it; Sundays it ships them."""
    # the audit plugin excludes the backup account (server_audit_excl_users): the job shows as processes only
    at = local_ts(day, 2.5 * 3600) + jitter
    dump = f"/var/backups/mysql/portale-{day:%Y%m%d}.sql"
    out: list[Record] = [
        Process(at, infra.DB_HOST, infra.BACKUP_ACCOUNT, "mysqldump", "/usr/bin/mysqldump",
                f"mysqldump --single-transaction --routines --result-file={dump} portale", "cron", tag=BACKUP_NEGATIVE),
        Process(at + 360, infra.DB_HOST, infra.BACKUP_ACCOUNT, "gzip", "/usr/bin/gzip", f"gzip -9 {dump}", "cron",
                tag=BACKUP_NEGATIVE),
    ]
    if day.weekday() == 6:
        out.append(Process(at + 420, infra.DB_HOST, infra.BACKUP_ACCOUNT, "rsync", "/usr/bin/rsync",
                           f"rsync -a /var/backups/mysql/ backup@{infra.BACKUP_STORE}:/srv/backup/db01/ "
                           f"--include=*.sql.gz", "cron", tag=BACKUP_NEGATIVE))
    return out


def _logins(world: World, day: date) -> list[Record]:
    rng = world.rng("logins", day)
    out: list[Record] = []
    if not is_weekend(day):
        chance = min(1.0, world.preset.activity)
        for person in world.population.employees:
            if person.role in ("hr", "it", "team-leader") and rng.random() < chance:
                out.append(Login(at_hours(day, rng, 8, 10), person.user_name, infra.office_ip(person.index), None,
                                 rng.random() > 0.03))
        for n, person in enumerate(world.population.by_role("it")):  # IT from home: geolocated in Italy
            if rng.random() < 0.3 * min(1.0, 4 * world.preset.activity) or (n == 0 and day.weekday() == 3):
                out.append(Login(at_hours(day, rng, 18, 21), person.user_name, infra.home_ip(rng), "IT", True,
                                 tag=REMOTE_LOGIN_NEGATIVE))
    stuffing = amount(0.5 * min(1.0, 4 * world.preset.activity), rng) or int(day.weekday() == 5)
    for _ in range(stuffing):  # credential stuffing from abroad: always fails, at least on Saturdays
        user = rng.choice(("admin", "test", rng.choice(world.population.employees).user_name))
        out.append(Login(at_hours(day, rng, 0, 24), user, f"203.0.113.{rng.randrange(200, 250)}",
                         rng.choice(infra.FOREIGN_LOGIN_NOISE), False, tag=FAILED_ABROAD_NEGATIVE))
    return out
