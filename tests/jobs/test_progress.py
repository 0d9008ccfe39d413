"""A job's progress as its page's script reads it (JSON), the page without JavaScript (a <noscript> refresh),
and the way back to a running job from the page that started it."""

from award_app.extensions import db
from award_app.jobs import services as jobs
from award_app.jobs.models import JobState
from tests.approval.test_publication import approved_round, client_for
from tests.nominations.factories import staff


def running_job(owner, done: int, total: int, round_id: int | None = None):
    """A job as a worker leaves it part-way (the test plays the worker)."""
    job = jobs.create("certificates_zip", round_id=round_id, actor=owner)
    job.state, job.done, job.total = JobState.RUNNING, done, total
    db.session.commit()
    return job


def test_the_status_follows_the_work_without_reloading_the_page(app):
    owner = staff("secretariat")
    job = running_job(owner, 3, 12)
    client = client_for(app, owner)
    first = client.get(f"/jobs/{job.id}/status")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert first.get_json() == {"state": "running", "done": 3, "total": 12, "percent": 25,
                                "text": "3 of 12 done. You can leave this page and come back: the work goes on."}
    job.done = 9
    db.session.commit()
    assert client.get(f"/jobs/{job.id}/status").get_json()["percent"] == 75


def test_the_page_refreshes_itself_only_without_javascript(app):
    owner = staff("secretariat")
    job = running_job(owner, 1, 4)
    page = client_for(app, owner).get(f"/jobs/{job.id}").get_data(as_text=True)
    head = page.split("</head>")[0]
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in head
    assert head.count("http-equiv") == 1
    assert f'data-job-status-url="/jobs/{job.id}/status"' in page and "js/progress.js" in page
    assert '<progress max="100" value="25"' in page


def test_a_finished_job_gives_its_download_link_and_a_failed_one_its_error(app):
    owner = staff("secretariat")
    done, failed = running_job(owner, 4, 4), running_job(owner, 1, 4)
    done.state, done.result_name, done.result_sha256 = JobState.DONE, "giay-chung-nhan.zip", jobs.keep_bytes(b"PK")
    failed.state, failed.error = JobState.FAILED, "WeasyPrint could not find the font"
    db.session.commit()
    client = client_for(app, owner)
    assert client.get(f"/jobs/{done.id}/status").get_json() == {
        "state": "done", "done": 4, "total": 4, "percent": 100, "text": "Ready.",
        "result_url": f"/jobs/{done.id}/result", "download_text": "Download giay-chung-nhan.zip"}
    assert client.get(f"/jobs/{failed.id}/status").get_json()["text"] == \
        "The work failed: WeasyPrint could not find the font"
    page = client.get(f"/jobs/{done.id}").get_data(as_text=True)
    assert "http-equiv" not in page and "data-job-status-url" not in page


def test_only_the_user_who_started_the_job_sees_it(app):
    owner, colleague = staff("secretariat"), staff("secretariat")
    job = running_job(owner, 1, 4)
    other = client_for(app, colleague)
    assert other.get(f"/jobs/{job.id}/status").status_code == 404
    assert other.get(f"/jobs/{job.id}").status_code == 404
    assert other.get("/jobs/999999/status").status_code == 404
    anonymous = app.test_client().get(f"/jobs/{job.id}/status")
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.location


def test_the_certificates_page_leads_back_to_the_users_latest_zip(app):
    round_, _dossiers, secretariat, _approver, _certificates = approved_round(app)
    older = running_job(secretariat, 2, 3, round_.id)
    older.state = JobState.FAILED
    job = running_job(secretariat, 2, 8, round_.id)
    page = client_for(app, secretariat).get(f"/certificates/round/{round_.id}").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in page and f'data-job-status-url="/jobs/{job.id}/status"' in page
    assert "2 of 8 done" in page and f"/jobs/{older.id}" not in page
    colleague = staff("secretariat")
    other_page = client_for(app, colleague).get(f"/certificates/round/{round_.id}").get_data(as_text=True)
    assert "/jobs/" not in other_page
