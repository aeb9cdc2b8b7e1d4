"""MariaDB Audit Plugin (server_audit, file output) of the archive database server db01."""

from __future__ import annotations

from ..clock import local_text
from ..records import DbStatement
from .base import Writer

SERVER = "db01"


def audit_quote(query: str) -> str:
    """The statement as the plugin writes it: single-quoted, ' and \\ escaped, newlines as \\n."""
    return "'" + query.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


class MariadbWriter(Writer):
    sink = "db"
    format = "mariadb-audit"
    path = "mariadb/server_audit.log"
    logsource = "database"

    def start(self) -> None:
        self.query_id = 1000

    def encode(self, s: DbStatement) -> str:
        when = local_text(s.at, "%Y%m%d %H:%M:%S")
        if s.operation == "QUERY":
            self.query_id += 1
            return (f"{when},{SERVER},{s.user},{s.client},{s.connection},{self.query_id},QUERY,{s.database},"
                    f"{audit_quote(s.query)},{s.retcode}\n")
        return f"{when},{SERVER},{s.user},{s.client},{s.connection},0,{s.operation},{s.database},,{s.retcode}\n"
