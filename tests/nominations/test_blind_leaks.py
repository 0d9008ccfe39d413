"""S3, issue 15 (second attack): each way the attacker still got a name out of a blind copy, as a hostile
file. The name is looked for everywhere in the copy: its bytes, every stream decompressed, every string,
name and key, the text and metadata PDFium extracts; every part of a Word package."""

import io
import zlib

import pikepdf
import pytest
from PIL import Image, PngImagePlugin

from award_app.nominations import cleaning
from tests.nominations.test_cleaning import looks_alike, names_in, rendered, whole_pdf
from tests.sample_files import jpeg_with_artist

NAME = "Nguyen Thi Mai Anh"
N = pikepdf.Name


def _tiny_page() -> tuple[pikepdf.Pdf, pikepdf.Page]:
    """An inch square: 150 × 150 pixels once drawn."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(72, 72))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"0 0 1 rg 10 10 20 20 re f")
    return pdf, page


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def _nested(depth: int, leaf) -> pikepdf.Array:
    array = pikepdf.Array([leaf])
    for _ in range(depth - 1):
        array = pikepdf.Array([array])
    return array


def names_and_keys() -> bytes:
    pdf, page = _tiny_page()
    page.obj[N("/NguyenThiMaiAnh")] = N("/MaiAnh")
    page.obj.Resources = pikepdf.Dictionary({"/Properties": pikepdf.Dictionary({"/MaiAnh": N("/Bao_Tran")})})
    pdf.Root[N("/TranVanBao")] = pikepdf.Array([N("/Nguyen#20Thi")])
    return _saved(pdf)


def streams_outside_page_content() -> bytes:
    pdf, page = _tiny_page()
    page.obj.PieceData = pdf.make_stream(f"{NAME}, CV".encode())
    pdf.Root.Private = pdf.make_stream(zlib.compress(NAME.encode()), Filter=N.FlateDecode)
    pdf.make_indirect(pdf.make_stream(b"Tran Van Bao"))  # referenced by nothing
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=N.Font, Subtype=N.TrueType, BaseFont=N.Helvetica,
        FontDescriptor=pikepdf.Dictionary(Type=N.FontDescriptor, FontName=N.Helvetica,
                                          FontFile2=pdf.make_stream(f"not a font: {NAME}".encode()))))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    return _saved(pdf)


def allow_listed_strings() -> bytes:
    pdf, page = _tiny_page()
    pdf.Root.Lang = pikepdf.String(NAME)
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=N.Font, Subtype=N.CIDFontType2, BaseFont=N.Arial,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Mai Anh"), Ordering=pikepdf.String("Bao Tran"),
                                         Supplement=0),
        FontDescriptor=pikepdf.Dictionary(Style=pikepdf.Dictionary(Panose=pikepdf.String("Lê Thị Cúc"))))))
    page.obj.Anywhere = pikepdf.Dictionary(Lang=pikepdf.String("Trần Văn Bảo"), Panose=pikepdf.String("MaiAnh"))
    return _saved(pdf)


def indexed_arrays() -> bytes:
    pdf, page = _tiny_page()
    page.obj.Resources = pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(
        CS0=[N.Indexed, N.DeviceRGB, 0, pikepdf.String(b"\x10\x20\x30")]))
    page.obj.Note = pikepdf.Array([N.Indexed, pikepdf.String(NAME), pikepdf.String("Bao Tran"),
                                   pikepdf.String("Lê Thị Cúc")])
    pdf.Root.Note = pikepdf.Array([N.I, N.DeviceRGB, 0, pikepdf.String("Trần Văn Bảo")])
    return _saved(pdf)


def deep_arrays() -> bytes:
    pdf, page = _tiny_page()
    page.obj.Deep = _nested(40, pikepdf.String(NAME))
    pdf.Root.Deeper = pdf.make_indirect(_nested(200, pikepdf.String("Tran Van Bao")))
    return _saved(pdf)


def jpeg_metadata_behind_filters() -> bytes:
    pdf, page = _tiny_page()
    photo = jpeg_with_artist(NAME)
    chained = pdf.make_stream(b"", Type=N.XObject, Subtype=N.Image, Width=16, Height=16, ColorSpace=N.DeviceRGB,
                              BitsPerComponent=8)
    chained.write(zlib.compress(photo), filter=[N.FlateDecode, N.DCTDecode])
    hexed = pdf.make_stream(b"", Type=N.XObject, Subtype=N.Image, Width=16, Height=16, ColorSpace=N.DeviceRGB,
                            BitsPerComponent=8)
    hexed.write(photo.hex().encode() + b">", filter=[N.ASCIIHexDecode, N.DCTDecode])
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=chained, Im2=hexed))
    page.obj.Contents = pdf.make_stream(b"q 30 0 0 30 5 5 cm /Im1 Do Q q 30 0 0 30 40 40 cm /Im2 Do Q")
    return _saved(pdf)


PDF_LEAKS = [names_and_keys, streams_outside_page_content, allow_listed_strings, indexed_arrays, deep_arrays,
             jpeg_metadata_behind_filters]


@pytest.mark.parametrize("hostile", PDF_LEAKS, ids=[leak.__name__ for leak in PDF_LEAKS])
def test_a_blind_pdf_copy_leaks_no_name(hostile):
    original = hostile()
    assert names_in(whole_pdf(original)), "the hostile file would prove nothing"
    clean = cleaning.without_identity(io.BytesIO(original), "pdf")
    assert names_in(whole_pdf(clean)) == []
    assert looks_alike(rendered(clean), rendered(original))


def test_the_pictures_in_a_pdf_reach_the_blind_copy_as_pixels():
    clean = cleaning.without_identity(io.BytesIO(jpeg_metadata_behind_filters()), "pdf")
    page = rendered(clean)  # 72 dpi, the top row first
    assert page.getpixel((20, 50)) < 120 and page.getpixel((55, 15)) < 120  # the two red photos, drawn
    assert page.getpixel((65, 65)) > 240


# -- images -------------------------------------------------------------------------------------

def _png_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        chunks.append(data[at + 4:at + 8])
        at += 12 + length
    return chunks


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    info.add_text("Comment", "Bao Tran", zip=True)
    info.add_itxt("Description", "Lê Thị Cúc", lang="vi", tkey="Mô tả", zip=True)
    exif = Image.Exif()
    exif[0x013B] = "Bao Tran"
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (10, 200, 10, 128)).save(out, format="PNG", pnginfo=info, exif=exif,
                                                       icc_profile=b"MaiAnh" * 30, dpi=(300, 300))
    return out.getvalue()


def test_a_blind_png_copy_is_made_of_its_pixels_alone():
    original = png_with_metadata()
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"pHYs"} <= set(_png_chunks(original))
    clean = cleaning.without_identity(io.BytesIO(original), "png")
    assert set(_png_chunks(clean)) == {b"IHDR", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(clean)) as image:
        assert image.mode == "RGBA" and image.getpixel((4, 4)) == (10, 200, 10, 128)


def _jpeg_markers(data: bytes) -> list[int]:
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    return markers


def test_a_blind_jpeg_copy_keeps_no_segment_but_the_picture_s_own():
    original = jpeg_with_artist(NAME)
    assert {0xE1, 0xFE} <= set(_jpeg_markers(original))  # EXIF and a comment
    clean = cleaning.without_identity(io.BytesIO(original), "jpeg")
    assert NAME.encode() not in clean
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(_jpeg_markers(clean))  # no EXIF/XMP, ICC, Photoshop, comment
