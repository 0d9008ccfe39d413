"""The submission receipt (PDF), rendered by WeasyPrint from plain values."""

from functools import cache

from flask import render_template


@cache
def _fonts():
    # WeasyPrint is imported on first use, not with the app: a web worker that renders no PDF stays small.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the receipt loads nothing: {url}")


def render_receipt(**values) -> bytes:
    html = render_template("nominations/receipt.html", **values)
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_fonts())
