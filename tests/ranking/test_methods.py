"""The round says which score decides; the method is stored with every result."""

from fractions import Fraction

from award_app.extensions import db
from award_app.ranking import aggregate
from award_app.ranking.services import compute
from award_app.rounds.models import RankingMethod
from tests.nominations.factories import score, scoring_round


def _sheets(*totals: int) -> tuple[aggregate.Sheet, ...]:
    return tuple(aggregate.Sheet(juror, {"x": total}) for juror, total in enumerate(totals))


def test_a_deciding_score_replaces_the_mean():
    rules = aggregate.RankingRules(groups=(aggregate.GroupRules("g", "c", ()),), tiers=(aggregate.Tier("first", 1),),
                                   quotas={}, prize_threshold=aggregate.Decimal("50"),
                                   asean_threshold=aggregate.Decimal("70"), spread_flag=20)
    entries = [aggregate.EntryScores(1, "g", _sheets(60, 61, 99), 3),
               aggregate.EntryScores(2, "g", _sheets(70, 70, 62), 3)]
    by_mean = aggregate.rank_entries(entries, rules)
    assert [r.entry_id for r in by_mean] == [1, 2]  # mean 73.33 against 67.33
    medians = {e.entry_id: aggregate.median_total([s.total for s in e.sheets]) for e in entries}
    by_median = aggregate.rank_entries(entries, rules, medians)
    assert [r.entry_id for r in by_median] == [2, 1] and by_median[0].score == aggregate.Decimal("70.00")
    assert medians[1] == Fraction(61)


def test_the_round_chooses_the_median_and_the_run_records_it(app):
    round_, dossiers, secretariat, council = scoring_round(2, jurors=3)
    points = {dossiers[0].id: [(15, 15, 15, 15), (15, 15, 15, 16), (25, 25, 25, 24)],
              dossiers[1].id: [(18, 17, 18, 17), (18, 17, 18, 17), (15, 15, 15, 17)]}
    for nomination in dossiers:
        for juror, given in zip(council, points[nomination.id], strict=True):
            score(nomination, juror, given)
    round_.ranking_method = RankingMethod.MEDIAN
    db.session.commit()
    run = compute(round_, actor=secretariat)
    db.session.commit()
    assert run.method == "median" and run.parameters["requested_method"] == "median"
    first = min(run.rows, key=lambda r: r.position)
    assert first.entry.nomination_id == dossiers[1].id and str(first.score) == "70.00"
