"""R/S: a blind PDF copy is drawn by a child process bounded in pages, pixels, time, memory and output; a
PDF past a bound is refused (CannotClean: withheld, never a 500), a page larger than the bound drawn smaller."""

import io
from dataclasses import replace

import pikepdf
import pytest

from award_app.nominations import cleaning, rasterise
from tests.sample_files import PDF

LIMITS = cleaning.RasteriseLimits()


def pdf_of_pages(*sizes: tuple[float, float], rotate: int = 0) -> bytes:
    pdf = pikepdf.new()
    for size in sizes:
        pdf.add_blank_page(page_size=size)
        pdf.pages[-1].obj.Contents = pdf.make_stream(b"0 g 0 0 10 10 re f")
        if rotate:
            pdf.pages[-1].obj.Rotate = rotate
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pictures_of(pdf_bytes: bytes) -> list[tuple[list[float], tuple[int, int]]]:
    """Each page of a blind copy: its media box and the size of its one picture."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [([float(v) for v in page.MediaBox], (int(page.Resources.XObject.P.Width),
                                                     int(page.Resources.XObject.P.Height))) for page in pdf.pages]


def test_each_page_becomes_one_picture_at_150_dpi():
    pages = pictures_of(cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages((72, 72), (144, 36)))))
    assert pages == [([0, 0, 72, 72], (150, 150)), ([0, 0, 144, 36], (300, 75))]


def test_a_rotated_page_comes_out_as_it_is_shown():
    (page,) = pictures_of(cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages((144, 36), rotate=90))))
    assert page == ([0, 0, 36, 144], (75, 300))


def test_a_page_over_the_pixel_bound_is_drawn_smaller_not_refused():
    limits = replace(LIMITS, max_page_pixels=10_000)
    ((box, (width, height)),) = pictures_of(cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages((720, 720))),
                                                                      limits))
    assert box == [0, 0, 720, 720] and width * height <= 10_000 and width >= 99
    ((_, size),) = pictures_of(cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages((7200, 72))),
                                                            replace(LIMITS, max_page_side=500)))
    assert max(size) <= 500


def test_the_scale_never_exceeds_the_resolution_asked_for():
    assert rasterise.page_scale(72, 72, 150, 8_000_000, 10_000) == pytest.approx(150 / 72)
    assert rasterise.page_scale(14400, 14400, 150, 8_000_000, 10_000) == pytest.approx((8_000_000 / 14400 ** 2) ** .5)
    with pytest.raises(ValueError):
        rasterise.page_scale(0, 72, 150, 8_000_000, 10_000)


def test_a_pdf_with_too_many_pages_is_refused():
    with pytest.raises(cleaning.PdfTooManyPages):
        cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages(*[(36, 36)] * 3)), replace(LIMITS, max_pages=2))
    assert len(pictures_of(cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages(*[(36, 36)] * 2)),
                                                       replace(LIMITS, max_pages=2)))) == 2


@pytest.mark.parametrize("limit", [{"wall_seconds": 0.01}, {"memory": 32 * 1024 * 1024}, {"output": 200}],
                         ids=["time", "memory", "output"])
def test_a_child_that_reaches_a_limit_is_stopped_and_the_file_not_cleaned(limit):
    with pytest.raises(cleaning.RasterisingFailed):
        cleaning.pdf_as_page_images(io.BytesIO(pdf_of_pages((300, 300))), replace(LIMITS, **limit))


def test_an_unreadable_or_locked_pdf_is_not_cleaned():
    locked = io.BytesIO()
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="mat-khau", owner="mat-khau"))
    for body in (b"%PDF-1.7\n" + bytes(200), locked.getvalue(), b""):
        with pytest.raises(cleaning.CannotClean):
            cleaning.pdf_as_page_images(io.BytesIO(body))
