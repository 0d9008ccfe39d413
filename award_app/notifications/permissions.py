from flask import current_app

from award_app.accounts.models import Role


def can_read_outbox(user) -> bool:
    """In development, where no SMTP server is set, staff read the e-mails on a page."""
    return (user.is_authenticated and not current_app.config.get("MAIL_SERVER")
            and current_app.config["AWARD_CONFIG"] != "production"
            and bool(user.roles & {Role.SECRETARIAT, Role.ADMIN}))
