"""Kamailio: rows of the userblocklist module's `userblocklist` table, as SQL or as a db_text file.

Schema from Kamailio's own files (`userblocklist-create.sql`, dbtext `userblocklist`):
id, username, domain, prefix, allowlist (0 = block). The module matches digits only and skips
non-digits at the start of the number, so prefixes are written without '+'. Every row is for
one pseudo user (default `strascico`); kamailio.cfg checks the caller against it with
`if (!check_user_blocklist("strascico", "$rd", "$fU", "userblocklist")) { sl_send_reply("603", "Decline"); exit; }`
(the domain argument may not be empty; with use_domain=0, the default, it is not compared).
The SQL replaces that user's rows in one transaction (idempotent); the db_text file is the whole
table, with an empty domain, which db_text reads only with `modparam("db_text", "emptystring", 1)`
(an empty field is NULL otherwise, and the NOT NULL column refuses the file).
"""

from __future__ import annotations

from ..plan import BlockPlan
from .base import ExportContext, Exporter, provenance


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class KamailioSql(Exporter):
    name = "kamailio-sql"
    filename = "kamailio-userblocklist.sql"
    summary = "Kamailio: SQL replacing the userblocklist rows of one pseudo user (MySQL, PostgreSQL, SQLite)"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        user = _sql_text(context.kamailio_user)
        lines = [f"-- {provenance(context)}",
                 (f"-- check in kamailio.cfg: check_user_blocklist(\"{context.kamailio_user}\", \"$rd\", \"$fU\", "
                  "\"userblocklist\")"),
                 "BEGIN;", f"DELETE FROM userblocklist WHERE username = {user} AND domain = '';"]
        for entry in plan.active():
            lines.append(f"INSERT INTO userblocklist (username, domain, prefix, allowlist) VALUES ({user}, '', "
                         f"{_sql_text(entry.digits)}, 0);  -- review by {entry.review_by or entry.expires or '-'}")
        lines.append("COMMIT;")
        return "\n".join(lines) + "\n"


class KamailioDbtext(Exporter):
    name = "kamailio-dbtext"
    filename = "userblocklist"
    summary = "Kamailio: the userblocklist table as a db_text file (the whole table)"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        user = context.kamailio_user.replace("\\", "\\\\").replace(":", "\\:")
        lines = ["id(int,auto) username(string) domain(string) prefix(string) allowlist(int)"]
        lines += [f"{i}:{user}::{entry.digits}:0" for i, entry in enumerate(plan.active(), start=1)]
        return "\n".join(lines) + "\n"
