"""The certificate PDF: one A4-landscape page, every Vietnamese string intact, embedded serif fonts,
a QR code only with a verification URL, a revoked mark, and no fetching outside award_app/static/."""

import logging
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from award_app.certificates import render
from award_app.certificates.render import CertificateData, render_certificate

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)

SAMPLE = CertificateData(
    organiser="Bộ Nông nghiệp và Môi trường",
    programme_vi="Giải thưởng Trường học sinh thái ASEAN",
    programme_en="ASEAN Eco-schools Award",
    year=2026,
    nominee="Trường THCS Nguyễn Trãi",
    nominee_detail="Thành phố Hồ Chí Minh",
    category_vi="Trung học cơ sở",
    category_en="Lower secondary school (grades 6–9)",
    prize_vi="Giải Nhất",
    prize_en="First prize",
    decision_number="123/QĐ-BNNMT",
    decision_date=date(2026, 12, 15),
    signer_name="Đặng Hữu Phước",
    signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
    place="Hà Nội",
    code="7K3M-Q9TD",
    verify_url="https://giaithuong.example.vn/xac-minh/7K3M-Q9TD",
)

LONG = replace(
    SAMPLE,
    nominee="Trường Trung học phổ thông chuyên Lê Quý Đôn – Phân hiệu Khu công nghệ cao Hòa Lạc, "
            "thành phố Hà Nội, Cụm trường liên kết số 4 vùng Đồng bằng sông Hồng",
    nominee_detail="Phường Thạch Thất, Thành phố Hà Nội – Cơ sở 2 khu Đồng Trữ, xã Hạ Bằng, huyện Thạch Thất",
    category_vi="Trung học phổ thông và Giáo dục thường xuyên cấp tỉnh, thành phố trực thuộc trung ương",
    category_en="Upper secondary schools and provincial continuing education centres (grades 10–12)",
    signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG THƯỜNG TRỰC",
)


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                            capture_output=True, check=True, timeout=30)
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text in content order (-raw keeps the rotated revoked mark whole), NFC, whitespace folded."""
    text = _poppler("pdftotext", pdf, tmp_path, "-raw", "-enc", "UTF-8")
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_count_and_size(pdf: bytes, tmp_path: Path) -> tuple[int, float, float]:
    info = _poppler("pdfinfo", pdf, tmp_path)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    return pages, width, height


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(name without the subset prefix, "emb" column) for each font of pdffonts."""
    lines = _poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    fonts = []
    for line in lines:
        columns = line.split()
        name = columns[0].split("+", 1)[-1]
        emb = columns[-5]  # name type... encoding emb sub uni object-number generation
        fonts.append((name, emb))
    return fonts


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_certificate(SAMPLE)


@pytest.fixture(scope="module")
def revoked_pdf() -> bytes:
    return render_certificate(replace(SAMPLE, revoked=True))


@pytest.fixture(scope="module")
def no_qr_pdf() -> bytes:
    return render_certificate(replace(SAMPLE, verify_url=None))


def test_one_a4_landscape_page(sample_pdf, tmp_path):
    assert sample_pdf.startswith(b"%PDF-")
    pages, width, height = page_count_and_size(sample_pdf, tmp_path)
    assert pages == 1
    assert width == pytest.approx(841.89, abs=0.5)  # 297 mm
    assert height == pytest.approx(595.28, abs=0.5)  # 210 mm


@pytest.mark.parametrize("expected", [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "GIẤY CHỨNG NHẬN",
    "CERTIFICATE",
    "Chứng nhận",
    "This is to certify that",
    "Trường THCS Nguyễn Trãi",
    "Thành phố Hồ Chí Minh",
    "đã đạt Giải Nhất",
    "has won First prize",
    "Trung học cơ sở",
    "Lower secondary school (grades 6–9)",
    "Giải thưởng Trường học sinh thái ASEAN năm 2026",
    "ASEAN Eco-schools Award 2026",
    "Theo Quyết định số 123/QĐ-BNNMT ngày 15/12/2026",
    "Decision No. 123/QĐ-BNNMT of 15/12/2026",
    "Hà Nội, ngày 15 tháng 12 năm 2026",
    "KT. BỘ TRƯỞNG THỨ TRƯỞNG",
    "Đặng Hữu Phước",
    "Mã xác minh / Verification code: 7K3M-Q9TD",
])
def test_every_string_is_in_the_text_with_its_diacritics(sample_pdf, tmp_path, expected):
    assert expected in pdf_text(sample_pdf, tmp_path)


def test_national_title_comes_first_and_the_signer_last(sample_pdf, tmp_path):
    text = pdf_text(sample_pdf, tmp_path)
    order = ["CỘNG HÒA", "BỘ NÔNG NGHIỆP", "GIẤY CHỨNG NHẬN", "Chứng nhận", "Trường THCS Nguyễn Trãi",
             "Giải Nhất", "Theo Quyết định", "Hà Nội, ngày", "THỨ TRƯỞNG", "Đặng Hữu Phước"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_fonts_are_embedded_liberation_serif_or_dejavu(sample_pdf, revoked_pdf, tmp_path):
    for pdf in (sample_pdf, revoked_pdf):
        fonts = embedded_fonts(pdf, tmp_path)
        assert fonts
        for name, emb in fonts:
            assert name.startswith(("Liberation-Serif", "LiberationSerif", "DejaVu")), name
            assert emb == "yes", name
        assert any(name.startswith(("Liberation-Serif", "LiberationSerif")) for name, _ in fonts)


def test_qr_code_only_with_a_verify_url(sample_pdf, no_qr_pdf, tmp_path):
    assert "<svg" in render.render_html(SAMPLE)
    assert "<svg" not in render.render_html(replace(SAMPLE, verify_url=None))
    assert "7K3M-Q9TD" in pdf_text(sample_pdf, tmp_path)
    text = pdf_text(no_qr_pdf, tmp_path)
    assert "Verification code" not in text and "7K3M-Q9TD" not in text
    assert "Trường THCS Nguyễn Trãi" in text
    assert len(sample_pdf) > len(no_qr_pdf)


def test_qr_code_is_segno_svg_of_the_url():
    svg = render.qr_svg(SAMPLE.verify_url)
    assert svg.startswith("<svg") and svg.count("<path") == 1
    assert svg != render.qr_svg(SAMPLE.verify_url + "X")


def test_revoked_certificate_is_marked(revoked_pdf, sample_pdf, tmp_path):
    text = pdf_text(revoked_pdf, tmp_path)
    assert "ĐÃ THU HỒI" in text and "REVOKED" in text
    assert "Trường THCS Nguyễn Trãi" in text
    assert page_count_and_size(revoked_pdf, tmp_path)[0] == 1
    assert "ĐÃ THU HỒI" not in pdf_text(sample_pdf, tmp_path)


def test_long_texts_still_fit_one_page(tmp_path):
    pdf = render_certificate(replace(LONG, revoked=True))
    assert page_count_and_size(pdf, tmp_path)[0] == 1
    text = pdf_text(pdf, tmp_path)
    for expected in ("Cụm trường liên kết số 4 vùng Đồng bằng sông Hồng", "THỨ TRƯỞNG THƯỜNG TRỰC",
                     "Đặng Hữu Phước", "7K3M-Q9TD", "ĐÃ THU HỒI"):
        assert expected in text


def test_texts_too_long_for_any_layout_are_refused():
    with pytest.raises(ValueError, match="one page"):
        render_certificate(replace(SAMPLE, nominee="Trường Tiểu học Lê Văn Tám " * 60))


def test_empty_detail_and_one_line_signer_title(tmp_path):
    data = replace(SAMPLE, nominee="Nguyễn Thị Mai Anh", nominee_detail="", signer_title="BỘ TRƯỞNG")
    html = render.render_html(data)
    assert 'class="detail"' not in html and "<br>" not in html.split('class="signer-title"')[1].split("</p>")[0]
    pdf = render_certificate(data)
    assert page_count_and_size(pdf, tmp_path)[0] == 1
    assert "Nguyễn Thị Mai Anh" in pdf_text(pdf, tmp_path)


def test_texts_are_escaped_not_markup(tmp_path):
    data = replace(SAMPLE, nominee='Trường <b>A</b> & "B"', verify_url=None)
    html = render.render_html(data)
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt; &amp;" in html
    assert 'Trường <b>A</b> & "B"' in pdf_text(render_certificate(data), tmp_path)


def test_decomposed_input_is_normalised_to_nfc(tmp_path):
    data = replace(SAMPLE, nominee=unicodedata.normalize("NFD", "Trường Hữu Nghị"), verify_url=None)
    assert "Trường Hữu Nghị" in pdf_text(render_certificate(data), tmp_path)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 15), "ngày 15 tháng 12 năm 2026"),
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
])
def test_vietnamese_date(day, expected):
    assert render.vietnamese_date(day) == expected


def test_short_date():
    assert render.short_date(date(2026, 3, 9)) == "09/03/2026"


@pytest.mark.parametrize("url", [
    "https://example.com/x.png",
    "http://example.com/certificate.css",
    "file:///etc/passwd",
    "data:image/png;base64,iVBORw0KGgo=",
    render.STATIC_DIR.as_uri() + "/../certificates/render.py",
    render.STATIC_DIR.as_uri() + "/missing.png",
    "ftp://example.com/x.png",
])
def test_url_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(ValueError):
        render.url_fetcher(url)


def test_url_fetcher_serves_static_files():
    response = render.url_fetcher(render.STYLESHEET.as_uri())
    try:
        assert response.read() == render.STYLESHEET.read_bytes()
        assert response.content_type == "text/css"
    finally:
        response.close()


def test_template_needs_no_fetch_at_all(monkeypatch):
    fetched = []
    fetcher = render._shared_resources().fetcher
    original = type(fetcher).fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(type(fetcher), "fetch", spy)
    render_certificate(replace(SAMPLE, revoked=True))
    assert fetched == []


def test_shared_resources_are_built_once():
    first = render._shared_resources()
    render_certificate(replace(SAMPLE, verify_url=None))
    second = render._shared_resources()
    assert first is second
    assert first.font_config is second.font_config and first.stylesheet is second.stylesheet


def test_no_fonttools_fallback_and_no_weasyprint_warnings(caplog):
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    caplog.set_level(logging.DEBUG, logger="weasyprint.progress")
    render_certificate(replace(SAMPLE, nominee="Trường Tiểu học Võ Thị Sáu", revoked=True))
    records = [r for r in caplog.records if r.name.startswith("weasyprint")]
    assert records, "the weasyprint logger captured nothing: the check would be meaningless"
    assert not [r.getMessage() for r in records if "fonttools" in r.getMessage().lower()]
    assert not [r.getMessage() for r in records if r.levelno >= logging.WARNING]


def test_a_process_that_rendered_a_certificate_exits_cleanly():
    """Pango objects left to the interpreter's last garbage collection crashed the process at exit (a worker,
    a pool's process, `make run` stopped): the shared resources are released before that."""
    script = ("import award_app.certificates.services\n"
              "from tests.certificates.test_render import SAMPLE\n"
              "from award_app.certificates.render import render_certificate\n"
              "render_certificate(SAMPLE)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],  # nosec B603
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
