"""SQL heuristics shared by the database audit formats (not a parser; limits in each docstring)."""

from __future__ import annotations

import re

MAX_RECORD_LINES = 200  # a quoted statement longer than this is a truncated record
# SQL: string literals and comments are masked before looking for keywords and table names.
_MASK = re.compile(r"'(?:[^'\\]|\\.|'')*'|/\*.*?\*/|--[^\n]*", re.S)
_KEYWORD = re.compile(r"[A-Za-z_]+")
_IDENT = r"[`\"]?[\w$]+[`\"]?"
# a lookahead, so "INTO TABLE t" can match both at INTO (skipped: TABLE) and at TABLE
_TABLE = re.compile(rf"(?=\b(?:FROM|INTO|UPDATE|TABLE|JOIN|COPY)\s+"
                    rf"(?:(?:ONLY|IGNORE|LOW_PRIORITY|IF|NOT|EXISTS)\s+)*({_IDENT}(?:\.{_IDENT})?))",
                    re.I)
_WHITESPACE = re.compile(r"\s+")
_NOT_TABLES = {"OUTFILE", "DUMPFILE", "TABLE", "SELECT", "LOCAL", "STDIN", "STDOUT", "PROGRAM",
               "TEMPORARY", "DUAL", "LATERAL"}


def statement_fields(query: str) -> dict[str, str]:
    """`db.query.text` with every run of whitespace made one space, the logged text beside it.

    Rules match phrases such as `select ? from` or `into outfile` with single spaces; a
    statement written over several lines, or with tabs, would escape them. String literals are
    collapsed too: detection only ever gains from it (a phrase inside a literal already matched
    when typed with one space), and the exact statement stays in `db.query.text_original`,
    which is set only when it differs.
    """
    collapsed = _WHITESPACE.sub(" ", query).strip()
    fields = {"db.query.text": collapsed}
    if collapsed != query:
        fields["db.query.text_original"] = query
    return fields


def _masked(query: str) -> str:
    return _MASK.sub(lambda m: "''" if m.group(0).startswith("'") else " ", query)


def sql_operation(query: str) -> str | None:
    """The statement's first keyword, upper case (SELECT, COPY, ...)."""
    match = _KEYWORD.search(_masked(query).lstrip(" \t\r\n(;"))
    return match.group(0).upper() if match and match.start() == 0 else None


def sql_collection(query: str) -> str | None:
    """First table named after FROM/INTO/UPDATE/TABLE/JOIN/COPY, schema kept, quotes removed.

    A heuristic, not a parser: `INTO OUTFILE`, `INTO @var`, subqueries `FROM (` are skipped, but
    `EXTRACT(YEAR FROM col)` yields the column and a statement on several tables gives the first.
    """
    for match in _TABLE.finditer(_masked(query)):
        name = match.group(1).replace("`", "").replace('"', "")
        if name.upper() not in _NOT_TABLES:
            return name
    return None
