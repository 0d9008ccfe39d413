"""Writing audit events in the same transaction as the change they record."""

from datetime import timedelta
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.clock import utcnow
from award_app.extensions import db


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(action: str, target: Any = None, *, round_id: int | None = None, actor: Any = None,
           **details: Any) -> AuditEvent:
    """Add an event to the session; it is committed (or rolled back) with the change itself.

    `actor` defaults to the signed-in user; `target` is any model with an `id`.
    """
    audit_event = new_event(action, target, round_id=round_id, actor=actor, **details)
    db.session.add(audit_event)
    return audit_event


def new_event(action: str, target: Any = None, *, round_id: int | None = None, actor: Any = None,
              **details: Any) -> AuditEvent:
    """The event `record` adds, for a caller that writes it in a transaction of its own."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if round_id is None and target is not None:
        round_id = getattr(target, "round_id", None)
    audit_event = AuditEvent(
        action=action,
        user_id=getattr(actor, "id", None),
        ip=request.remote_addr if has_request_context() else None,
        object_type=type(target).__name__ if target is not None else None,
        object_id=str(target.id) if target is not None and target.id is not None else None,
        round_id=round_id,
        details=_json_safe(details),
    )
    return audit_event


def record_at_most(limit: int, per: timedelta, action: str, target: Any = None, *, actor: Any = None,
                   same: dict[str, Any], **details: Any) -> AuditEvent | None:
    """Record like `record`, unless, within `per`, this action on this target was already recorded `limit`
    times for this user (signed out: this address), or once with the same `same` details. For what anyone can
    repeat without bound (a failed sign-in for an unknown address, a page refused again and again): the log
    keeps the fact and stays bounded. Returns the event, or None when it was left out."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    query = select(AuditEvent.details).where(AuditEvent.action == action, AuditEvent.at >= utcnow() - per)
    query = query.where(AuditEvent.user_id == actor.id) if actor is not None else query.where(
        AuditEvent.user_id.is_(None), AuditEvent.ip == (request.remote_addr if has_request_context() else None))
    target_id = str(target.id) if target is not None else None
    query = query.where(AuditEvent.object_id == target_id if target_id else AuditEvent.object_id.is_(None))
    recent = db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
    wanted = _json_safe(same)
    if len(recent) >= limit or any(all(d.get(k) == v for k, v in wanted.items()) for d in recent):
        return None
    return record(action, target, actor=actor, **same, **details)
