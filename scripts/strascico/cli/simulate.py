"""`strascico simulate` (being written)."""

import click


@click.command()
def simulate() -> None:
    """Simulate the contact-centre campaign (being written)."""
    raise click.UsageError("not implemented yet")
