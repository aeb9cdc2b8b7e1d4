"""`strascico deploy ...`: push the pack's assets to a cluster, Kibana or ElastAlert2.

One module per subcommand; options they share are in options.py.
"""

from __future__ import annotations

import click

from .elastalert import elastalert
from .kibana import kibana
from .lock import lock
from .templates import templates


@click.group()
def deploy() -> None:
    """Deploy the pack: index templates, Kibana rules, ElastAlert2 rules (--dry-run: the plan)."""


for command in (templates, kibana, lock, elastalert):
    deploy.add_command(command)
