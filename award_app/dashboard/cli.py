import click
from flask import Blueprint

from award_app.clock import today_in_vietnam
from award_app.dashboard.services import purge_expired
from award_app.extensions import db
from award_app.storage import current_storage

bp = Blueprint("privacy_cli", __name__, cli_group="privacy")


@bp.cli.command("purge")
def purge() -> None:
    """Remove the files and contact details of rounds whose retention period has passed (run daily by cron)."""
    counts = purge_expired(today_in_vietnam(), current_storage())
    db.session.commit()
    click.echo(f"Purged {counts['nominations']} dossiers in {counts['rounds']} rounds ({counts['documents']} files).")
