"""The submission receipt (PDF), rendered by WeasyPrint from plain values."""

from functools import cache

from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the receipt loads nothing: {url}")


def render_receipt(**values) -> bytes:
    html = render_template("nominations/receipt.html", **values)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_fonts())
