"""Without SMTP, e-mails wait in the outbox: the staff who read it never see another person's links (a
password reset, an invitation); in development the developer reads each e-mail in the server's console."""

import logging
import re
import secrets

from sqlalchemy import select

from award_app import create_app
from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from tests.helpers import login, submit

RESET_LINK = re.compile(r"https?://\S+/accounts/reset/\S+")


def _ask_for_a_reset(app, email: str) -> str:
    """The reset link e-mailed to `email`, as its recipient receives it."""
    submit(app.test_client(), "/accounts/reset", {"email": email})
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)
                              .order_by(OutboxMessage.id.desc())).first()
    return RESET_LINK.search(mail.body).group(0)


def test_the_outbox_hides_other_peoples_reset_links_and_shows_the_readers_own(app, client, make_user):
    admin = make_user("admin")
    secretary = make_user("secretariat")
    admins_link = _ask_for_a_reset(app, admin.email)
    own_link = _ask_for_a_reset(app, secretary.email)
    login(client, secretary)
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert admin.email in page  # the e-mail is listed …
    token = admins_link.rsplit("/", 1)[1]
    assert token not in page and "/accounts/reset/" + token not in page  # … its link is not
    assert own_link in page
    assert "[link for the recipient only]" in page or "[đường liên kết chỉ dành cho người nhận]" in page


def test_development_prints_each_email_in_the_console_once(app, make_user, caplog):
    app.config["MAIL_TO_CONSOLE"] = True
    user = make_user("admin")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        link = _ask_for_a_reset(app, user.email)
        _ask_for_a_reset(app, make_user("secretariat").email)  # the next delivery does not print the first again
    printed = [r.getMessage() for r in caplog.records if "MAIL_SERVER" in r.getMessage()]
    assert len(printed) == 2 and link in printed[0] and user.email in printed[0]
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == user.email)).one()
    assert mail.sent_at is not None


def test_only_development_prints_emails(app, make_user, caplog, monkeypatch):
    """The tests and production keep e-mails (and their secrets) out of the logs."""
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        _ask_for_a_reset(app, make_user("admin").email)
    assert not [r for r in caplog.records if "MAIL_SERVER" in r.getMessage()]
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PUBLIC_URL", "https://giaithuong.example.vn")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert create_app("production").config["MAIL_TO_CONSOLE"] is False
    assert create_app("development").config["MAIL_TO_CONSOLE"] is True
