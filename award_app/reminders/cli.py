from datetime import date

import click
from flask import Blueprint, current_app

from award_app.clock import today_in_vietnam
from award_app.extensions import db
from award_app.jobs.tasks import after_commit, run_committed
from award_app.reminders.services import send_reminders

bp = Blueprint("reminders_cli", __name__, cli_group="reminders")


@bp.cli.command("send")
@click.option("--today", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day to send for (Viet Nam date); today by default.")
@click.option("--queue", "on_queue", is_flag=True, help="Leave the work to `flask worker` (needs REDIS_URL).")
def send(day, on_queue: bool) -> None:
    """Send today's reminder digests (run daily by cron); running it twice sends nothing more."""
    today: date = day.date() if day else today_in_vietnam()
    if on_queue:
        if not current_app.config.get("REDIS_URL"):
            raise click.UsageError("--queue needs REDIS_URL.")
        after_commit("reminders.send", today.isoformat())
        db.session.commit()
        click.echo(f"Reminders for {today.isoformat()} are queued.")
        return
    people = send_reminders(today)
    db.session.commit()
    run_committed()  # without Redis, the e-mails go now
    click.echo(f"Reminders for {today.isoformat()}: {people} people.")
