from sqlalchemy import select

from award_app.audit.models import AuditEvent
from award_app.extensions import db
from award_app.rounds.models import Round, RoundState
from tests.helpers import submit


def _only_round() -> Round:
    db.session.expire_all()
    return db.session.scalars(select(Round)).one()


def test_the_secretariat_creates_edits_and_opens_a_round(client, signed_in):
    signed_in("secretariat")
    page = client.get("/rounds/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    for name in ("Giải thưởng Trường học sinh thái ASEAN", "Giải thưởng Thanh niên môi trường ASEAN",
                 "Giải thưởng Thành phố bền vững về môi trường ASEAN"):
        assert name in page

    response = submit(client, "/rounds/new/eco_school", {"edition": "1", "year": "2026"})
    assert response.status_code == 302
    round_ = _only_round()
    assert round_.state == RoundState.DRAFT

    settings_url = f"/rounds/{round_.id}/settings"
    response = submit(client, settings_url, {
        "version": str(round_.version), "theme_vi": "Trường học xanh", "theme_en": "Green schools",
        "organiser_name": "Bộ Nông nghiệp và Môi trường", "founding_decision": "Quyết định số 101/QĐ-BNNMT",
        "opens_at": "2026-03-01T08:00", "closes_at": "2026-05-31T17:00", "scoring_deadline": "2026-07-15T17:00",
        "council_meeting_on": "2026-07-30", "endorsement_required": "y", "jurors_per_nomination": "5",
        "prize_threshold": "55,5", "asean_threshold": "70", "spread_flag_points": "20",
        "score_visibility": "after_own", "retention_years": "5",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = _only_round()
    assert round_.closes_at.isoformat() == "2026-05-31T10:00:00+00:00"  # 17:00 in Viet Nam
    assert str(round_.prize_threshold) == "55.50" and round_.jurors_per_nomination == 5

    show = client.get(f"/rounds/{round_.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "31/05/2026 17:00" in show and "Trường học xanh" in show

    response = submit(client, f"/rounds/{round_.id}/advance", {"to_state": "open"}, form_url=f"/rounds/{round_.id}")
    assert response.status_code == 302
    assert _only_round().state == RoundState.OPEN
    assert client.get(settings_url).status_code == 404  # no longer editable
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.round_id == round_.id)).all()
    assert actions == ["round.created", "round.settings_changed", "round.state_changed"]


def test_a_stale_settings_form_comes_back_with_the_input_kept(client, signed_in):
    signed_in("secretariat")
    submit(client, "/rounds/new/youth", {"edition": "1", "year": "2026"})
    round_ = _only_round()
    old_version = round_.version
    form = {"organiser_name": "Bộ Nông nghiệp và Môi trường", "jurors_per_nomination": "3",
            "prize_threshold": "50", "asean_threshold": "70", "spread_flag_points": "20",
            "score_visibility": "after_own", "retention_years": "5"}
    url = f"/rounds/{round_.id}/settings"
    assert submit(client, url, {**form, "version": str(old_version), "theme_vi": "Bản đầu"}).status_code == 302
    response = submit(client, url, {**form, "version": str(old_version), "theme_vi": "Bản cũ của tôi"},
                      headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this in the meantime" in page
    assert 'value="Bản cũ của tôi"' in page
    assert _only_round().theme_vi == "Bản đầu"


def test_bad_numbers_get_a_message_in_the_users_language(client, signed_in):
    signed_in("secretariat")
    submit(client, "/rounds/new/youth", {"edition": "1", "year": "2026"})
    round_ = _only_round()
    response = submit(client, f"/rounds/{round_.id}/settings", {
        "version": str(round_.version), "organiser_name": "Bộ", "jurors_per_nomination": "ba",
        "prize_threshold": "NaN", "asean_threshold": "170", "spread_flag_points": "20",
        "score_visibility": "after_own", "retention_years": "5"}, headers={"Accept-Language": "vi"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nhập một số nguyên." in page
    assert page.count('class="error"') >= 3


def test_a_rubric_is_edited_and_the_round_copied(client, signed_in):
    signed_in("secretariat")
    submit(client, "/rounds/new/eco_school", {"edition": "1", "year": "2026"})
    round_ = _only_round()
    rubric = round_.rubrics[0]
    data = {"version": str(round_.version)}
    for i, c in enumerate(rubric.criteria):
        data |= {f"criteria-{i}-id": str(c.id), f"criteria-{i}-name_vi": c.name_vi, f"criteria-{i}-name_en": c.name_en,
                 f"criteria-{i}-max_points": str(c.max_points + (5 if i == 0 else 0))}
    response = submit(client, f"/rounds/{round_.id}/rubrics/{rubric.id}", data)
    assert response.status_code == 302
    assert [c.max_points for c in _only_round().rubrics[0].criteria] == [30, 25, 25, 25]
    response = submit(client, f"/rounds/{round_.id}/copy", {"edition": "2", "year": "2027"})
    assert response.status_code == 302
    db.session.expire_all()
    copy = db.session.scalars(select(Round).where(Round.edition == 2)).one()
    assert [c.max_points for c in copy.rubrics[0].criteria] == [30, 25, 25, 25]


def test_round_pages_answer_404_to_those_who_may_not_see_them(client, signed_in, make_user):
    from award_app.rounds.models import Programme, ProgrammeCode
    from award_app.rounds.services import create_round

    draft = create_round(db.session.get(Programme, ProgrammeCode.CITY), edition=1, year=2026)
    db.session.commit()
    signed_in("applicant")
    for url in ("/rounds/", f"/rounds/{draft.id}", f"/rounds/{draft.id}/settings", "/rounds/new/city",
                "/rounds/calendar/2026", f"/rounds/{draft.id + 99}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/rounds/{draft.id}/advance", data={"to_state": "open"}).status_code == 400  # no token


def test_the_auditor_reads_rounds_but_cannot_change_them(client, signed_in):
    from award_app.rounds.models import Programme, ProgrammeCode
    from award_app.rounds.services import create_round

    round_ = create_round(db.session.get(Programme, ProgrammeCode.YOUTH), edition=1, year=2026)
    db.session.commit()
    signed_in("auditor")
    assert client.get(f"/rounds/{round_.id}").status_code == 200
    assert client.get(f"/rounds/{round_.id}/settings").status_code == 404
    assert client.get("/rounds/new/youth").status_code == 404


def test_the_secretariat_edits_the_calendar(client, signed_in):
    signed_in("secretariat")
    response = submit(client, "/rounds/calendar/2027", {
        "day": "2027-02-06", "kind": "makeup_workday", "name_vi": "Làm bù Tết", "name_en": "Tết make-up day"})
    assert response.status_code == 302
    page = client.get("/rounds/calendar/2027", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "06/02/2027" in page and "Làm bù Tết" in page
    response = submit(client, "/rounds/calendar/2027", {
        "day": "2027-02-08", "kind": "makeup_workday", "name_vi": "Sai", "name_en": "Wrong"},
        headers={"Accept-Language": "en"})
    assert "must be a Saturday" in response.get_data(as_text=True)
