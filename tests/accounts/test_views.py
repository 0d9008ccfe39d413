import re

import pytest
from sqlalchemy import select

from award_app.accounts.models import ApplicantKind, Role, User
from award_app.audit.models import AuditEvent
from award_app.extensions import db
from tests.helpers import PASSWORD, login, submit

REGISTRATION = {
    "full_name": "Đỗ Thị Thanh Hương",
    "email": "Huong@Truong.edu.vn",
    "applicant_kind": "school",
    "organisation": "Trường THCS Nguyễn Trãi",
    "province_id": "ha-noi-34",
    "phone": "0912 345 678",
    "password": "mat-khau-rat-dai",
    "confirm": "mat-khau-rat-dai",
    "consent": "y",
}


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_applicant_registers_with_consent_then_signs_in(client):
    response = submit(client, "/accounts/register", REGISTRATION)
    assert response.status_code == 302 and response.location == "/accounts/login"
    user = db.session.scalars(select(User)).one()
    assert user.email == "huong@truong.edu.vn"
    assert user.roles == {Role.APPLICANT}
    assert user.applicant_kind == ApplicantKind.SCHOOL
    assert user.consent_at is not None and user.privacy_notice_version
    assert user.password_hash != REGISTRATION["password"]
    assert len(_events("account.registered")) == 1
    login(client, user, REGISTRATION["password"])
    home = client.get("/").get_data(as_text=True)
    assert "Đỗ Thị Thanh Hương" in home


def test_registration_without_consent_keeps_what_was_typed(client):
    response = submit(client, "/accounts/register", {**REGISTRATION, "consent": ""},
                      headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required." in page
    assert 'value="Trường THCS Nguyễn Trãi"' in page
    assert db.session.scalars(select(User)).all() == []


def test_registration_offers_only_provinces_valid_today(client):
    page = client.get("/accounts/register").get_data(as_text=True)
    assert 'value="ha-noi-34"' in page
    assert 'value="ha-giang-63"' not in page


def test_unknown_account_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user("secretariat")
    wrong = submit(client, "/accounts/login", {"email": user.email, "password": "not-the-password"})
    unknown = submit(client, "/accounts/login", {"email": "nobody@example.vn", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 200
    flashes = [re.findall(r'class="flash error"[^>]*>([^<]+)<', r.get_data(as_text=True)) for r in (wrong, unknown)]
    assert flashes[0] == flashes[1] == ["Email hoặc mật khẩu không đúng."]
    assert len(_events("auth.sign_in_failed")) == 2


def test_sign_in_follows_only_local_next_targets(client, make_user):
    user = make_user("secretariat")
    for target, expected in (("/rounds/", "/rounds/"), ("https://evil.example/", "/"), ("//evil.example", "/"),
                             ("/\\evil.example", "/"), ("/%0D%0ASet-Cookie:x=1", "/"), ("/%0A", "/"),
                             ("/%09/evil.example", "/"), ("/" + "a" * 3000, "/")):
        client.get("/")  # fresh page
        response = submit(client, f"/accounts/login?next={target}",
                          {"email": user.email, "password": PASSWORD}, form_url="/accounts/login")
        assert response.location == expected, target
        submit(client, "/accounts/logout", form_url="/accounts/second-factor/enrol")  # half signed in until then


def test_the_language_switch_follows_no_control_characters(client):
    client.get("/")
    for target in ("/\n", "/\r\nX-Injected: 1", "/\t"):
        response = submit(client, "/accounts/language", {"lang": "en", "next": target}, form_url="/accounts/login")
        assert response.status_code in (302, 303) and response.location == "/", target


def test_signing_out_needs_a_post_and_ends_the_session(client, make_user):
    user = make_user("secretariat")
    login(client, user)
    assert client.get("/accounts/logout").status_code == 405
    submit(client, "/accounts/logout", form_url="/")
    assert client.get("/rounds/").status_code == 302


def test_a_password_change_ends_the_other_sessions(app, make_user):
    user = make_user("secretariat")
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = submit(first, "/accounts/password", {
        "current": PASSWORD, "password": "a-brand-new-secret", "confirm": "a-brand-new-secret"})
    assert response.status_code == 302
    assert first.get("/rounds/").status_code == 200
    assert second.get("/rounds/").status_code == 302  # the old cookie no longer signs in


def test_a_disabled_account_cannot_sign_in(client, make_user):
    from award_app.accounts.services import set_active

    user = make_user("secretariat")
    set_active(user, False)
    db.session.commit()
    response = submit(client, "/accounts/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/rounds/").status_code == 302


def test_an_admin_creates_a_staff_account_and_gives_endorser_scopes(client, signed_in):
    signed_in("admin")
    response = submit(client, "/accounts/admin/new", {
        "full_name": "Trần Thị Thu", "email": "thu@monre.gov.vn", "organisation": "Văn phòng ASOEN",
        "roles": ["secretariat"], "password": "hoa-sen-tren-mai-nha"})
    assert response.status_code == 302
    staff = db.session.scalars(select(User).where(User.email == "thu@monre.gov.vn")).one()
    assert staff.roles == {Role.SECRETARIAT}
    response = submit(client, f"/accounts/admin/{staff.id}", {
        "roles": ["secretariat", "auditor"], "endorser_scopes": ["ha-noi-34|eco_school"], "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert staff.roles == {Role.SECRETARIAT, Role.AUDITOR}
    assert [(s.province_id, s.programme_code) for s in staff.endorser_scopes] == [("ha-noi-34", "eco_school")]
    assert len(_events("account.roles_changed")) == 1


def test_account_pages_are_invisible_to_everyone_but_the_admin(client, signed_in, make_user):
    other = make_user("auditor")
    signed_in("secretariat", "approver", "auditor")
    for url in ("/accounts/admin/", "/accounts/admin/new", f"/accounts/admin/{other.id}"):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/", "/rounds/", "/accounts/admin/", "/accounts/password"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response.location, url


def test_an_admin_keeps_their_own_administrator_role_and_account(client, signed_in, make_user):
    make_user("admin")  # not the last one: the refusal is about the account being the admin's own
    admin = signed_in("admin")
    response = submit(client, f"/accounts/admin/{admin.id}", {"roles": ["secretariat"], "active": "y"})
    assert "Bạn không thể tự gỡ vai trò quản trị" in response.get_data(as_text=True)
    response = submit(client, f"/accounts/admin/{admin.id}", {"roles": ["admin"]})  # "active" unticked
    assert "Bạn không thể tự gỡ vai trò quản trị" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.roles == {Role.ADMIN} and admin.is_active_account


def test_the_last_active_administrator_stays_whoever_asks(app, make_user):
    """The rule is the service's: the command line or a script cannot lock everyone out either."""
    from award_app.accounts import services
    from award_app.errors import InvalidTransition

    last = make_user("admin")
    disabled = make_user("admin")
    services.set_active(disabled, False)
    with pytest.raises(InvalidTransition):
        services.set_roles(last, {Role.SECRETARIAT})
    with pytest.raises(InvalidTransition):
        services.set_active(last, False)
    assert last.roles == {Role.ADMIN} and last.is_active_account
    services.set_active(disabled, True)
    services.set_roles(last, {Role.SECRETARIAT})  # another active administrator remains
    assert last.roles == {Role.SECRETARIAT}
