"""The `strascico` command line: thin commands over the library, errors turned into exit codes.

Exit codes (also in the README): 0 success, 1 findings or failing test cases,
2 usage/input/connection errors, 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import ExitCode, StrascicoError

# each command is the module of its name under strascico.cli, imported when it runs (or --help lists it),
# so `strascico hunt` does not load the EQL parser `check` needs (half a second at every start)
COMMANDS = ("attribute", "block", "check", "convert", "demo", "deploy", "docs", "es", "hunt", "ingest", "report", "simulate",
            "test", "watchlist")


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)  # sorted, as click lists the commands of a plain group

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{cmd_name}")
        command = getattr(module, cmd_name)
        assert isinstance(command, click.Command)
        return command


EPILOG = """\b
Exit codes: 0 ok, 1 findings / failing cases, 2 usage, input or connection error,
130 interrupted. Add --debug before the command for a traceback.
Docs: README.md, docs/taxonomy.md, docs/rule-cases.md."""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
