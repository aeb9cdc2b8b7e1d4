"""`strascico docs`: regenerate documentation derived from the registry."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExitCode
from ..rules_doc import update_readme
from ..taxonomy_doc import render_taxonomy


@click.group()
def docs() -> None:
    """Regenerate docs that are derived from code (tests fail when they drift)."""


@docs.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("docs/taxonomy.md"), show_default=True)
def taxonomy(out: Path) -> int:
    """Write the field-registry page (docs/taxonomy.md)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_taxonomy(), encoding="utf-8")
    click.echo(str(out))
    return ExitCode.OK


@docs.command()
@click.option("--readme", type=click.Path(path_type=Path, exists=True), default=Path("README.md"), show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, exists=True), default=Path("rules"),
              show_default=True)
def readme(readme: Path, rules_dir: Path) -> int:
    """Refresh the README's table of rules (between its rules:start/end markers)."""
    readme.write_text(update_readme(readme, rules_dir), encoding="utf-8")
    click.echo(str(readme))
    return ExitCode.OK
