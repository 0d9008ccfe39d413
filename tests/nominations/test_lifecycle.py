"""R7 and the nomination states of the rule book: random sequences of what the applicant, the
province's endorser and the secretariat do to one dossier, through the real pages and forms.

After every step: no server error; the dossier only ever moves along an edge of the rule book's
state graph, which is also a step of the transitions table (nominations/rules.py), and each move is in the
audit log; what the applicant saved last is exactly what is
stored (a refused or stale save loses nothing and changes nothing)."""

import io
import itertools
import re
import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from award_app.accounts import services as accounts
from award_app.accounts.models import Role
from award_app.accounts.services import set_endorser_scopes
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.nominations import rules
from award_app.nominations.models import Nomination, NominationState
from award_app.rounds.models import ProgrammeCode, RoundState
from tests.fixtures_dossiers import PDF, complete_school_dossier, open_round, school_applicant, school_details
from tests.helpers import PASSWORD, csrf_token, login

S = NominationState
# The rule book: draft → submitted → endorsed | returned → (missing documents ⇄ submitted) → eligible |
# ineligible; withdrawn from any state before approval. A screening decision may be corrected.
NEXT: dict[NominationState, set[NominationState]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ENDORSED, S.RETURNED, S.MISSING_DOCUMENTS, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.ENDORSED: {S.MISSING_DOCUMENTS, S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN},
    S.MISSING_DOCUMENTS: {S.SUBMITTED, S.ENDORSED, S.WITHDRAWN},
    S.ELIGIBLE: {S.INELIGIBLE, S.WITHDRAWN},
    S.INELIGIBLE: {S.ELIGIBLE, S.WITHDRAWN},
    S.WITHDRAWN: set(),
}
ROUND_STEPS = {RoundState.OPEN: RoundState.CLOSED, RoundState.CLOSED: RoundState.SCREENING}
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
SERVER_ERRORS = range(500, 600)

# Vietnamese as people type it: precomposed letters, combining tone marks (NFD input), spaces, digits.
vietnamese = st.text(alphabet=st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 ,.-/") + ["ạ", "ế", "ữ", "ỷ", "\u0301", "\u0323",
                                                                   "\u0303", "\u0309", "\u0300", "\t"]),
    min_size=0, max_size=320)
reasons = st.one_of(st.just("Đề nghị bổ sung biên bản họp."), st.text(min_size=0, max_size=60))


def stored(text: str) -> str:
    """What a saved address should read back as: NFC, without the surrounding blanks."""
    return unicodedata.normalize("NFC", text).strip()


class DossierLifecycle(RuleBasedStateMachine):
    app = None
    serial = itertools.count(1)

    @initialize()
    def a_complete_draft(self):
        n = next(self.serial)
        self.round = open_round(ProgrammeCode.ECO_SCHOOL, edition=n)
        self.applicant = school_applicant(f"truong{n}@lifecycle.vn")
        self.nomination = complete_school_dossier(self.round, self.applicant)
        self.details = self.saved_details()
        self.fields = {k: str(v) for k, v in school_details(self.round).items()}
        self.state = S.DRAFT
        self.events = self.audit_count()
        endorser = self.make_user(f"sogd{n}@lifecycle.vn")
        set_endorser_scopes(endorser, {("ha-noi-34", "eco_school")})
        secretariat = self.make_user(f"thuky{n}@lifecycle.vn", "secretariat")
        db.session.commit()
        self.school, self.province, self.staff = (self.client(who, password) for who, password in (
            (self.applicant, "cay-bang-truoc-cong-truong"), (endorser, None), (secretariat, None)))

    # -- helpers --------------------------------------------------------------------------------

    def make_user(self, email, *roles):
        return accounts.create_staff_account(email=email, password=PASSWORD, full_name="Nguyễn Văn Thử",
                                             organisation="Sở", roles={Role(r) for r in roles})

    def client(self, user, password):
        client = self.app.test_client()
        login(client, user, *([password] if password else []))
        client.token = csrf_token(client, "/")
        return client

    def post(self, client, url, data=None, **kwargs):
        response = client.post(url, data={**(data or {}), "csrf_token": client.token}, **kwargs)
        assert response.status_code not in SERVER_ERRORS, (url, response.get_data(as_text=True)[:2000])
        return response

    def audit_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.object_type == "Nomination", AuditEvent.object_id == str(self.nomination.id)))

    @property
    def url(self):
        return f"/nominations/{self.nomination.id}"

    def saved_details(self) -> dict:
        """The dossier's fields; an optional field left empty counts as absent."""
        details = db.session.get(Nomination, self.nomination.id).details
        return {k: v for k, v in details.items() if v not in (None, "", [])}

    def current_version(self) -> int:
        return db.session.get(Nomination, self.nomination.id).version

    # -- the applicant --------------------------------------------------------------------------

    @rule(address=vietnamese)
    def applicant_saves(self, address):
        """A draft keeps everything typed; only what passes the checks becomes the dossier."""
        response = self.post(self.school, f"{self.url}/edit", {
            **self.fields, "address": address, "version": str(self.current_version()), "action": "save"})
        editable = self.state in (S.DRAFT, S.RETURNED)
        if response.status_code != 302:
            assert not editable, f"a save was refused: {response.get_data(as_text=True)[:1000]}"
            return
        assert editable, f"saved in state {self.state}"
        saved = self.saved_details()
        typed = db.session.get(Nomination, self.nomination.id).form_input or {}
        typed_address = typed.get("address", [""])
        typed_address = typed_address[0] if isinstance(typed_address, list) else typed_address
        assert stored(typed_address) == stored(address)
        if 0 < len(stored(address)) <= 290:
            assert saved["address"] == stored(address)
        elif len(stored(address)) == 0 or min(len(address), len(stored(address))) > 310:
            assert saved == self.details
        self.details = saved

    @rule(address=vietnamese)
    def applicant_saves_a_stale_form(self, address):
        version = self.current_version()
        self.post(self.school, f"{self.url}/edit", {
            **self.fields, "address": address + " (cũ)", "version": str(version - 1), "action": "save"})

    @rule()
    def applicant_submits(self):
        response = self.post(self.school, f"{self.url}/edit", {
            **self.fields, "address": self.details["address"], "version": str(self.current_version()),
            "action": "submit"})
        if self.state in (S.DRAFT, S.RETURNED) and self.round_state() == RoundState.OPEN:
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    @rule(reason=reasons)
    def applicant_withdraws(self, reason):
        self.post(self.school, f"{self.url}/withdraw", {"reason": reason})

    @rule()
    def applicant_sends_requested_documents(self):
        self.post(self.school, f"/screening/nominations/{self.nomination.id}/documents-sent")

    # -- the province ---------------------------------------------------------------------------

    @rule()
    def province_confirms(self):
        self.post(self.province, "/nominations/endorsement/confirm", {
            "nomination_ids": [str(self.nomination.id)], "number": "125/SGDĐT-KHTC",
            "letter": (io.BytesIO(PDF), "cong-van.pdf")}, content_type="multipart/form-data")

    @rule(comment=reasons)
    def province_returns(self, comment):
        self.post(self.province, f"{self.url}/return", {"reason": comment})

    # -- the secretariat ------------------------------------------------------------------------

    @precondition(lambda self: self.round_state() in ROUND_STEPS)
    @rule()
    def secretariat_moves_the_round_on(self):
        next_state = ROUND_STEPS[self.round_state()]
        self.post(self.staff, f"/rounds/{self.round.id}/advance", {"to_state": next_state.value})

    @rule(outcome=st.sampled_from(["eligible", "ineligible"]), reason=reasons)
    def secretariat_screens(self, outcome, reason):
        self.post(self.staff, f"/screening/nominations/{self.nomination.id}", {"outcome": outcome, "reason": reason})

    @rule(message=reasons)
    def secretariat_requests_documents(self, message):
        item = self.round.checklist[0].id
        self.post(self.staff, f"/screening/nominations/{self.nomination.id}/request",
                  {"item_ids": [str(item)], "message": message})

    @rule()
    def whoever_is_next_does_the_usual(self):
        """The expected next step of the round, so that random sequences also reach its later states."""
        if self.state in (S.DRAFT, S.RETURNED):
            self.applicant_submits()
        elif self.state == S.SUBMITTED:
            self.province_confirms()
        elif self.state == S.MISSING_DOCUMENTS:
            self.applicant_sends_requested_documents()
        elif self.round_state() in ROUND_STEPS:
            self.secretariat_moves_the_round_on()
        else:
            self.secretariat_screens("eligible", "")

    def round_state(self) -> RoundState:
        db.session.refresh(self.round)
        return self.round.state

    # -- what must always hold ------------------------------------------------------------------

    @invariant()
    def moves_only_along_the_rule_book(self):
        nomination = db.session.get(Nomination, self.nomination.id)
        db.session.refresh(nomination)
        if nomination.state != self.state:
            assert nomination.state in NEXT[self.state], f"{self.state} → {nomination.state}"
            assert nomination.state in rules.next_states(self.state), f"{self.state} → {nomination.state}: no step"
            events = self.audit_count()
            assert events > self.events, f"{self.state} → {nomination.state} left no audit event"
            self.state = nomination.state
        self.events = self.audit_count()

    @invariant()
    def nothing_saved_is_lost(self):
        saved = self.saved_details()
        lost = {k: (self.details.get(k), saved.get(k)) for k in saved.keys() | self.details.keys()
                if saved.get(k) != self.details.get(k)}
        assert not lost, lost


def test_the_rule_book_of_this_test_is_in_the_transitions_table():
    assert {(old, new) for old, nexts in NEXT.items() for new in nexts
            if new not in rules.next_states(old)} == set()


def test_random_sequences_of_actions_keep_the_dossier_valid(app):
    DossierLifecycle.app = app
    run_state_machine_as_test(DossierLifecycle, settings=settings(
        max_examples=20, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
