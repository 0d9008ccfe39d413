import click
from flask import Blueprint

from award_app.accounts import services
from award_app.accounts.models import Role
from award_app.extensions import db

bp = Blueprint("accounts_cli", __name__, cli_group="accounts")


@bp.cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.password_option(help="At least 10 characters.")
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create an administrator account (manages accounts and roles; never scores or approves)."""
    if len(password) < 10:
        raise click.BadParameter("the password must have at least 10 characters", param_hint="--password")
    try:
        user = services.create_staff_account(email=email, password=password, full_name=full_name,
                                             organisation="", roles={Role.ADMIN})
    except services.EmailTaken as error:
        raise click.ClickException(f"an account with the e-mail {email} already exists") from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")
