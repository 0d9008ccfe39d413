"""The rows of the approved results, from the ranking the decision approved."""

from flask_babel import gettext as _

from award_app.approval.models import Decision
from award_app.audit.services import record
from award_app.i18n import localized
from award_app.ranking.services import run_rows


def results_header() -> list[str]:
    return [_("Ranking group"), _("Rank"), _("Reference"), _("Nominee"), _("Province"), _("Final score"),
            _("Method"), _("Prize"), _("ASEAN nominee")]


def results_rows(decision: Decision) -> list[list]:
    tiers = {t.code: t for t in decision.round.tiers}
    rows = []
    for row in run_rows(decision.ranking_run):
        nomination = row.entry.nomination
        rows.append([
            localized(row.group, "name"), row.rank, nomination.reference, nomination.display_name,
            nomination.province.name if nomination.province else "",
            float(row.score) if row.score is not None else None, decision.ranking_run.method,
            localized(tiers[row.tier_code], "name") if row.tier_code else "", _("yes") if row.asean_nominee else "",
        ])
    return rows


def record_export(decision: Decision, kind: str, actor) -> None:
    record("export.downloaded", decision, round_id=decision.round_id, actor=actor, kind=kind)
