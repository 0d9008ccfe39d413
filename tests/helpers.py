"""Acting as a user through pages and forms."""

import re
import time

import pyotp

PASSWORD = "correct-horse-42"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET_PATTERN = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
STEP_SECONDS = 30


def csrf_token(client, url: str = "/accounts/login") -> str:
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def submit(client, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
    """POST a form as a browser would: read the CSRF token from the page that shows the form."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kwargs)


def login(client, user_or_email, password: str = PASSWORD):
    """Sign in with the password, then pass the second step as the user would (see pass_second_factor).
    Returns the password page's answer (its redirect is where the user was going)."""
    email = getattr(user_or_email, "email", user_or_email)
    response = submit(client, "/accounts/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    pass_second_factor(client, email)
    return response


def login_with_password_only(client, user_or_email, password: str = PASSWORD):
    """A half-signed-in session: the password given, the second step not."""
    email = getattr(user_or_email, "email", user_or_email)
    response = submit(client, "/accounts/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def pass_second_factor(client, email: str) -> None:
    """What the second step asks of this session: nothing (an applicant without it), a code from the account's
    app, or setting the app up (a role that requires it): the secret is read from the page, as a person types
    it into the app."""
    page = client.get("/accounts/second-factor/")
    if page.status_code == 302 and "/accounts/second-factor/enrol" in page.location:
        enrol_by_page(client)
    elif page.status_code == 200:
        answer = submit(client, "/accounts/second-factor/", {"code": fresh_code(email)})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:800]


def enrol_by_page(client) -> str:
    """Set up the app from the enrolment page; returns the page with the recovery codes."""
    page = client.get("/accounts/second-factor/enrol").get_data(as_text=True)
    secret = SECRET_PATTERN.search(page).group(1).replace(" ", "")
    answer = client.post("/accounts/second-factor/enrol", data={
        "csrf_token": CSRF_PATTERN.search(page).group(1), "code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 200 and "recovery-codes" in answer.get_data(as_text=True), \
        answer.get_data(as_text=True)[:800]
    return answer.get_data(as_text=True)


def fresh_code(email: str) -> str:
    """A code of the account's app not used yet. Each code works once; a test that signs the same account in
    twice within 30 seconds has the last used step moved back a step, as if the next code had come."""
    from award_app.accounts import second_factor
    from award_app.accounts.services import find_user_by_email
    from award_app.extensions import db

    user = find_user_by_email(email)
    secret = second_factor.unseal(user.totp_secret)
    step = int(time.time() // STEP_SECONDS)
    if user.totp_last_step is not None and user.totp_last_step >= step:
        user.totp_last_step = step - 1
        db.session.commit()
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


class Authenticator:
    """A phone's authenticator app, for servers whose database a test does not reach (another process, another
    SECRET_KEY): the keys it was given on the enrolment page and, per key, the last step it gave a code for.
    The server takes each code once and one step either side of its own: a third sign-in of the same account
    within one step waits for the next step."""

    def __init__(self):
        self.keys: dict[str, tuple[str, int]] = {}

    def __contains__(self, email: str) -> bool:
        return email in self.keys

    def add(self, email: str, secret: str) -> None:
        self.keys[email] = (secret, int(time.time() // STEP_SECONDS) - 2)

    def code(self, email: str) -> str:
        secret, last = self.keys[email]
        step = max(int(time.time() // STEP_SECONDS), last + 1)  # not the step before: it may end on the way
        while step > int(time.time() // STEP_SECONDS) + 1:
            time.sleep(1)
        self.keys[email] = (secret, step)
        return pyotp.TOTP(secret).at(step * STEP_SECONDS)


PHONE = Authenticator()
