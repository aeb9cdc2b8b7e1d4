"""The `strascico` command line: thin commands over the library, errors turned into exit codes.

Exit codes (also in the README): 0 success, 1 findings or failing test cases,
2 usage/input/connection errors, 130 interrupted.
"""

from __future__ import annotations

import sys

import click

from ..errors import ExitCode, StrascicoError
from .attribute import attribute
from .check import check
from .convert import convert
from .demo import demo
from .deploy import deploy
from .docs import docs
from .ingest import ingest
from .report import report
from .simulate import simulate
from .watchlist import watchlist
from .es import es
from .hunt import hunt
from .test import test

EPILOG = """\b
Exit codes: 0 ok, 1 findings / failing cases, 2 usage, input or connection error,
130 interrupted. Add --debug before the command for a traceback.
Docs: README.md, docs/taxonomy.md, docs/rule-cases.md."""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="strascico")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """Detect breach-driven harassment with Sigma rules on Elasticsearch.

    \b
    Typical flow:
      strascico check rules/                # validate rules, fields, cases, query syntax
      strascico convert -t kibana rules/    # write build/kibana/rules.ndjson
      strascico test                        # replay every case on a local Elasticsearch
    """


for command in (check, convert, es, test, deploy, docs, ingest, watchlist, simulate, hunt, demo, report, attribute):
    cli.add_command(command)


def main() -> None:
    """Console entry point: one `error: ...` line and a documented exit code on failure."""
    debug = "--debug" in sys.argv[1:]
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.ERROR
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except StrascicoError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        code = exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a line
        if debug:
            raise
        click.echo(f"error: internal: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        code = ExitCode.ERROR
    sys.exit(int(code or 0))
