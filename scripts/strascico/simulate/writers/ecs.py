"""ECS NDJSON (as Elastic Defend / Filebeat write it): process starts on the servers, portal logins."""

from __future__ import annotations

import orjson

from ..clock import iso_z
from ..records import DbStatement, Login, Process
from .base import Writer


def _line(doc: dict) -> str:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS).decode() + "\n"


class EcsProcessWriter(Writer):
    sink = "proc"
    format = "ecs-ndjson"
    path = "ecs/process.ndjson"
    logsource = "process_creation"

    def encode(self, p: Process) -> str:
        return _line({
            "@timestamp": iso_z(p.at),
            "event": {"category": ["process"], "action": "exec", "dataset": "endpoint.events.process"},
            "host": {"name": p.host},
            "user": {"name": p.user},
            "process": {"name": p.name, "executable": p.executable, "command_line": p.command_line,
                        "parent": {"name": p.parent}},
        })


class EcsAuthWriter(Writer):
    sink = "auth"
    format = "ecs-ndjson"
    path = "ecs/authentication.ndjson"
    logsource = "authentication"

    def encode(self, login: Login) -> str:
        source: dict = {"ip": login.ip}
        if login.country:
            source["geo"] = {"country_iso_code": login.country}
        return _line({
            "@timestamp": iso_z(login.at),
            "event": {"category": ["authentication"], "action": "user-login", "dataset": "portal.auth",
                      "outcome": "success" if login.success else "failure"},
            "host": {"name": login.host},
            "user": {"name": login.user},
            "source": source,
        })


class EcsDatabaseWriter(Writer):
    """The database activity monitor on db01: archive statements with rows returned and client program."""

    sink = "dam"
    format = "ecs-ndjson"
    path = "ecs/database.ndjson"
    logsource = "database"

    def encode(self, s: DbStatement) -> str:
        db: dict = {"system": {"name": "mariadb"}, "namespace": s.database, "query": {"text": s.query}}
        operation, table = _shape(s.query)
        if operation:
            db["operation"] = {"name": operation}
        if table:
            db["collection"] = {"name": table}
        if s.rows is not None:
            db["response"] = {"returned_rows": s.rows}
        doc: dict = {
            "@timestamp": iso_z(s.at),
            "event": {"category": ["database"], "action": "query", "dataset": "dam.statement",
                      "outcome": "success" if s.retcode == 0 else "failure"},
            "host": {"name": "db01"}, "user": {"name": s.user}, "source": {"ip": s.client}, "db": db,
        }
        if s.program:
            doc["process"] = {"name": s.program}
        return _line(doc)


def _shape(query: str) -> tuple[str, str]:
    """(operation, table) of the simple statements the scenario writes: first word, name after FROM."""
    words = query.replace("`", "").replace("*/", "*/ ").split()
    operation = words[0].upper() if words else ""
    upper = [w.upper() for w in words]
    table = words[upper.index("FROM") + 1].rstrip(";") if "FROM" in upper[:-1] else ""
    return operation, table
