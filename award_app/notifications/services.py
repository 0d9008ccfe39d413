"""Queueing e-mails in the recipient's language, and sending them after the commit."""

import re
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from award_app.clock import utcnow
from award_app.extensions import db
from award_app.jobs.tasks import after_commit, task
from award_app.notifications.models import OutboxMessage


def link(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, a QR code or a PDF: always on PUBLIC_URL, the address users reach the
    platform at, in a request as in a command or a job. Never from the host a request names (its Host header,
    a proxy's forwarded host), which the client writes: a reset link on evil.example hands its token over."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)


def queue(user, kind: str, **context) -> OutboxMessage:
    """Render templates/notifications/<kind>.txt (first line: the subject) in the user's language."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"notifications/{kind}.txt", user=user, **context)
    subject, _, body = text.strip().partition("\n")
    message = OutboxMessage(user_id=user.id, to_email=user.email, kind=kind, subject=subject.strip(),
                            body=body.strip() + "\n")
    db.session.add(message)
    after_commit("notifications.deliver")
    return message


def _send(message: OutboxMessage, config) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _claim(message: OutboxMessage) -> bool:
    """Count the attempt, unless another worker has already taken this message since it was read."""
    claimed = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message.id, OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts == message.attempts).values(attempts=message.attempts + 1)).rowcount
    db.session.commit()
    return bool(claimed)


def _print(message: OutboxMessage, config) -> None:
    """Development without SMTP: the developer reads each e-mail, links included, in the server's console."""
    current_app.logger.warning("E-mail printed here, not sent (no MAIL_SERVER)\nTo: %s\nSubject: %s\n\n%s",
                               message.to_email, message.subject, message.body)


def _transport(config):
    if config.get("MAIL_SERVER"):
        return _send
    if config.get("MAIL_TO_CONSOLE"):
        return _print
    return None


LINK = re.compile(r"https?://\S+")


def for_reader(message: OutboxMessage, reader) -> str:
    """The body as another person may read it: a link in an e-mail may carry its recipient's secret (a
    password reset, an invitation), so only the recipient sees the links of their own e-mails."""
    if message.user_id is not None and message.user_id == reader.id:
        return message.body
    return LINK.sub(str(_("[link for the recipient only]")), message.body)


@task("notifications.deliver")
def deliver_pending(limit: int = 50) -> int:
    """Send unsent messages (oldest first) and commit their state. Safe to run twice, even at once in two
    workers: each message is claimed before it is sent. Without SMTP, development prints them instead."""
    config = current_app.config
    transport = _transport(config)
    if transport is None:
        return 0
    sent = 0
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                             OutboxMessage.attempts < 5)
                                 .order_by(OutboxMessage.id).limit(limit)).all()
    for message in pending:
        if not _claim(message):
            continue
        try:
            transport(message, config)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = str(error)[:500]
        else:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent

