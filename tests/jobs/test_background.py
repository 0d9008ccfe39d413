"""Without Redis and without JOBS_RUN_INLINE, the work a request starts runs in a thread of the web process
after the response is ready: the POST answers at once, the job's progress shows while it runs, its result or
its error is recorded on the job, and it runs once."""

import io
import threading
import zipfile

import pytest
from sqlalchemy import select

from award_app.certificates.models import Certificate
from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs import tasks
from award_app.jobs.models import Job, JobState
from award_app.notifications import services as notifications
from tests.approval.test_publication import approved_round, client_for
from tests.helpers import submit
from tests.nominations.factories import approve, council_round, staff

WAIT_SECONDS = 30


@pytest.fixture
def threaded(app):
    app.config["JOBS_RUN_INLINE"] = False
    yield app
    assert tasks.wait_for_background(WAIT_SECONDS), "a background task did not end"


def start_zip(app, round_, secretariat):
    client = client_for(app, secretariat)
    response = submit(client, f"/certificates/round/{round_.id}/zip", form_url=f"/certificates/round/{round_.id}")
    assert response.status_code == 302
    return client, db.session.scalars(select(Job)).one()


def status(client, job: Job) -> dict:
    return client.get(f"/jobs/{job.id}/status").get_json()


def test_the_post_answers_while_the_job_still_runs_and_its_progress_shows(threaded, monkeypatch):
    round_, _dossiers, secretariat, _approver, certificates = approved_round(threaded)
    halfway, finish = threading.Event(), threading.Event()

    def slow_zip(job, progress):
        progress(1, 3)
        halfway.set()
        assert finish.wait(WAIT_SECONDS), "the test never let the job finish"
        progress(3, 3)
        return b"PK\x05\x06" + bytes(18), "slow.zip"

    monkeypatch.setitem(jobs.WORK, "certificates_zip", slow_zip)
    client, job = start_zip(threaded, round_, secretariat)
    assert halfway.wait(WAIT_SECONDS)
    answer = status(client, job)
    assert (answer["state"], answer["done"], answer["total"], answer["percent"]) == ("running", 1, 3, 33)
    assert "1 of 3 done" in client.get(f"/jobs/{job.id}").get_data(as_text=True)

    finish.set()
    assert tasks.wait_for_background(WAIT_SECONDS)
    answer = status(client, job)
    assert answer["state"] == "done" and answer["result_url"] == f"/jobs/{job.id}/result"
    with client.get(answer["result_url"]) as download:
        assert download.data == b"PK\x05\x06" + bytes(18)


def test_the_threaded_job_issues_and_packs_the_certificates(threaded):
    round_, _dossiers, secretariat, council, run = council_round()
    approve(round_, run, staff("approver"))  # approved, no certificate issued yet: the ZIP issues them
    client, job = start_zip(threaded, round_, secretariat)
    assert tasks.wait_for_background(WAIT_SECONDS)
    db.session.commit()  # a new snapshot: the thread wrote since
    issued = db.session.scalars(select(Certificate)).all()
    assert job.state == JobState.DONE and issued
    assert job.done == job.total == 2 * len(issued)  # each drawn, then packed
    with client.get(f"/jobs/{job.id}/result") as download:
        names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert sorted(names) == sorted(f"{c.entry.nomination.reference}-{c.tier_code}-{c.code}.pdf" for c in issued)


def test_a_failing_job_in_the_thread_records_its_error(threaded, monkeypatch):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(threaded)

    def broken(job, progress):
        progress(1, 2)
        raise RuntimeError("the file store is full")

    monkeypatch.setitem(jobs.WORK, "certificates_zip", broken)
    client, job = start_zip(threaded, round_, secretariat)
    assert tasks.wait_for_background(WAIT_SECONDS)
    answer = status(client, job)
    assert answer["state"] == "failed" and "the file store is full" in answer["text"]


def test_two_threads_given_the_same_job_run_it_once(threaded, monkeypatch):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(threaded)
    runs = []

    def counted(job, progress):
        runs.append(job.id)
        return b"x", "x.zip"

    monkeypatch.setitem(jobs.WORK, "certificates_zip", counted)
    job = jobs.create("certificates_zip", round_id=round_.id, actor=secretariat)
    db.session.commit()
    for _ in range(2):
        tasks.run_in_background(threaded, [("jobs.run", (job.id,))])
    assert tasks.wait_for_background(WAIT_SECONDS)
    db.session.commit()  # a new snapshot: the thread wrote since
    assert runs == [job.id] and job.state == JobState.DONE


def test_an_e_mail_a_request_queues_is_sent_by_the_thread(threaded, monkeypatch):
    threaded.config["MAIL_SERVER"] = "smtp.invalid"
    sent = []
    monkeypatch.setattr(notifications, "_send", lambda message, config: sent.append(message.to_email))
    user = staff("secretariat")
    db.session.commit()
    client = threaded.test_client()
    submit(client, "/accounts/reset", {"email": user.email})
    assert tasks.wait_for_background(WAIT_SECONDS)
    assert sent == [user.email]
