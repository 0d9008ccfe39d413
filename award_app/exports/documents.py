"""The council minutes (biên bản) and the decision (quyết định) as PDFs in the form of Vietnamese
administrative documents (Decree 30/2020/NĐ-CP): issuing body, national title and motto, number and
symbol, place and date, title, body, signature block; Liberation Serif (Times-metric)."""

from datetime import date
from functools import cache

from flask import render_template

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
