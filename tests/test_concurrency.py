"""R3: 16 concurrent writers for a bounded time: no "database is locked", no lost update.

Each writer is a browser of its own (own app context, own database connection) saving its own
draft dossier again and again, as fast as it can, for a few seconds."""

import re
import threading
import time

from sqlalchemy import select

from award_app.extensions import db
from award_app.nominations.models import Nomination
from tests.fixtures_dossiers import open_round, school_applicant, school_details
from tests.helpers import login, submit

WRITERS, SECONDS = 16, 3.0
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def test_sixteen_writers_lose_nothing(app):
    from award_app.nominations import services

    round_ = open_round()
    dossiers = []
    for n in range(WRITERS):
        applicant = school_applicant(f"w{n}@truong.vn")
        nomination = services.create_nomination(round_, applicant)
        services.save_dossier(nomination, {}, school_details(round_, f"Trường số {n}"), version=None, actor=applicant)
        dossiers.append((applicant.email, nomination.id))
    db.session.commit()
    base_fields = {k: str(v) for k, v in school_details(round_).items()}
    errors, last_saved = [], {}
    start = threading.Barrier(WRITERS)

    def writer(email: str, nomination_id: int) -> None:
        client = app.test_client()
        with app.app_context():
            login(client, email, "cay-bang-truoc-cong-truong")
            start.wait()
            deadline, count = time.monotonic() + SECONDS, 0
            url = f"/nominations/{nomination_id}/edit"
            while time.monotonic() < deadline:
                count += 1
                page = client.get(url).get_data(as_text=True)
                fields = {**base_fields, "school_name": f"Trường số {nomination_id}", "address": f"Lần lưu {count}",
                          "version": VERSION.search(page).group(1), "action": "save"}
                response = submit(client, url, fields, form_url=url)
                if response.status_code != 302:
                    errors.append((nomination_id, response.status_code))
                else:
                    last_saved[nomination_id] = count

    threads = [threading.Thread(target=writer, args=dossier) for dossier in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.rollback()  # a new snapshot: see what the writers committed
    for nomination in db.session.scalars(select(Nomination)):
        assert nomination.details["address"] == f"Lần lưu {last_saved[nomination.id]}"
    assert sum(last_saved.values()) >= WRITERS  # every writer saved at least once
