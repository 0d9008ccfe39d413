import click
from flask import Blueprint, current_app

from award_app.demo.services import load_demo
from award_app.extensions import db
from award_app.rounds.services import seed_reference_data

bp = Blueprint("demo_cli", __name__, cli_group="demo")


@bp.cli.command("load")
def load() -> None:
    """Load the demo accounts and rounds (safe to run twice). Refused in production."""
    password = current_app.config.get("DEMO_PASSWORD")
    if not password:
        raise click.ClickException("the demo is only for the development configuration")
    seed_reference_data()
    counts = load_demo(password)
    db.session.commit()
    click.echo(f"Demo ready: {counts['users']} accounts, {counts['rounds']} rounds; password: {password}")
