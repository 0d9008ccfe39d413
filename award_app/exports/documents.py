"""The council minutes (biên bản) and the decision (quyết định) as PDFs in the form of Vietnamese
administrative documents (Decree 30/2020/NĐ-CP): issuing body, national title and motto, number and
symbol, place and date, title, body, signature block; Liberation Serif (Times-metric)."""

from datetime import date
from functools import cache

from flask import render_template

from award_app.i18n import format_number
from award_app.ranking.services import run_rows

PLACE = "Hà Nội"


@cache
def _fonts():
    # WeasyPrint is imported on first use, not with the app: a web worker that renders no PDF stays small.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"administrative documents load nothing: {url}")


def vietnamese_date(day: date | None) -> str:
    """"ngày 15 tháng 12 năm 2026"; a blank date for a draft ("ngày … tháng … năm …")."""
    if day is None:
        return "ngày      tháng      năm"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def render(template: str, **values) -> bytes:
    html = render_template(f"exports/{template}", place=PLACE, vietnamese_date=vietnamese_date, **values)
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_fonts())


def document_rows(round_, run) -> list[dict]:
    """The rows of the minutes and the decision: every prize and ASEAN nominee of the run."""
    tiers = {t.code: t for t in round_.tiers}
    return [{"group": row.group.name_vi, "rank": row.rank or "", "reference": row.entry.nomination.reference,
             "nominee": row.entry.nomination.display_name,
             "province": row.entry.nomination.province.name if row.entry.nomination.province else "",
             "score": format_number(row.score, 2, fixed=True, locale="vi") if row.score is not None else "",
             "prize": tiers[row.tier_code].name_vi if row.tier_code else "", "asean": row.asean_nominee}
            for row in run_rows(run) if row.tier_code or row.asean_nominee]


def decision_pdf(round_, meeting, decision) -> bytes:
    """The decision; before approval (`decision` None), a draft without number or date, marked DỰ THẢO."""
    run = decision.ranking_run if decision else meeting.ranking_run
    title = (decision.signer_title if decision else "KT. BỘ TRƯỞNG - THỨ TRƯỞNG").upper()
    return render(
        "decision.html", organiser=round_.organiser_name, number=decision.number if decision else "      /QĐ-BNNMT",
        day=decision.signed_on if decision else None, draft=decision is None, programme=round_.programme.name_vi,
        year=round_.year, founding_decision=round_.founding_decision, meeting_day=meeting.held_on,
        signer_title_upper=title, signer_name=decision.signer_name if decision else "",
        rows=document_rows(round_, run))
