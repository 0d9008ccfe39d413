"""Approved rounds of each programme with their ASEAN nominees, and the nominees' supplements, through the
services (every helper commits)."""

import io
from datetime import date, timedelta

from award_app.asean import services
from award_app.clock import today_in_vietnam
from award_app.extensions import db
from award_app.ranking import services as ranking
from award_app.rounds.models import ProgrammeCode, RoundState
from award_app.scoring import services as scoring
from tests.nominations.factories import (
    CITY,
    JPEG,
    PDF,
    YOUTH,
    advance,
    approve,
    assign,
    council_round,
    declare_no_conflict,
    juror,
    open_round,
    screen,
    staff,
    submitted,
)

CALL = {"organiser_en": "Ministry of Agriculture and Environment", "addressee": "ASEAN Secretariat",
        "signer_name": "Nguyễn Văn Tài", "signer_title": "Director General, ASOEN Viet Nam focal point",
        "exclude_winners": True}


SCHOOLS = ("Trường THCS Nguyễn Trãi", "Trường THCS Lê Lợi")


def approved_round(points=((22, 24, 23, 21), (15, 18, 17, 19)), names=SCHOOLS):
    """An approved eco-school round: the first THCS school (90 points) is Viet Nam's Secondary nominee."""
    round_, dossiers, secretariat, _council, run = council_round(points, names=names)
    approve(round_, run, staff("approver"))
    return round_, dossiers, secretariat


def approved_programme_round(code: ProgrammeCode, dossiers: list[tuple[dict, tuple[int, ...]]], *, year: int = 2026,
                             edition: int = 1):
    """An approved round of any programme: each (details, points) dossier scored by one juror on every entry."""
    round_ = open_round(code, year=year, edition=edition)
    filed = [(submitted(round_, details=details), points) for details, points in dossiers]
    advance(round_, RoundState.CLOSED, RoundState.SCREENING)
    secretariat = staff("secretariat")
    for nomination, _points in filed:
        screen(nomination, secretariat)
    member = juror(round_, secretariat, chair=True)
    for nomination, _points in filed:
        assign(nomination, member, secretariat)
    declare_no_conflict(round_, member, [n for n, _p in filed])
    advance(round_, RoundState.SCORING)
    for nomination, points in filed:
        for entry in nomination.entries:
            sheet = scoring.sheet_for(entry, member)
            inputs = [scoring.ScoreInput(s.criterion_id, min(p, s.criterion.max_points), "Rõ ràng.")
                      for s, p in zip(sheet.scores, points, strict=False)]
            scoring.save_sheet(sheet, inputs, version=None, submit=True, actor=member)
    db.session.commit()
    run = ranking.compute(round_, actor=secretariat)
    db.session.commit()
    advance(round_, RoundState.COUNCIL)
    ranking.record_meeting(round_, held_on=date(2026, 12, 10), present_ids=[member.id], votes_for=1, votes_against=0,
                           minutes="Hội đồng thống nhất đề xuất.", actor=member)
    db.session.commit()
    approve(round_, run, staff("approver"))
    return round_, [n for n, _p in filed], secretariat


def youth_round():
    return approved_programme_round(ProgrammeCode.YOUTH, [(YOUTH, (32, 18, 18, 14, 9))])


def city_round():
    city = {**CITY, "outcomes": ["esc", "clean_air"]}
    return approved_programme_round(ProgrammeCode.CITY, [(city, (28, 18, 14, 14, 9, 9))])


def open_call(round_, secretariat, *, deadline: date | None = None, due: date | None = None):
    deadline = deadline or today_in_vietnam() + timedelta(days=60)
    due = due or deadline - timedelta(days=20)
    call = services.save_call(round_, {**CALL, "deadline": deadline, "supplement_due_on": due}, version=None,
                              actor=secretariat)
    db.session.commit()
    return call


def requested(round_, secretariat) -> list:
    open_call(round_, secretariat)
    made = services.request_supplements(round_, actor=secretariat)
    db.session.commit()
    return made


def fill_english(supplement, actor, prefix: str = "In English: ") -> None:
    values = {f.key: f"{prefix}{f.key}" for f in services.english_fields(supplement)}
    values["name"] = "Nguyen Trai Lower Secondary School"
    services.save_english(supplement, values, version=supplement.version, actor=actor)
    db.session.commit()


def upload(supplement, code: str, actor, *, author: str = "", body: bytes = PDF, name: str = "file.pdf"):
    requirement = next(r for r in supplement.call.requirements if r.code == code)
    document = services.add_document(supplement, requirement, io.BytesIO(body), name, author, actor=actor)
    db.session.commit()
    return document


def complete_youth(supplement, actor) -> None:
    """English texts, a CV and two testimonials by two referees: the photos come from the national dossier."""
    fill_english(supplement, actor)
    upload(supplement, "cv", actor, name="cv.pdf")
    upload(supplement, "testimonials", actor, author="Nguyễn Văn Bình", name="thu-1.pdf")
    upload(supplement, "testimonials", actor, author="Lê Thị Cúc", name="thu-2.pdf")


__all__ = ["JPEG", "PDF"]
