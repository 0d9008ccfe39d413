import click
from flask import Blueprint

from award_app.extensions import db
from award_app.rounds.services import seed_reference_data

bp = Blueprint("rounds_cli", __name__, cli_group=None)


@bp.cli.command("seed")
def seed() -> None:
    """Load the reference data: programmes with their defaults, provinces, the 2025–2026 calendar.

    Safe to run any number of times.
    """
    counts = seed_reference_data()
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{k} {v} changed" for k, v in counts.items()))
