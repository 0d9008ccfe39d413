"""Jobs and e-mails run after the commit: on Redis with RQ when configured, in the process otherwise."""

import io
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from award_app.certificates.models import Certificate
from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs import tasks
from award_app.jobs.models import Job, JobState
from award_app.notifications import services as notifications
from award_app.notifications.models import OutboxMessage
from tests.approval.test_publication import approved_round, client_for
from tests.helpers import submit
from tests.nominations.factories import staff


def broken_commit() -> None:
    """A commit that fails at the database: a row pointing at a user who does not exist."""
    db.session.add(Job(kind="certificates_zip", created_by_id=987654))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_failed_commit_runs_no_job_in_process(app):
    secretariat = staff("secretariat")
    job = jobs.create("certificates_zip", round_id=None, actor=secretariat)
    jobs.start(job)
    broken_commit()
    db.session.commit()
    assert tasks.run_committed() == 0
    assert db.session.scalars(select(Job)).all() == []


def test_a_failed_commit_queues_no_job_on_redis(redis_app):
    secretariat = staff("secretariat")
    job = jobs.create("certificates_zip", round_id=None, actor=secretariat)
    jobs.start(job)
    broken_commit()
    db.session.commit()
    assert tasks.rq_queue().count == 0


def test_a_failed_commit_queues_no_e_mail_delivery_on_redis(redis_app):
    user = staff("secretariat")
    notifications.queue(user, "password_reset", link="http://x/reset", hours=1)
    broken_commit()
    assert tasks.rq_queue().count == 0 and db.session.scalars(select(OutboxMessage)).all() == []


def test_the_certificate_zip_waits_on_redis_until_a_worker_builds_it(redis_app):
    round_, _dossiers, secretariat, _approver, certificates = approved_round(redis_app)
    client = client_for(redis_app, secretariat)
    response = submit(client, f"/certificates/round/{round_.id}/zip", form_url=f"/certificates/round/{round_.id}")
    job = db.session.scalars(select(Job)).one()
    assert job.state == JobState.QUEUED
    assert [queued.args for queued in tasks.rq_queue().jobs].count(("jobs.run", job.id)) == 1
    assert "0 of 0 done" in client.get(response.location).get_data(as_text=True)

    tasks.start_worker(redis_app, burst=True)  # a forked work horse, as `flask worker` runs it

    db.session.expire_all()
    assert job.state == JobState.DONE and job.done == job.total == len(certificates)
    with client.get(f"/jobs/{job.id}/result") as download:
        names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert sorted(names) == sorted(f"{c.entry.nomination.reference}-{c.tier_code}-{c.code}.pdf"
                                   for c in db.session.scalars(select(Certificate)))


def test_a_job_run_twice_is_done_once(app):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    job = jobs.create("certificates_zip", round_id=round_.id, actor=secretariat)
    db.session.commit()
    jobs.run(job.id)
    first = (job.result_sha256, job.finished_at)
    jobs.run(job.id)
    db.session.expire_all()
    assert job.state == JobState.DONE and (job.result_sha256, job.finished_at) == first
    issued = db.session.scalars(select(Certificate)).all()
    assert len({c.entry_id for c in issued}) == len(issued) == job.total  # issued once, not twice


def test_a_message_already_claimed_by_another_worker_is_not_sent_again(app, monkeypatch):
    app.config["MAIL_SERVER"] = "smtp.invalid"
    sent = []
    monkeypatch.setattr(notifications, "_send", lambda message, config: sent.append(message.id))
    user = staff("secretariat")
    notifications.queue(user, "password_reset", link="http://x/reset", hours=1)
    db.session.commit()
    assert tasks.run_committed() == 1 and len(sent) == 1
    assert notifications.deliver_pending() == 0 and len(sent) == 1  # the second run finds nothing to send


def test_the_reminders_can_be_left_to_the_worker(redis_app):
    result = redis_app.test_cli_runner().invoke(args=["reminders", "send", "--queue", "--today", "2026-12-07"])
    assert "queued" in result.output
    assert [queued.args for queued in tasks.rq_queue().jobs] == [("reminders.send", "2026-12-07")]
    tasks.start_worker(redis_app, burst=True)
    assert tasks.rq_queue().count == 0 and len(tasks.rq_queue().failed_job_registry) == 0
