"""The dossier's life has one owner: the transitions table (nominations/rules.py), one operation per step
(nominations/lifecycle.py) that refuses what the table lacks and logs what it does, and no other module of the
application that writes a nomination's state."""

import ast
import inspect
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from award_app.audit.models import AuditEvent
from award_app.errors import RoundFrozen
from award_app.extensions import db
from award_app.nominations import lifecycle, rules
from award_app.nominations import services as nominations
from award_app.nominations.models import NominationState
from award_app.nominations.rules import TRANSITIONS, Step
from award_app.rounds.models import RoundState
from tests.nominations.factories import applicant, draft, open_round, staff

S = NominationState

# One call per step, with what the step needs besides the dossier and the actor.
OPERATIONS = {
    Step.SUBMIT: lambda n, actor: lifecycle.mark_submitted(n, actor=actor),
    Step.ENDORSE: lambda n, actor: lifecycle.mark_endorsed(n, actor=actor),
    Step.RETURN_FOR_CORRECTION: lambda n, actor: lifecycle.return_for_correction(n, "Bổ sung chữ ký.", actor=actor),
    Step.PARK_FOR_DOCUMENTS: lambda n, actor: lifecycle.park_for_documents(n, "Thiếu biên bản.", actor=actor),
    Step.RESUME_AFTER_DOCUMENTS: lambda n, actor: lifecycle.resume_after_documents(n, S.SUBMITTED, actor=actor),
    Step.SCREEN: lambda n, actor: lifecycle.mark_screened(n, eligible=False, reason="Thiếu hồ sơ.", actor=actor),
    Step.SEND_TO_COUNCIL: lambda n, actor: lifecycle.send_to_council(n, actor=actor),
    Step.DECIDE: lambda n, actor: lifecycle.decide(n, awarded=True, actor=actor),
    Step.REVOKE: lambda n, actor: lifecycle.revoke(n, "Khai không trung thực.", actor=actor),
    Step.WITHDRAW: lambda n, actor: lifecycle.withdraw(n, "Trường xin rút.", actor=actor),
}


# -- the table ----------------------------------------------------------------------------------

def test_every_state_is_reached_from_a_draft_and_only_the_ends_lead_nowhere():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for new in rules.next_states(frontier.pop()) - reached:
            reached.add(new)
            frontier.append(new)
    assert reached == set(S)
    assert {s for s in S if not rules.next_states(s) - {s}} == {S.NOT_SELECTED, S.WITHDRAWN, S.REVOKED}


def test_the_named_sets_say_what_the_stages_read():
    assert {S.DRAFT, S.RETURNED} == rules.EDITABLE
    assert rules.COMPETING <= rules.ASSIGNABLE and S.ELIGIBLE in rules.ASSIGNABLE
    assert not rules.WITHDRAWABLE & (rules.DECIDED | {S.WITHDRAWN})
    assert rules.WITHDRAWABLE | rules.DECIDED | {S.WITHDRAWN} == set(S)
    assert rules.next_states(S.UNDER_REVIEW) == {S.AWARDED, S.NOT_SELECTED, S.WITHDRAWN}


def test_lifecycle_has_one_public_operation_per_step():
    own = {name for name, member in inspect.getmembers(lifecycle, inspect.isfunction)
           if member.__module__ == lifecycle.__name__ and not name.startswith("_")}
    assert len(own) == len(Step) == len(TRANSITIONS) == len(OPERATIONS)


# -- the operations -----------------------------------------------------------------------------

@pytest.fixture
def dossier(app):
    nomination = draft(open_round(), applicant())
    nomination.reference = "ES-2026-0001"  # as after a submission: the states past a draft need one
    db.session.commit()
    return nomination


def _events(nomination) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Nomination", AuditEvent.object_id == str(nomination.id))
        .order_by(AuditEvent.id)).all()


def test_a_new_dossier_is_a_draft(app):
    nomination = nominations.create_nomination(open_round(), applicant())
    assert nomination.state == S.DRAFT


@pytest.mark.parametrize("step", list(Step))
def test_each_operation_takes_its_step_and_logs_it(dossier, step):
    secretariat = staff("secretariat")
    dossier.state = min(TRANSITIONS[step].sources)
    db.session.commit()
    before = len(_events(dossier))
    old = dossier.state
    OPERATIONS[step](dossier, secretariat)
    db.session.commit()
    assert dossier.state in TRANSITIONS[step].targets
    events = _events(dossier)
    assert len(events) == before + 1
    assert (events[-1].user_id, events[-1].details["old"], events[-1].details["new"]) == (
        secretariat.id, old.value, dossier.state.value)


@pytest.mark.parametrize("step", list(Step))
def test_each_operation_refuses_a_move_the_table_lacks(dossier, step):
    secretariat = staff("secretariat")
    for state in sorted(set(S) - TRANSITIONS[step].sources):
        dossier.state = state
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(lifecycle.IllegalMove) as refused, force_locale("vi"):
            OPERATIONS[step](dossier, secretariat)
        with force_locale("vi"):
            assert f"“{rules.STATE_NAMES[state]}”" in refused.value.message
        assert dossier.state == state
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_resuming_goes_back_only_to_where_the_request_found_the_dossier(dossier):
    dossier.state = S.MISSING_DOCUMENTS
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.resume_after_documents(dossier, S.ELIGIBLE, actor=staff("secretariat"))


def test_an_approved_round_moves_no_dossier_but_to_revoke_an_award(dossier):
    secretariat = staff("secretariat")
    dossier.state = S.UNDER_REVIEW
    dossier.round.state = RoundState.APPROVED
    db.session.commit()
    with pytest.raises(RoundFrozen):
        lifecycle.withdraw(dossier, "Trường xin rút.", actor=secretariat)
    dossier.state = S.AWARDED
    lifecycle.revoke(dossier, "Khai không trung thực.", actor=secretariat)
    assert dossier.state == S.REVOKED and dossier.state_reason == "Khai không trung thực."


# -- one owner ----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2] / "award_app"
OWNER = ROOT / "nominations" / "lifecycle.py"


def _is_other_state(value: ast.expr | None, annotations: dict[str, str]) -> bool:
    """`RoundState.APPROVED`, `SheetState.DRAFT`…, or a parameter annotated with such an enum: provably not a
    nomination's state. Anything else (NominationState, a string, a name of unknown type) may be one."""
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        name = value.value.id
    elif isinstance(value, ast.Name):
        name = annotations.get(value.id, "")
    else:
        return False
    return name.endswith("State") and name != NominationState.__name__


def _writes(node: ast.AST) -> list[tuple[ast.AST, ast.expr | None]]:
    """(where, value) for each write of a `state`: an assignment to `x.state`, a `state=` argument
    (constructors, `.values(state=…)`), `setattr(x, "state", …)`, `{"state": …}` given to `.values`, and any
    call of a `set_state`."""
    found: list[tuple[ast.AST, ast.expr | None]] = []
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            else:
                pairs = [(t, node.value) for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
            found += [(node, v) for t, v in pairs if isinstance(t, ast.Attribute) and t.attr == "state"]
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        found += [(node, k.value) for k in node.keywords if k.arg == "state"]
        if name == "setattr" and len(node.args) == 3 and getattr(node.args[1], "value", None) == "state":
            found.append((node, node.args[2]))
        if name == "values":
            found += [(node, v) for a in node.args if isinstance(a, ast.Dict)
                      for k, v in zip(a.keys, a.values, strict=True) if getattr(k, "value", None) == "state"]
        if name == "set_state":
            found.append((node, None))
    return found


def state_writes(path: Path) -> list[tuple[int, bool]]:
    """(line, provably another model's state) for each write of a `state` in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    result = []

    def visit(node: ast.AST, annotations: dict[str, str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            annotations = {**annotations, **{a.arg: ast.unparse(a.annotation) for a in arguments if a.annotation}}
        result.extend((where.lineno, _is_other_state(value, annotations)) for where, value in _writes(node))
        for child in ast.iter_child_nodes(node):
            visit(child, annotations)

    visit(tree, {})
    return result


def test_no_module_but_the_lifecycle_writes_a_nomination_state():
    writes = {path: state_writes(path) for path in ROOT.rglob("*.py")}
    assert any(not other for _line, other in writes[OWNER]), "the scan no longer sees the lifecycle's own write"
    assert any(other for found in writes.values() for _line, other in found), "nor a round's or a sheet's"
    offenders = [f"{path.relative_to(ROOT.parent)}:{line}" for path, found in writes.items() if path != OWNER
                 for line, other in found if not other]
    assert offenders == [], "only nominations/lifecycle.py changes a dossier's state"


@pytest.mark.parametrize("source", [
    "def f(nomination):\n    nomination.state = NominationState.REVOKED\n",
    "def f(nomination):\n    nomination.state = 'under_review'\n",
    "def f(n, new):\n    n.reference, n.state = 'ES-1', new\n",
    "def f(round_):\n    Nomination(round=round_, state=NominationState.DRAFT)\n",
    "def f(n):\n    setattr(n, 'state', 'awarded')\n",
    "def f(n):\n    set_state(n, NominationState.ELIGIBLE, actor=None, action='x.y')\n",
    "def f(i):\n    update(Nomination).where(Nomination.id == i).values({'state': 'withdrawn'})\n",
])
def test_the_scan_sees_each_way_of_writing_a_state(tmp_path, source):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert [other for _line, other in state_writes(module)] == [False]


def test_the_scan_lets_rounds_sheets_and_jobs_move(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f(round_, to_state: RoundState, sheet):\n    round_.state = to_state\n"
                      "    sheet.state = SheetState.SUBMITTED\n    Job(state=JobState.QUEUED)\n")
    assert [other for _line, other in state_writes(module)] == [True, True, True]
