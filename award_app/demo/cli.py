import click
from flask import Blueprint, current_app

from award_app.demo.services import load_demo
from award_app.extensions import db
from award_app.rounds.services import seed_reference_data

bp = Blueprint("demo_cli", __name__, cli_group="demo")


@bp.cli.command("load")
def load() -> None:
    """Load the demo accounts and rounds (safe to run twice). Refused in production."""
    password, totp_secret = current_app.config.get("DEMO_PASSWORD"), current_app.config.get("DEMO_TOTP_SECRET")
    if not password or not totp_secret:
        raise click.ClickException("the demo is only for the development configuration")
    seed_reference_data()
    counts = load_demo(password, totp_secret)
    db.session.commit()
    click.echo(f"Demo ready: {counts['users']} accounts, {counts['rounds']} rounds; password: {password}; "
               "second step: flask --app award_app accounts demo-code")
