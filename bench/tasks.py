"""The benchmark's in-process measurements, each run in a process of its own so that it reports its own peak
memory: `python -m bench.tasks NAME STATE_JSON` prints one JSON object. The app is the production one
(AWARD_CONFIG=production, DATABASE_URL, SECRET_KEY … from the environment, set by bench/run.py)."""

import io
import json
import logging
import re
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import event, select, text, update

from award_app import create_app
from award_app.extensions import db

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
CRITERION = re.compile(r'name="scores-(\d+)-criterion_id" type="hidden" value="(\d+)"')
CERTIFICATES = 1000


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set of this process (and, if asked, of its largest finished child), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if children else 0
    return round(max(own, kids) / 1024, 1)


class RequestClient(FlaskClient):
    """Each request in an app context of its own, as in a server: no `g` (signed-in user) or database session
    shared between clients or with the task."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def client_of(app) -> FlaskClient:
    app.test_client_class = RequestClient
    return app.test_client()


def login(client, email: str, password: str) -> None:
    page = client.get("/accounts/login").get_data(as_text=True)
    response = client.post("/accounts/login", data={"email": email, "password": password,
                                                    "csrf_token": CSRF.search(page).group(1)})
    if response.status_code != 302:
        raise RuntimeError(f"login of {email} refused ({response.status_code})")


def sheet_form(page: str, points: int) -> dict:
    """What a juror's browser sends to save the sheet as a draft."""
    data = {"csrf_token": CSRF.search(page).group(1), "version": VERSION.search(page).group(1), "action": "save"}
    for index, criterion_id in CRITERION.findall(page):
        data.update({f"scores-{index}-criterion_id": criterion_id, f"scores-{index}-points": str(points),
                     f"scores-{index}-comment": "Đang chấm."})
    return data


# --- building ---------------------------------------------------------------------------------

def build(app, state: dict) -> dict:
    from flask_migrate import upgrade

    from award_app.rounds.services import seed_reference_data
    from bench import world

    start = time.perf_counter()
    upgrade()
    seed_reference_data()
    db.session.commit()
    made = world.build(state["nominations"], state["jurors"], state["k"])
    # Planner statistics, as autovacuum gathers them on a live server within a minute of such a load: without
    # them PostgreSQL plans the first queries on a database it believes empty (the ranking took 1.0 s, not 0.65).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"build_s": round(time.perf_counter() - start, 2), "world": made.__dict__}


def ranking(app, state: dict) -> dict:
    """Ranking of every round (all 5,000 dossiers), normalisation and reliability included."""
    from award_app.accounts.models import User
    from award_app.ranking import services
    from award_app.rounds.models import Round

    secretariat = db.session.scalar(select(User).where(User.email == state["world"]["secretariat_email"]))
    seconds, entries = 0.0, 0
    for round_id in state["world"]["rounds"]:
        round_ = db.session.get(Round, round_id)
        start = time.perf_counter()
        run = services.compute(round_, actor=secretariat)
        db.session.commit()
        seconds += time.perf_counter() - start
        entries += len(run.rows)
        valid = run.parameters["normalisation"]["valid"]
    return {"ranking_s": round(seconds, 3), "entries": entries, "normalisation_valid": valid}


# --- SQL queries per request --------------------------------------------------------------------

def _count_pages(app, made, password: str) -> dict:
    """Queries of each page for one small world (10 or 100 rows per page)."""
    counted = {"n": 0}

    def count(*_args):
        counted["n"] += 1

    round_id = made.rounds[0]
    juror = made.jurors[round_id][0]
    juror_client, staff_client = client_of(app), client_of(app)
    login(juror_client, made.juror_emails[juror], password)
    login(staff_client, made.secretariat_email, password)
    submitted, draft = made.submitted[juror][0], made.drafts[juror][0]
    post_form = sheet_form(juror_client.get(f"/scoring/entries/{draft}").get_data(as_text=True), 7)
    pages = {
        "juror_dashboard": (juror_client, "get", "/scoring/", None, 200),
        "score_sheet_get": (juror_client, "get", f"/scoring/entries/{submitted}", None, 200),
        "score_sheet_post": (juror_client, "post", f"/scoring/entries/{draft}", post_form, 302),
        "nomination_list": (staff_client, "get", f"/nominations/round/{round_id}", None, 200),
        "ranking": (staff_client, "get", f"/ranking/round/{round_id}", None, 200),
    }
    result = {}
    engine = db.engine
    for name, (client, method, url, data, expected) in pages.items():
        getattr(client, method)(url, data=data)  # warm: the first request of a client builds its session
        if method == "post":
            data = sheet_form(client.get(url).get_data(as_text=True), 8)
        counted["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        response = getattr(client, method)(url, data=data)
        event.remove(engine, "before_cursor_execute", count)
        if response.status_code != expected:
            raise RuntimeError(f"{name}: {url} answered {response.status_code}")
        result[name] = counted["n"]
    return result


def queries(app, state: dict) -> dict:
    """Each page with 10 and with 100 rows: two small worlds (one council of 5 jurors per programme, k = 5,
    so each juror has every dossier of the round), each in a SQLite database of its own."""
    from werkzeug.security import generate_password_hash

    from award_app.accounts.models import User
    from award_app.ranking import services
    from award_app.rounds.models import Round
    from award_app.rounds.services import seed_reference_data
    from bench import world

    counts: dict[str, dict] = {}
    hashed = generate_password_hash(world.PASSWORD, method="pbkdf2:sha256:1000")
    with tempfile.TemporaryDirectory() as folder:
        for rows in (10, 100):
            # The in-process test client names the host "localhost", not PUBLIC_URL's.
            small = create_app({"AWARD_CONFIG": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/q{rows}.db",
                                "UPLOAD_FOLDER": f"{folder}/uploads", "TRUSTED_HOSTS": ["localhost"]})
            with small.app_context():
                db.create_all()
                seed_reference_data()
                db.session.commit()
                made = world.build(rows * 3, 15, 5, password_hash=hashed)
                secretariat = db.session.scalar(select(User).where(User.email == made.secretariat_email))
                services.compute(db.session.get(Round, made.rounds[0]), actor=secretariat)
                db.session.commit()
                for name, n in _count_pages(small, made, world.PASSWORD).items():
                    counts.setdefault(name, {})[f"rows_{rows}"] = n
                db.engine.dispose()
    return {"queries": counts}


# --- certificates -------------------------------------------------------------------------------

class _FallbackSeen(logging.Handler):
    def __init__(self):
        super().__init__()
        self.seen = False

    def emit(self, record):
        if "fontTools" in record.getMessage():
            self.seen = True


def certificate(app, state: dict) -> dict:
    """One certificate, warm: the median of 50 renders after 5 to warm up."""
    from award_app.certificates.render import CertificateData, render_certificate

    handler = _FallbackSeen()
    logging.getLogger("weasyprint").addHandler(handler)
    data = CertificateData(
        organiser="Bộ Nông nghiệp và Môi trường", programme_vi="Giải thưởng Trường học sinh thái ASEAN",
        programme_en="ASEAN Eco-schools Award", year=2026, nominee="Trường THCS Nguyễn Trãi",
        nominee_detail="Hà Nội", category_vi="Trung học cơ sở", category_en="Lower secondary", prize_vi="Giải Nhất",
        prize_en="First prize", decision_number="1520/QĐ-BNNMT", decision_date=date(2026, 12, 15),
        signer_name="Lê Minh Đức", signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", place="Hà Nội", code="4REZ-BDT8",
        verify_url="https://giaithuong.example.gov.vn/verify/4REZ-BDT8")
    for _ in range(5):
        render_certificate(data)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        body = render_certificate(data)
        times.append((time.perf_counter() - start) * 1000)
    return {"certificate_ms_median": round(statistics.median(times), 1), "certificate_bytes": len(body),
            "fonttools_fallback": handler.seen}


def approve(app, state: dict) -> dict:
    """The rounds approved as the approval stage would leave them (a decision on the latest run, the round
    frozen); in the first round CERTIFICATES entries hold a prize, to give the certificate job its size."""
    from award_app.approval.models import Decision
    from award_app.ranking.models import RankingRow
    from award_app.ranking.services import latest_run
    from award_app.rounds.models import Round, RoundState

    for index, round_id in enumerate(state["world"]["rounds"]):
        round_ = db.session.get(Round, round_id)
        run = latest_run(round_)
        if index == 0:
            tiers = [t.code for t in round_.tiers]
            db.session.execute(update(RankingRow).where(RankingRow.run_id == run.id).values(tier_code=None))
            rows = list(db.session.scalars(select(RankingRow.id).where(RankingRow.run_id == run.id)
                                           .order_by(RankingRow.position).limit(CERTIFICATES)))
            for number, row_id in enumerate(rows):
                db.session.execute(update(RankingRow).where(RankingRow.id == row_id)
                                   .values(tier_code=tiers[min(number // 300, len(tiers) - 1)]))
        db.session.add(Decision(round_id=round_.id, ranking_run_id=run.id, number=f"{1500 + index}/QĐ-BNNMT",
                                signed_on=date(2026, 12, 15), signer_name="Lê Minh Đức",
                                signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", approved_by_id=state["world"]["approver_id"]))
        round_.state = RoundState.APPROVED
    db.session.commit()
    return {}


def certificates(app, state: dict) -> dict:
    """1,000 certificates to a ZIP through the production job path (jobs.create, then jobs.run)."""
    from award_app.accounts.models import User
    from award_app.jobs import services as jobs
    from award_app.jobs.models import Job, JobState

    secretariat = db.session.scalar(select(User).where(User.email == state["world"]["secretariat_email"]))
    job = jobs.create("certificates_zip", round_id=state["world"]["rounds"][0], actor=secretariat)
    db.session.commit()
    start = time.perf_counter()
    jobs.run(job.id)
    seconds = time.perf_counter() - start
    job = db.session.get(Job, job.id)
    if job.state != JobState.DONE:
        raise RuntimeError(f"the certificate job failed: {job.error}")
    from award_app.storage import current_storage

    with zipfile.ZipFile(current_storage().open(jobs.result_key(job))) as archive:
        files = len(archive.namelist())
    return {"certificates_1000_s": round(seconds, 2), "certificates_in_zip": files,
            "certificate_job_peak_rss_mb": peak_rss_mb(children=True)}


def xlsx(app, state: dict) -> dict:
    """The XLSX export of every round (5,000 dossiers; the score matrix has a row per sheet, about 25,000, with a
    column per criterion), through the page."""
    client = client_of(app)
    login(client, state["world"]["secretariat_email"], state["password"])
    seconds, bodies = 0.0, []
    for round_id in state["world"]["rounds"]:
        start = time.perf_counter()
        response = client.get(f"/exports/round/{round_id}/results.xlsx")
        seconds += time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"export of round {round_id} answered {response.status_code}")
        bodies.append(response.data)
    peak = peak_rss_mb()  # before reading the files back, which costs memory of its own
    from openpyxl import load_workbook

    rows = sum(sum(1 for _ in load_workbook(io.BytesIO(body), read_only=True).worksheets[2].iter_rows()) - 1
               for body in bodies)
    return {"xlsx_export_s": round(seconds, 2), "xlsx_score_matrix_rows": rows, "xlsx_export_peak_rss_mb": peak}


TASKS = {f.__name__: f for f in (build, ranking, queries, certificate, approve, certificates, xlsx)}


def main() -> None:
    name, path = sys.argv[1], Path(sys.argv[2])
    state = json.loads(path.read_text())
    app = create_app("production")
    with app.app_context():
        result = TASKS[name](app, state)
    result.setdefault("peak_rss_mb", peak_rss_mb())
    print("RESULT " + json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
