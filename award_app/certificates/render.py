"""The certificate (Giấy chứng nhận) as a one-page A4-landscape PDF.

Speed matters (certificates are rendered on demand), so everything that can be shared is built
once per process and reused: the font configuration, the pre-parsed stylesheet, the Jinja
environment and the URL fetcher. The QR code is inline SVG, so a render fetches nothing at all;
the fetcher only exists to refuse anything a template might reference outside ``award_app/static``.
"""

import atexit
import gc
import mimetypes
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
from markupsafe import Markup

from award_app.text import nfc

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR.parent / "templates" / "certificates"
STYLESHEET = STATIC_DIR / "certificates" / "certificate.css"
TEMPLATE_NAME = "certificate.html"


@dataclass(frozen=True)
class CertificateData:
    organiser: str              # "Bộ Nông nghiệp và Môi trường"
    programme_vi: str           # "Giải thưởng Trường học sinh thái ASEAN"
    programme_en: str
    year: int
    nominee: str
    nominee_detail: str         # e.g. province; may be ""
    category_vi: str
    category_en: str
    prize_vi: str
    prize_en: str
    decision_number: str        # "123/QĐ-BNNMT"
    decision_date: date
    signer_name: str
    signer_title: str           # may contain a newline between two lines, e.g. "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"
    place: str                  # "Hà Nội"
    code: str                   # verification code
    verify_url: str | None
    revoked: bool = False       # when True, a clear diagonal "ĐÃ THU HỒI / REVOKED" mark


def vietnamese_date(day: date) -> str:
    """15/12/2026 → "ngày 15 tháng 12 năm 2026", in the administrative form of Decree 30/2020/NĐ-CP:
    a leading zero on days below 10 and on the months 1 and 2 ("ngày 05 tháng 02", "ngày 05 tháng 3")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# --- resources shared by every render, built once per process --------------------------------

@dataclass(frozen=True)
class _Resources:
    fetcher: object        # StaticOnlyURLFetcher
    font_config: object    # weasyprint.text.fonts.FontConfiguration
    stylesheet: object     # weasyprint.CSS, parsed once


_resources: _Resources | None = None
_build_lock = threading.Lock()
# Renders share one FontConfiguration (a Pango font map), which is not made for concurrent use:
# renders in one process take turns. (Gunicorn's sync workers are processes, so this costs nothing.)
_render_lock = threading.Lock()


def _weasyprint():
    import weasyprint  # imported lazily: it is heavy, and only certificates need it

    return weasyprint


def _make_url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves files under award_app/static/ and refuses every other URL (network, data:,
        other files), so a certificate can never pull anything from outside the application."""

        def __init__(self):
            super().__init__(allowed_protocols=("file",))

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"Certificates may not fetch {url!r}")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(STATIC_DIR) or not path.is_file():
                raise ValueError(f"Certificates may only use files under award_app/static/, not {url!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyURLFetcher()


def _shared_resources() -> _Resources:
    global _resources
    if _resources is None:
        with _build_lock:
            if _resources is None:
                weasyprint = _weasyprint()
                from weasyprint.text.fonts import FontConfiguration

                fetcher = _make_url_fetcher()
                font_config = FontConfiguration()
                stylesheet = weasyprint.CSS(filename=str(STYLESHEET), font_config=font_config,
                                            url_fetcher=fetcher)
                _resources = _Resources(fetcher, font_config, stylesheet)
                atexit.register(_release_resources)
    return _resources


def _release_resources() -> None:
    """Free the Pango objects while the interpreter is whole: left to its final garbage collection, their
    cffi finalizers can run after GLib's type system is gone and crash the process at exit (seen here)."""
    global _resources
    _resources = None
    gc.collect()


def url_fetcher(url: str):
    """The fetcher given to WeasyPrint: files under award_app/static/ only, ValueError otherwise."""
    return _shared_resources().fetcher(url)


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


# --- rendering --------------------------------------------------------------------------------

def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG markup (one stroked path, no quiet zone: the layout
    leaves white space around it)."""
    qr = segno.make(url, error="m", mask=0, micro=False)
    return qr.svg_inline(scale=1, border=0, omitsize=True, svgclass="qr", lineclass=None)


def template_context(data: CertificateData) -> dict[str, object]:
    """Plain values for the template: strings, a list of strings and a boolean (the QR code is SVG
    markup generated here, hence Markup)."""
    return {
        "organiser": nfc(data.organiser).upper(),
        "programme_vi": f"{nfc(data.programme_vi)} năm {data.year}",
        "programme_en": f"{nfc(data.programme_en)} {data.year}",
        "nominee": nfc(data.nominee),
        "nominee_size": "long" if len(nfc(data.nominee)) > 42 else "",
        "nominee_detail": nfc(data.nominee_detail),
        "category_vi": nfc(data.category_vi),
        "category_en": nfc(data.category_en),
        "prize_vi": nfc(data.prize_vi),
        "prize_en": nfc(data.prize_en),
        "decision_number": nfc(data.decision_number),
        "decision_date": short_date(data.decision_date),
        "place_date": f"{nfc(data.place)}, {vietnamese_date(data.decision_date)}",
        "signer_title": [line for line in (nfc(part) for part in data.signer_title.splitlines()) if line],
        "signer_name": nfc(data.signer_name),
        "code": nfc(data.code),
        "qr_svg": Markup(qr_svg(data.verify_url)) if data.verify_url else None,  # nosec B704 - segno's SVG
        "revoked": bool(data.revoked),
    }


# Most certificates fit the regular layout; long names or categories are set tighter, and only if
# even the tightest layout would spill onto a second page is the certificate refused.
DENSITIES = ("", "compact", "tight")


def render_html(data: CertificateData, density: str = "") -> str:
    return _env.get_template(TEMPLATE_NAME).render(template_context(data), density=density)


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes: one A4-landscape page."""
    weasyprint = _weasyprint()
    shared = _shared_resources()
    context = template_context(data)
    template = _env.get_template(TEMPLATE_NAME)
    with _render_lock:
        for density in DENSITIES:
            html = weasyprint.HTML(string=template.render(context, density=density), base_url=STATIC_DIR.as_uri() + "/",
                                   url_fetcher=shared.fetcher)
            document = html.render(stylesheets=[shared.stylesheet], font_config=shared.font_config)
            if len(document.pages) == 1:
                return document.write_pdf()
    raise ValueError(f"Certificate {data.code}: the texts are too long to fit on one page")
