"""Per-site values for the rules' `|expand` placeholders (e.g. the scheduled backup's account).

Each placeholder is set by an environment variable holding a comma-separated list; Sigma
wildcards (`*`, `?`) are allowed. Unset, a placeholder gets one value no real event carries
(`unset-<VARIABLE>`), so a filter built on it excepts nothing and the rule alerts as it did
before the setting existed. The sentinel shows in the generated query, which tells a reader the
site never configured it.
"""

from __future__ import annotations

import os

# placeholder name (as written in rules: `%backup_accounts%`) -> environment variable
SITE_PLACEHOLDERS: dict[str, str] = {
    "backup_accounts": "STRASCICO_BACKUP_ACCOUNTS",  # user.name of the scheduled backup job
    "backup_hosts": "STRASCICO_BACKUP_HOSTS",  # host.name where that job runs
}


def unset_value(placeholder: str) -> str:
    """What an unconfigured placeholder expands to: matches nothing, says why."""
    return f"unset-{SITE_PLACEHOLDERS[placeholder]}"


def parse_list(text: str) -> list[str]:
    """`"backup, svc_bck"` -> `["backup", "svc_bck"]`; blanks dropped."""
    return [item.strip() for item in text.split(",") if item.strip()]


def site_placeholders(site: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every placeholder's values: from `site` if given, else the environment, else unset."""
    resolved: dict[str, list[str]] = {}
    for name, variable in SITE_PLACEHOLDERS.items():
        values = (site or {}).get(name) if site is not None else parse_list(os.environ.get(variable, ""))
        resolved[name] = list(values) if values else [unset_value(name)]
    return resolved
