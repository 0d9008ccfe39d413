from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.extensions import db
from award_app.notifications.models import OutboxMessage
from award_app.notifications.permissions import can_read_outbox
from award_app.notifications.services import for_reader

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/outbox")
@login_required
def outbox():
    if not can_read_outbox(current_user):
        abort(404)
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    reader = current_user._get_current_object()
    return render_template("notifications/outbox.html", messages=[(m, for_reader(m, reader)) for m in messages])
