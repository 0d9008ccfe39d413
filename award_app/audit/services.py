"""Writing audit events in the same transaction as the change they record."""

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from award_app.audit.models import AuditEvent
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
