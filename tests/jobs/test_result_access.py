"""A job's result is the maker's only while they hold the permission that made it (issue 15, point 8): the
permission is asked again at every request, and a user who lost it gets 404, as for a job that is not theirs."""

import pytest

from award_app.accounts.models import Role
from award_app.accounts.services import set_roles
from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs.models import JobState
from tests.approval.test_publication import approved_round, client_for
from tests.helpers import submit


def status(client, page: str) -> int:
    with client.get(page) as response:  # a file response is closed after reading
        return response.status_code


def finished_job(app, client, round_, start_url: str):
    response = submit(client, start_url, form_url=f"/approval/round/{round_.id}")
    assert response.status_code == 302 and "/jobs/" in response.location
    job = db.session.get(jobs.Job, int(response.location.rstrip("/").rsplit("/", 1)[-1]))
    assert job.state == JobState.DONE
    return job


@pytest.mark.parametrize(("start", "left_with"), [
    ("/certificates/round/{id}/zip", {Role.AUDITOR}),   # an auditor reads rounds but does not manage them
    ("/exports/round/{id}/results.xlsx/job", set()),
])
def test_a_maker_who_loses_the_role_loses_the_result(app, start, left_with):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    client = client_for(app, secretariat)
    job = finished_job(app, client, round_, start.format(id=round_.id))
    pages = [f"/jobs/{job.id}", f"/jobs/{job.id}/status", f"/jobs/{job.id}/result"]
    assert [status(client, page) for page in pages] == [200, 200, 200]

    set_roles(secretariat, left_with)
    db.session.commit()
    client = client_for(app, secretariat)
    assert [status(client, page) for page in pages] == [404, 404, 404]

    set_roles(secretariat, {Role.SECRETARIAT})  # given back, the result is theirs again
    db.session.commit()
    assert status(client_for(app, secretariat), pages[-1]) == 200


def test_another_user_with_the_same_role_cannot_take_the_result(app):
    from tests.nominations.factories import staff

    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    job = finished_job(app, client_for(app, secretariat), round_, f"/certificates/round/{round_.id}/zip")
    assert status(client_for(app, staff("secretariat")), f"/jobs/{job.id}/result") == 404
