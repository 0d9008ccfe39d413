"""The submission receipt (PDF), rendered by WeasyPrint from plain values, drawn once and kept as a file.

Drawing a PDF takes a WeasyPrint run (tenths of a second and tens of MB); the receipt was drawn again on
every GET (issue 15, point 5). Its HTML is cheap to make and holds every input the PDF shows (reference,
applicant, facts, documents, organiser, the template itself), so the file is kept under a key made from the
nomination and the SHA-256 of that HTML: the same inputs are served from the file, changed inputs draw a
new one."""

import hashlib
from functools import cache

from flask import render_template

from award_app.storage import Storage


@cache
def _fonts():
    # WeasyPrint is imported on first use, not with the app: a web worker that renders no PDF stays small.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the receipt loads nothing: {url}")


def draw(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_fonts())


def receipt_prefix(nomination_id: int) -> str:
    """Every kept receipt of a nomination starts with this (the privacy purge removes them)."""
    return f"receipts/{nomination_id}-"


def kept_receipt(storage: Storage, nomination_id: int, **values) -> str:
    """The key of the nomination's receipt for these values, drawn and kept first if it is not kept yet."""
    html = render_template("nominations/receipt.html", **values)
    key = f"{receipt_prefix(nomination_id)}{hashlib.sha256(html.encode()).hexdigest()}.pdf"
    if not storage.exists(key):
        storage.put_bytes(key, draw(html))
    return key
