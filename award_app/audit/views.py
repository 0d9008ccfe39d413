from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import Table, select
from sqlalchemy.exc import SQLAlchemyError

from award_app.accounts.models import User
from award_app.audit.labels import ACTION_LABELS, action_label, object_label
from award_app.audit.models import AuditEvent
from award_app.audit.services import record_at_most
from award_app.bounds import MAX_INT, query_number
from award_app.clock import from_vietnam_time
from award_app.database import begin_immediately
from award_app.extensions import db

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
        query = query.where(AuditEvent.at >= from_vietnam_time(datetime.combine(start, time.min)))
    if end:
        query = query.where(AuditEvent.at <= from_vietnam_time(datetime.combine(end, time.max)))
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


# The table each id in a URL names, where it is not the argument's name without "_id".
ID_TABLES = {"day_id": "calendar_day", "membership_id": "council_membership", "name_id": "honoured_name",
             "session_id": "user_session", "sheet_id": "score_sheet", "value_id": "indicator_value"}
# Refused pages recorded per user and hour, each path once (the rest are left out: a user cannot flood the log).
DENIED_PER_HOUR = 30


def id_table(argument: str) -> Table | None:
    if not argument.endswith("_id"):
        return None
    return db.metadata.tables.get(ID_TABLES.get(argument, argument.removesuffix("_id")))


def _names_real_objects() -> bool:
    """The URL matched a page of the application and every id in it names a row that exists: a refusal, not a
    missing page, a mistyped address, a static file or the browser's favicon."""
    if request.url_rule is None or request.endpoint == "static":
        return False
    for argument, value in (request.view_args or {}).items():
        table = id_table(argument)
        if table is not None and db.session.scalar(select(table.c.id).where(table.c.id == value)) is None:
            return False
    return True


def _record_denied_access() -> None:
    """In a transaction of its own, after what the request did is rolled back; on SQLite it waits for the write
    lock as a POST does (a GET's read would fail to become a write under load). A failure to write the event
    is logged and never turns the 404 into a server error."""
    try:
        if not _names_real_objects():
            return
        db.session.rollback()
        begin_immediately()
        record_at_most(DENIED_PER_HOUR, timedelta(hours=1), "access.denied",
                       same={"path": request.path[:300]}, method=request.method)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("access.denied could not be recorded for %s", request.path[:300])


@bp.app_errorhandler(404)
def not_found(error):
    """A signed-in user who asks for what they may not see gets the same 404 as for a missing page, and
    the attempt is in the audit log (the two cannot be told apart from outside, by design). Only a page of the
    application naming objects that exist is recorded, each at most once an hour per user."""
    if current_user.is_authenticated:
        _record_denied_access()
    return render_template("errors/404.html"), 404
