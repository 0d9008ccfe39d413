"""The ranking page as the council sees it."""

from award_app.extensions import db
from award_app.jury import services as jury
from award_app.jury.models import Conflict, ConflictKind, ConflictSource, ConflictStatus
from tests.helpers import login
from tests.nominations.factories import council_round, juror


def test_a_council_member_does_not_see_the_dossier_they_are_conflicted_with_in_the_ranking(app):
    """S2: a juror with a conflict cannot list that dossier; the secretariat still sees every row."""
    round_, dossiers, secretariat, _council, _run = council_round(
        names=("Trường THCS Nguyễn Trãi", "Trường THCS Lê Văn Tám"))
    member = juror(round_, secretariat, full_name="Hoàng Văn Nam")
    conflict = Conflict(round_id=round_.id, nomination_id=dossiers[1].id, juror_id=member.id,
                        kind=ConflictKind.FAMILY, source=ConflictSource.DECLARED)
    db.session.add(conflict)
    db.session.flush()
    jury.decide_conflict(conflict, True, "Con gái của giám khảo học tại trường.", actor=secretariat)
    db.session.commit()
    assert conflict.status == ConflictStatus.CONFIRMED
    for url in (f"/ranking/round/{round_.id}",):
        client = app.test_client()
        login(client, member)
        page = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Nguyễn Trãi" in page and "Lê Văn Tám" not in page and dossiers[1].reference not in page
        assert "Dossiers you declared a conflict with are not shown to you: 1." in page
        staff = app.test_client()
        login(staff, secretariat)
        page = staff.get(url).get_data(as_text=True)
        assert "Nguyễn Trãi" in page and "Lê Văn Tám" in page


def test_the_agreement_per_criterion_is_listed_by_the_criteria_names_in_the_readers_language(app):
    round_, _dossiers, secretariat, _council, run = council_round()
    criteria = round_.groups[0].rubric.criteria
    assert set(run.parameters["alpha"]["criteria"]) == {c.code for c in criteria}
    assert all(c.name_vi != c.name_en for c in criteria)  # so that the language shows
    client = app.test_client()
    login(client, secretariat)
    for language, name in (("vi", "name_vi"), ("en", "name_en")):
        client.set_cookie("lang", language)
        page = client.get(f"/ranking/round/{round_.id}").get_data(as_text=True)
        listed = page.split("<details><summary>", 1)[1].split("</details>", 1)[0]
        for criterion in criteria:
            assert f'<span title="{criterion.code}">{getattr(criterion, name)}</span>:' in listed
