"""P3: every list page and dashboard runs a constant number of SQL queries, whatever the number of rows.

Two rounds of each programme are built in bulk (bench/world.py): one with 10 dossiers, one with 100, each with a
council of 5 jurors and 5 jurors per dossier, so that a juror has every dossier of the round. Each page is asked
once to warm up, then counted."""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select
from werkzeug.security import generate_password_hash

from award_app.accounts.models import User
from award_app.approval.models import Decision
from award_app.extensions import db
from award_app.ranking import services as ranking
from award_app.rounds.models import Round, RoundState
from bench import world
from tests.helpers import login

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def counted_queries():
    """The statements the database runs inside the block, one list item each."""
    executed = []

    def count(*_args):
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield executed
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _world(app, rows: int, seed: int):
    hashed = generate_password_hash(world.PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
    made = world.build(rows * 3, 15, 5, seed=seed, password_hash=hashed)
    secretariat = db.session.scalar(select(User).where(User.email == made.secretariat_email))
    ranking.compute(db.session.get(Round, made.rounds[0]), actor=secretariat)
    db.session.commit()
    return made


def _pages(made) -> dict[str, tuple[str, str]]:
    round_id = made.rounds[0]
    juror = made.jurors[round_id][0]
    return {
        "juror_dashboard": ("juror", "/scoring/"),
        "score_sheet": ("juror", f"/scoring/entries/{made.submitted[juror][0]}"),
        "nomination_list": ("staff", f"/nominations/round/{round_id}"),
        "ranking": ("staff", f"/ranking/round/{round_id}"),
    }


def _count(app, client, url: str) -> tuple[int, str]:
    client.get(url)
    with counted_queries() as executed:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(executed), response.get_data(as_text=True)


@pytest.fixture
def worlds(app):
    return {rows: _world(app, rows, seed) for rows, seed in ((10, 1), (100, 2))}


@pytest.mark.parametrize("page", ["juror_dashboard", "score_sheet", "nomination_list", "ranking"])
def test_queries_do_not_grow_with_rows(app, worlds, page):
    counts = {}
    for rows, made in worlds.items():
        juror = made.jurors[made.rounds[0]][0]
        client = app.test_client()
        if _pages(made)[page][0] == "juror":
            login(client, made.juror_emails[juror], world.PASSWORD)
        else:
            login(client, made.secretariat_email, world.PASSWORD)
        counts[rows], html = _count(app, client, _pages(made)[page][1])
        if page in ("nomination_list", "ranking"):  # the rows are on the page
            assert html.count(f"-B{made.rounds[0]}-") >= rows
    assert counts[10] == counts[100], counts


def test_score_sheet_save_runs_as_many_queries_for_a_juror_of_10_or_100_dossiers(app, worlds):
    counts = {}
    for rows, made in worlds.items():
        juror = made.jurors[made.rounds[0]][0]
        client = app.test_client()
        login(client, made.juror_emails[juror], world.PASSWORD)
        url = f"/scoring/entries/{made.drafts[juror][0]}"
        page = client.get(url).get_data(as_text=True)
        form = {"csrf_token": CSRF.search(page).group(1), "action": "save",
                "version": re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)}
        for index, criterion in re.findall(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"', page):
            form.update({f"scores-{index}-criterion_id": criterion, f"scores-{index}-points": "3",
                         f"scores-{index}-comment": "Đang chấm."})
        with counted_queries() as executed:
            response = client.post(url, data=form)
        assert response.status_code == 302
        counts[rows] = len(executed)
    assert counts[10] == counts[100], counts


def test_long_lists_come_in_pages_that_together_show_every_row(app, worlds):
    """The juror with 100 dossiers sees them 25 a page, each once."""
    made = worlds[100]
    round_id = made.rounds[0]
    juror = made.jurors[round_id][0]
    client = app.test_client()
    login(client, made.juror_emails[juror], world.PASSWORD)
    seen = []
    for page in range(1, 5):
        html = client.get(f"/scoring/?page_{round_id}={page}").get_data(as_text=True)
        seen += re.findall(rf"[A-Z]+-B{round_id}-\d{{5}}", html)
    assert len(seen) == 100 and len(set(seen)) == 100


def _approved(made) -> int:
    """The first round approved on its ranking, as the approval stage leaves it."""
    round_ = db.session.get(Round, made.rounds[0])
    db.session.add(Decision(round_id=round_.id, ranking_run_id=ranking.latest_run(round_).id, number="1500/QĐ-BNNMT",
                            signed_on=date(2026, 12, 15), signer_name="Lê Minh Đức", signer_title="KT. BỘ TRƯỞNG",
                            approved_by_id=made.approver_id))
    round_.state = RoundState.APPROVED
    db.session.commit()
    return round_.id


def test_the_xlsx_export_runs_as_many_queries_for_10_or_100_dossiers(app, worlds):
    counts = {}
    for rows, made in worlds.items():
        round_id = _approved(made)
        client = app.test_client()
        login(client, made.secretariat_email, world.PASSWORD)
        url = f"/exports/round/{round_id}/results.xlsx"
        client.get(url)
        with counted_queries() as executed:
            response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"PK")  # a ZIP: the workbook
        counts[rows] = len(executed)
    assert counts[10] == counts[100], counts
