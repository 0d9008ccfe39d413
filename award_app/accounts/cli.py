import time

import click
import pyotp
from flask import Blueprint, current_app

from award_app.accounts import second_factor, services, sessions
from award_app.accounts.models import Role
from award_app.extensions import db

bp = Blueprint("accounts_cli", __name__, cli_group="accounts")


@bp.cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.password_option(help="At least 10 characters, not common, not built from the name or e-mail.")
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create an administrator account (manages accounts and roles; never scores or approves)."""
    try:
        user = services.create_staff_account(email=email, password=password, full_name=full_name,
                                             organisation="", roles={Role.ADMIN})
    except services.WeakPassword as error:
        raise click.BadParameter(error.message, param_hint="--password") from error
    except services.EmailTaken as error:
        raise click.ClickException(f"an account with the e-mail {email} already exists") from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@bp.cli.command("end-timed-out-sessions")
def end_timed_out_sessions() -> None:
    """End the sessions past their idle time or lifetime that no request came back to (run it hourly by cron):
    each end is then in the audit log. A timed-out session is refused anyway, with or without this."""
    ended = sessions.end_all_timed_out()
    db.session.commit()
    click.echo(f"{ended} session(s) ended.")


@bp.cli.command("demo-code")
def demo_code() -> None:
    """The demo accounts' current second-factor code (development only: production has no demo secret). Each
    code works once per account: a second sign-in of the same account waits for the next code."""
    secret = current_app.config.get("DEMO_TOTP_SECRET")
    if not secret:
        raise click.ClickException("the demo's second factor exists only in the development configuration")
    now, totp = time.time(), pyotp.TOTP(secret)
    left = second_factor.STEP_SECONDS - int(now) % second_factor.STEP_SECONDS
    click.echo(f"{totp.at(now)}  (the next one, {totp.at(now + second_factor.STEP_SECONDS)}, in {left} s)")
