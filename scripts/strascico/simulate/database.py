"""Database statements as db01's two sensors see them: the audit plugin and the activity monitor."""

from __future__ import annotations

from dataclasses import replace

from . import infra
from .records import DbStatement


def on_archive(statement: DbStatement) -> list[DbStatement]:
    """A statement on the exam archive: the audit log's copy and the activity monitor's copy.

    The monitor (ECS feed) watches only the archive schema and adds what the audit plugin
    cannot give: rows returned and the client program.
    """
    assert statement.database == infra.ARCHIVE_SCHEMA
    return [statement, replace(statement, sink="dam")]


def session(at: int, user: str, client: str, schema: str, connection: int, queries: list[tuple[str, int | None]],
            program: str, tag: str = "", gap: int = 1) -> list[DbStatement]:
    """CONNECT, the statements (`gap` seconds apart), DISCONNECT; archive statements also to the monitor."""
    out = [DbStatement(at, user, client, schema, "", "CONNECT", connection, tag=tag)]
    for i, (query, rows) in enumerate(queries, start=1):
        stmt = DbStatement(at + i * gap, user, client, schema, query, connection=connection, rows=rows,
                           program=program, tag=tag)
        out += on_archive(stmt) if schema == infra.ARCHIVE_SCHEMA else [stmt]
    out.append(DbStatement(at + (len(queries) + 1) * gap, user, client, schema, "", "DISCONNECT", connection,
                           tag=tag))
    return out
