import click
from flask import Blueprint, current_app

from award_app.jobs import tasks

bp = Blueprint("jobs_cli", __name__, cli_group=None)


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued work (certificate ZIPs, exports, e-mails, reminders) from Redis: an RQ worker whose jobs
    run inside an app context of this configuration. Needs REDIS_URL."""
    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("REDIS_URL is not set: without Redis, work runs in the web process itself.")
    tasks.start_worker(current_app._get_current_object(), burst=burst)
