from pathlib import Path

import click
from flask import Blueprint, current_app

from award_app.dashboard.services import purge_expired
from award_app.extensions import db
from award_app.formfields import today_in_vietnam

bp = Blueprint("privacy_cli", __name__, cli_group="privacy")


@bp.cli.command("purge")
def purge() -> None:
    """Remove the files and contact details of rounds whose retention period has passed (run daily by cron)."""
    counts = purge_expired(today_in_vietnam(), Path(current_app.config["UPLOAD_FOLDER"]))
    db.session.commit()
    click.echo(f"Purged {counts['nominations']} dossiers in {counts['rounds']} rounds ({counts['documents']} files).")
