from datetime import UTC, datetime, time

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from award_app.accounts.models import User
from award_app.audit.labels import ACTION_LABELS, action_label, object_label
from award_app.audit.models import AuditEvent
from award_app.audit.services import record
from award_app.bounds import MAX_INT, query_number
from award_app.extensions import db
from award_app.formfields import VIETNAM

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


def can_read_audit_log(user) -> bool:
    return user.is_authenticated and bool({r.value for r in user.roles} & {"admin", "auditor"})


def _day(text: str):
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


@bp.route("/")
@login_required
def index():
    """Search and filter the append-only log: action, user, round, days (Viet Nam time)."""
    if not can_read_audit_log(current_user):
        abort(404)
    query = select(AuditEvent)
    args = request.args
    if args.get("action"):
        query = query.where(AuditEvent.action.contains(args["action"].strip()[:60], autoescape=True))
    if args.get("user"):
        query = query.where(AuditEvent.user_id.in_(select(User.id).where(
            User.email.contains(args["user"].strip().lower()[:254], autoescape=True))))
    round_id = query_number("round")
    if round_id is not None:
        query = query.where(AuditEvent.round_id == round_id)
    start, end = _day(args.get("from", "")), _day(args.get("to", ""))
    if start:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min, VIETNAM).astimezone(UTC))
    if end:
        query = query.where(AuditEvent.at <= datetime.combine(end, time.max, VIETNAM).astimezone(UTC))
    page = max(1, query_number("page", default=1, high=MAX_INT // PAGE))
    events = db.session.scalars(query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({e.user_id for e in events})))}
    return render_template("audit/index.html", events=events[:PAGE], more=len(events) > PAGE, page=page,
                           users=users, args=args,
                           action_labels=[(code, str(label)) for code, label in ACTION_LABELS.items()])


@bp.app_template_global()
def audit_action_label(code: str) -> str:
    return action_label(code)


@bp.app_template_global()
def audit_object_label(type_name: str | None) -> str:
    return object_label(type_name)


@bp.app_template_filter("dict_without_page")
def dict_without_page(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "page"}


@bp.app_errorhandler(404)
def not_found(error):
    """A signed-in user who asks for what they may not see gets the same 404 as for a missing page, and
    the attempt is in the audit log (the two cannot be told apart from outside, by design)."""
    if current_user.is_authenticated:
        db.session.rollback()
        record("access.denied", path=request.path[:300], method=request.method)
        db.session.commit()
    return render_template("errors/404.html"), 404
