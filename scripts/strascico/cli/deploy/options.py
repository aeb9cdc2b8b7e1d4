"""Options the deploy subcommands share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ...deploy.lock import LOCK_FILE

rules_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
lock_option = click.option(
    "--lock",
    "lock_path",
    type=click.Path(path_type=Path),
    default=Path(LOCK_FILE),
    show_default=True,
    help="Version lock file (rule id → content hash → version).",
)


def kibana_options(func: Callable) -> Callable:
    """--kibana-url / --space / --ca-cert / --insecure; secrets only from KIBANA_* env or files."""
    func = click.option(
        "--insecure", is_flag=True, help="Do not verify TLS certificates (never the default)."
    )(func)
    func = click.option(
        "--ca-cert",
        type=click.Path(exists=True, dir_okay=False),
        help="CA bundle for TLS verification [env: KIBANA_CA_CERT].",
    )(func)
    func = click.option("--space", help="Kibana space id [env: KIBANA_SPACE; default: default].")(
        func
    )
    func = click.option(
        "--kibana-url",
        help="Kibana URL [env: KIBANA_URL]; auth from KIBANA_API_KEY(_FILE) "
        "or KIBANA_USERNAME + KIBANA_PASSWORD(_FILE).",
    )(func)
    return func
