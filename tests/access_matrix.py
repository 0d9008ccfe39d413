"""The access matrix (quality bar S1), written as data for a reader and checked by tests/test_access_matrix.py.

One row per route, HTTP method (verb) and object; one column per person, named by role and by their relation
to the object. A cell says what that person gets:

    A  allowed: a page, a file or a redirect that is not to the sign-in page
    4  404, exactly as for an object that does not exist
    L  sent to the sign-in page (only anonymous visitors)

The people (columns):

    anon    nobody signed in
    own     the applicant who owns the object: the dossier's applicant, the winner of a certificate; for a
            round, an applicant with a dossier in it (a school; the city rows: the People's Committee)
    other   another applicant of the same kind (a school), who owns nothing here
    end=    the endorser of the dossier's province for its programme (Hà Nội, Eco-schools)
    end≠    an endorser of another province (Đà Nẵng, Eco-schools)
    sec     the secretariat (for a job: the secretary who started it)
    jur     a juror of the round's council assigned to the dossier
    conf    a juror of the round's council assigned to the dossier, whose conflict with it is confirmed
    free    a juror of the round's council not assigned to the dossier
    chair   the chair of the round's council (not assigned to the dossier)
    appr    the approver (the ministry's leader), never on the council
    aud     the auditor (inspector): reads everything, changes nothing
    admin   the administrator of accounts

The objects (the round or row each URL names) are built by tests/test_access_matrix.py:

    draft-round     an Eco-schools round still in draft
    open-round      an Eco-schools round whose call is open, endorsement by the province required
    draft-dossier   own's draft in open-round, with a file
    submitted       own's dossier in open-round, submitted and awaiting endorsement, with a JPEG (thumbnail)
    screen-round    an Eco-schools round in screening; screen-dossier is submitted there, missing-docs is
                    own's dossier there whose documents the secretariat asked for
    score-round     an Eco-schools round in scoring: dossier scored-dossier is assigned to jur (who declared no
                    conflict and submitted a sheet, sheet) and to conf (conflict confirmed, conflict);
                    free and chair have another dossier (assignment: jur's; membership: free's)
    council-round   scored and ranked, the council's meeting recorded by chair: awaiting approval
    approved-round  approved, not yet published, and published-round: published, with the signed scan,
                    certificates (certificate: own's) and a ZIP of them built by the secretariat (job); own's
                    winning dossier is its ASEAN nominee (asean-entry), asked for its supplement (supplement)
                    with a file (supplement-file)
    city-round      a City round, open, with an indicator; city-dossier is own's draft with an entry (city-entry)
                    and an indicator value
    session         an open session of an account in no column (nobody may end it but its owner)
    confirmation    the e-mail confirmation link of an account in no column, whose address is not confirmed
    user, token, invitation, code, honoured, calendar-day, file: another account, a password-reset link,
                    a council invitation not yet accepted (own: the invitee, a staff account; invitation-of: its
                    membership), a certificate's code, a name on the honoured list, a holiday, a stylesheet;
                    none: the URL names no object

A POST row is checked for the cells that refuse (4 and L): the answer, and that nothing changed.
Everyone signs in as in life: staff, endorsers and jurors pass their second step (tests.helpers.login); what a
session that gave only the password reaches is tests/accounts/test_second_factor.py's.
"""

COLUMNS = ("anon", "own", "other", "end=", "end≠", "sec", "jur", "conf", "free", "chair", "appr", "aud", "admin")

MATRIX = """
endpoint                           verb object          anon own other end= end≠ sec jur conf free chair appr aud admin
accounts.admin_edit                GET  user            L    4   4     4    4    4   4   4    4    4     4    4   A
accounts.admin_edit                POST user            L    4   4     4    4    4   4   4    4    4     4    4   A
accounts.admin_list                GET  none            L    4   4     4    4    4   4   4    4    4     4    4   A
accounts.admin_new                 GET  none            L    4   4     4    4    4   4   4    4    4     4    4   A
accounts.admin_new                 POST none            L    4   4     4    4    4   4   4    4    4     4    4   A
accounts.change_password           GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.change_password           POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.confirm_email             GET  confirmation    A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.confirm_email             POST confirmation    A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.email                     GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.end_other_sessions        POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.end_session               POST session         L    4   4     4    4    4   4   4    4    4     4    4   4
accounts.language                  POST none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.login                     GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.login                     POST none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.logout                    POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.my_sessions               GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.privacy                   GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.register                  GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.register                  POST none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.reset                     GET  token           A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.reset                     POST token           A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.reset_request             GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.reset_request             POST none            A    A   A     A    A    A   A   A    A    A     A    A   A
accounts.resend_confirmation       POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
accounts.session_alive             GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.admin_reset          POST user            L    4   4     4    4    4   4   4    4    4     4    4   A
second_factor.confirm              GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.confirm              POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.enrol                GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.enrol                POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.new_recovery_codes   POST none            L    4   4     A    A    A   A   A    A    A     A    A   A
second_factor.recovery             GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.recovery             POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.settings             GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.turn_off             POST none            L    4   4     4    4    4   4   4    4    4     4    4   4
second_factor.verify               GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
second_factor.verify               POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
approval.approve                   GET  council-round   L    4   4     4    4    A   4   4    4    4     A    A   4
approval.approve                   POST council-round   L    4   4     4    4    4   4   4    4    4     A    4   4
approval.publish                   POST approved-round  L    4   4     4    4    A   4   4    4    4     A    4   4
approval.results                   GET  published-round A    A   A     A    A    A   A   A    A    A     A    A   A
approval.results                   GET  approved-round  4    4   4     4    4    4   4   4    4    4     4    4   4
approval.return_proposal           POST council-round   L    4   4     4    4    4   4   4    4    4     A    4   4
approval.revoke                    POST published-round L    4   4     4    4    4   4   4    4    4     A    4   4
approval.scan                      GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
approval.upload_scan               POST approved-round  L    4   4     4    4    A   4   4    4    4     A    4   4
asean.delete_document              POST supplement-file L    A   4     4    4    A   4   4    4    4     4    4   4
asean.download                     GET  supplement-file L    A   4     4    4    A   4   4    4    4     A    A   4
asean.form_pdf                     GET  supplement      L    A   4     4    4    A   4   4    4    4     A    A   4
asean.package                      POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
asean.record_result                POST asean-entry     L    4   4     4    4    A   4   4    4    4     4    4   4
asean.request_supplements          POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
asean.requirements                 POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
asean.round_page                   GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
asean.round_page                   GET  council-round   L    4   4     4    4    4   4   4    4    4     4    4   4
asean.send                         POST supplement      L    A   4     4    4    4   4   4    4    4     4    4   4
asean.settings                     POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
asean.supplement                   GET  supplement      L    A   4     4    4    A   4   4    4    4     A    A   4
asean.supplement                   POST supplement      L    A   4     4    4    A   4   4    4    4     4    4   4
asean.upload                       POST supplement      L    A   4     4    4    A   4   4    4    4     4    4   4
audit.index                        GET  none            L    4   4     4    4    4   4   4    4    4     4    A   A
certificates.by_round              GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
certificates.download              GET  certificate     L    A   4     4    4    A   4   4    4    4     A    A   4
certificates.issue                 POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
certificates.verify                GET  code            A    A   A     A    A    A   A   A    A    A     A    A   A
certificates.verify_form           GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
certificates.zip_all               POST published-round L    4   4     4    4    A   4   4    4    4     4    4   4
dashboard.delete_account           GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
dashboard.delete_account           POST none            L    A   A     A    A    A   A   A    A    A     A    A   A
dashboard.healthz                  GET  none            A    A   A     A    A    A   A   A    A    A     A    A   A
dashboard.home                     GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
dashboard.my_data                  GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
eligibility.decide                 GET  screen-dossier  L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.decide                 POST screen-dossier  L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.decide                 POST submitted       L    4   4     4    4    4   4   4    4    4     4    4   4
eligibility.delete_honoured        POST honoured        L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.honoured               GET  none            L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.honoured               POST none            L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.queue                  GET  screen-round    L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.request_documents      POST screen-dossier  L    4   4     4    4    A   4   4    4    4     4    4   4
eligibility.send_documents         POST missing-docs    L    A   4     4    4    4   4   4    4    4     4    4   4
exports.decision_pdf               GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
exports.minutes_pdf                GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
exports.results_csv                GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
exports.results_xlsx               GET  published-round L    4   4     4    4    A   4   4    4    4     A    A   4
exports.results_xlsx_job           POST published-round L    4   4     4    4    A   4   4    4    4     A    A   4
jobs.result                        GET  job             L    4   4     4    4    A   4   4    4    4     4    4   4
jobs.show                          GET  job             L    4   4     4    4    A   4   4    4    4     4    4   4
jobs.status                        GET  job             L    4   4     4    4    A   4   4    4    4     4    4   4
jury.accept                        GET  invitation      L    A   4     4    4    4   4   4    4    4     4    4   4
jury.accept                        POST invitation      L    A   4     4    4    4   4   4    4    4     4    4   4
jury.assignments                   GET  score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.assignments                   POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.auto_assign                   POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.confirm                       GET  scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
jury.confirm                       POST scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
jury.conflicts                     GET  score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.conflicts                     POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.council                       GET  score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.council                       POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.decide_conflict               POST conflict        L    4   4     4    4    A   4   4    4    4     4    4   4
jury.declaration                   GET  score-round     L    4   4     4    4    4   A   A    A    A     4    4   4
jury.declaration                   POST score-round     L    4   4     4    4    4   A   A    A    A     4    4   4
jury.send_digests                  POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
jury.resend_invitation             POST invitation-of   L    4   4     4    4    A   4   4    4    4     4    4   4
jury.toggle_pin                    POST assignment      L    4   4     4    4    A   4   4    4    4     4    4   4
jury.unassign                      POST assignment      L    4   4     4    4    A   4   4    4    4     4    4   4
jury.withdraw_member               POST membership      L    4   4     4    4    A   4   4    4    4     4    4   4
nominations.by_round               GET  open-round      L    4   4     4    4    A   4   4    4    4     A    A   4
nominations.delete_document        POST draft-dossier   L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.delete_indicator_value POST city-entry      L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.download               GET  submitted       L    A   4     A    4    A   4   4    4    4     A    A   4
nominations.download               GET  draft-dossier   L    A   4     4    4    A   4   4    4    4     A    A   4
nominations.edit                   GET  draft-dossier   L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.edit                   POST draft-dossier   L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.autosave_dossier       POST draft-dossier   L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.edit                   GET  submitted       L    4   4     4    4    4   4   4    4    4     4    4   4
nominations.endorse                POST submitted       L    4   4     A    4    4   4   4    4    4     4    4   4
nominations.endorsement            GET  none            L    4   4     A    A    4   4   4    4    4     4    4   4
nominations.entry                  GET  city-entry      L    A   4     4    4    A   4   4    4    4     A    A   4
nominations.entry                  POST city-entry      L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.extend                 POST draft-dossier   L    4   4     4    4    A   4   4    4    4     4    4   4
nominations.mine                   GET  none            L    A   A     A    A    A   A   A    A    A     A    A   A
nominations.paper                  GET  open-round      L    4   4     4    4    A   4   4    4    4     4    4   4
nominations.paper                  POST open-round      L    4   4     4    4    A   4   4    4    4     4    4   4
nominations.receipt                GET  submitted       L    A   4     A    4    A   4   4    4    4     A    A   4
nominations.return_nomination      POST submitted       L    4   4     A    4    4   4   4    4    4     4    4   4
nominations.show                   GET  submitted       L    A   4     A    4    A   4   4    4    4     A    A   4
nominations.show                   GET  draft-dossier   L    A   4     4    4    A   4   4    4    4     A    A   4
nominations.show                   GET  scored-dossier  L    A   4     A    4    A   4   4    4    4     A    A   4
nominations.start                  POST open-round      L    A   A     4    4    4   4   4    4    4     4    4   4
nominations.thumbnail              GET  submitted       L    A   4     A    4    A   4   4    4    4     A    A   4
nominations.upload                 POST draft-dossier   L    A   4     4    4    4   4   4    4    4     4    4   4
nominations.withdraw               POST submitted       L    A   4     4    4    4   4   4    4    4     4    4   4
notifications.outbox               GET  none            L    4   4     4    4    A   4   4    4    4     4    4   A
ranking.compute                    POST score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
ranking.meeting                    GET  council-round   L    4   4     4    4    4   4   4    4    A     4    4   4
ranking.meeting                    POST council-round   L    4   4     4    4    4   4   4    4    A     4    4   4
ranking.show                       GET  council-round   L    4   4     4    4    A   A   A    A    A     A    A   4
ranking.show                       GET  score-round     L    4   4     4    4    A   4   4    4    4     A    A   4
rounds.advance                     POST open-round      L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.calendar                    GET  none            L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.calendar                    POST none            L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.copy                        GET  open-round      L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.copy                        POST open-round      L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.create                      GET  none            L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.create                      POST none            L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.delete_calendar_day         POST calendar-day    L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.delete_indicator            POST city-round      L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_groups                 GET  draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_groups                 POST draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_groups                 GET  open-round      L    4   4     4    4    4   4   4    4    4     4    4   4
rounds.edit_quotas                 GET  draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_quotas                 POST draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_rubric                 GET  draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_rubric                 POST draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_settings               GET  draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_settings               POST draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_tiers                  GET  draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.edit_tiers                  POST draft-round     L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.index                       GET  none            L    4   4     4    4    A   4   4    4    4     A    A   4
rounds.indicators                  GET  city-round      L    A   A     4    4    A   4   4    4    4     A    A   4
rounds.indicators                  POST city-round      L    4   4     4    4    A   4   4    4    4     4    4   4
rounds.show                        GET  open-round      L    A   A     4    4    A   4   4    4    4     A    A   4
rounds.show                        GET  draft-round     L    4   4     4    4    A   4   4    4    4     A    A   4
rounds.show                        GET  score-round     L    A   A     4    4    A   A   A    A    A     A    A   4
scoring.dashboard                  GET  none            L    4   4     4    4    4   A   A    A    A     4    4   4
scoring.declare_conflict           POST scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
scoring.document                   GET  scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
scoring.next_dossier               GET  score-round     L    4   4     4    4    4   A   A    A    A     4    4   4
scoring.reopen                     POST sheet           L    4   4     4    4    A   4   4    4    4     4    4   4
scoring.round_sheets               GET  score-round     L    4   4     4    4    A   4   4    4    4     4    4   4
scoring.sheet                      GET  scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
scoring.sheet                      POST scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
scoring.autosave_sheet             POST scored-dossier  L    4   4     4    4    4   A   4    4    4     4    4   4
static                             GET  file            A    A   A     A    A    A   A   A    A    A     A    A   A
"""


def rows() -> list[dict]:
    """The matrix as dictionaries: endpoint, method, object and one expectation per column."""
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert tuple(header[3:]) == COLUMNS, header
    result = []
    for cells in body:
        assert len(cells) == len(header), cells
        assert set(cells[3:]) <= {"A", "4", "L"}, cells
        result.append({"endpoint": cells[0], "method": cells[1], "object": cells[2],
                       "expect": dict(zip(COLUMNS, cells[3:], strict=True))})
    return result
