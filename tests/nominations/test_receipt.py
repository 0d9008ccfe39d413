"""The submission receipt is drawn once and kept as a file (issue 15, point 5): a second GET serves the same
bytes without drawing; a change of what it shows draws a new one; the privacy purge removes kept receipts."""

from datetime import date

import pytest

from award_app.dashboard.services import purge_expired
from award_app.extensions import db
from award_app.nominations import receipt
from award_app.nominations.receipt import kept_receipt, receipt_prefix
from award_app.storage import current_storage
from tests.fixtures_dossiers import open_round, school_applicant, submitted_school_dossier
from tests.helpers import login


@pytest.fixture
def drawings(monkeypatch):
    """Every PDF the receipt module draws, counted."""
    drawn = []
    real = receipt.draw

    def counting(html: str) -> bytes:
        drawn.append(html)
        return real(html)

    monkeypatch.setattr(receipt, "draw", counting)
    return drawn


def fetch(client, nomination) -> bytes:
    with client.get(f"/nominations/{nomination.id}/receipt.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == f"attachment; filename=bien-nhan-{nomination.reference}.pdf"
        return response.data


def receipt_keys(nomination) -> list[str]:
    return [key for key in current_storage().list_keys() if key.startswith(receipt_prefix(nomination.id))]


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_the_receipt_is_drawn_once_and_then_served_from_its_file(app, client, drawings, storage_backend):
    round_ = open_round()
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    first = fetch(client, nomination)
    second = fetch(client, nomination)
    assert len(drawings) == 1 and first == second and first.startswith(b"%PDF")
    assert len(receipt_keys(nomination)) == 1


def test_a_change_of_what_the_receipt_shows_draws_it_again(app, client, drawings):
    round_ = open_round()
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    before = fetch(client, nomination)
    applicant.full_name = "Trường THCS Nguyễn Trãi (tên mới)"
    db.session.commit()
    after = fetch(client, nomination)
    assert len(drawings) == 2 and before != after and "tên mới" in drawings[-1]
    assert fetch(client, nomination) == after and len(drawings) == 2


def test_the_privacy_purge_removes_the_kept_receipts(app, client):
    round_ = open_round()
    applicant = school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    fetch(client, nomination)
    assert receipt_keys(nomination)
    purge_expired(date(round_.closes_at.year + round_.retention_years, 12, 31), current_storage())
    db.session.commit()
    assert receipt_keys(nomination) == []


def test_an_empty_field_is_a_dash_so_labels_and_values_stay_in_line(app, drawings):
    """An empty <dd> has no height: every later label sat beside the previous value."""
    round_, applicant = open_round(), school_applicant()
    nomination = submitted_school_dossier(round_, applicant)
    kept_receipt(current_storage(), nomination.id, nomination=nomination, documents=[],
                 facts=[("Điện thoại", ""), ("Tỉnh", "Hà Nội"), ("Ghi chú", None)], organiser="Bộ")
    html = drawings[-1]
    assert "<dt>Điện thoại</dt><dd>—</dd><dt>Tỉnh</dt><dd>Hà Nội</dd><dt>Ghi chú</dt><dd>—</dd>" in html
