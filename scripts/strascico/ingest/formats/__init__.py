"""Registry of ingest formats: name → "module:Class", imported only when used."""

from __future__ import annotations

import importlib

from ..base import Format

FORMATS: dict[str, str] = {
    "asterisk-cdr-csv": "asterisk:AsteriskCdrCsv",
    "freeswitch-cdr-csv": "freeswitch:FreeswitchCdrCsv",
    "cisco-cucm-cdr": "cucm:CiscoCucmCdr",
    "teams-pstn-json": "teams:TeamsPstnJson",
    "kamailio-acc": "kamailio:KamailioAcc",
    "kannel-access": "kannel:KannelAccess",
    "twilio-messages-json": "twilio:TwilioMessagesJson",
    "mariadb-audit": "mariadb:MariadbAudit",
    "pgaudit": "pgaudit:PgAudit",
    "nginx-combined": "nginx:NginxCombined",
    "ecs-ndjson": "ecs:EcsNdjson",
    "report-csv": "reports:ReportCsv",
    "report-json": "reports:ReportJson",
}


def format_class(name: str) -> type[Format]:
    """The Format class registered under `name`."""
    module_name, class_name = FORMATS[name].split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)
