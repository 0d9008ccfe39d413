"""S3, issue 15 (second attack): each way the attacker still got a name out of a blind copy, as a hostile
file. The name is looked for everywhere in the copy: its bytes, every stream decompressed, every string,
name and key, the text and metadata PDFium extracts; every part of a Word package."""

import io
import zipfile
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


# -- Word ---------------------------------------------------------------------------------------

WORD = cleaning.W
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VISIBLE = "Báo cáo hoạt động"
WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def _relationships(*relationships: tuple[str, ...]) -> str:
    """(type, target[, target mode[, id]]); a type without a scheme is a Transitional one; ids rId1, rId2 …"""
    entries = []
    for n, (kind, target, *more) in enumerate(relationships, start=1):
        mode, identifier = (more + ["", f"rId{n}"])[:2] if len(more) < 2 else more
        entries.append(f'<Relationship Id="{identifier}" Type="{kind if ":" in kind else RELATIONSHIPS + "/" + kind}"'
                       f' Target="{target}"' + (f' TargetMode="{mode}"' if mode else "") + "/>")
    return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(entries)
            + "</Relationships>")


def _document(body: str, namespaces: str = "") -> str:
    return (f'<w:document xmlns:w="{WORD}" xmlns:r="{RELATIONSHIPS}" {namespaces}><w:body>'
            f'<w:p><w:r><w:t>{VISIBLE}</w:t></w:r></w:p>{body}</w:body></w:document>')


def _docx(document: str, parts: dict[str, str | bytes] | None = None, relationships=(), package=(),
          overrides: dict[str, str] | None = None) -> bytes:
    declared = {"word/document.xml": WORDML + "document.main+xml", "word/styles.xml": WORDML + "styles+xml",
                "word/numbering.xml": WORDML + "numbering+xml",
                "word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml"}
    types = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in {
        **declared, **(overrides or {})}.items())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                'content-types"><Default Extension="xml" ContentType="application/'
                                                f'xml"/>{types}</Types>')
        archive.writestr("_rels/.rels", _relationships(("officeDocument", "word/document.xml"), *package))
        archive.writestr("word/document.xml", document)
        if relationships:
            archive.writestr("word/_rels/document.xml.rels", _relationships(*relationships))
        for name, body in (parts or {}).items():
            archive.writestr(name, body)
    return out.getvalue()


CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{NAME}</dc:creator></cp:coreProperties>')


def core_properties_elsewhere() -> bytes:
    return _docx(_document(""), {"meta/core.xml": CORE, "docProps/app.xml": f"<Properties>{NAME}</Properties>"},
                 package=[("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                           "meta/core.xml"), ("extended-properties", "docProps/app.xml")],
                 overrides={"meta/core.xml": "application/vnd.openxmlformats-package.core-properties+xml"})


def custom_properties_elsewhere() -> bytes:
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
              f'<property name="Nominee"><vt:lpwstr xmlns:vt="x">{NAME}</vt:lpwstr></property></Properties>')
    return _docx(_document(""), {"docProps/cust.xml": custom}, package=[("custom-properties", "docProps/cust.xml")])


def comments_renamed() -> bytes:
    comments = (f'<w:comments xmlns:w="{WORD}"><w:comment w:id="0"><w:p><w:r><w:t>{NAME}</w:t></w:r></w:p>'
                f'</w:comment></w:comments>')
    return _docx(_document(""), {"word/notes.xml": comments, "word/ghi-chu.xml": comments},
                 relationships=[("comments", "notes.xml"), ("footnotes", "ghi-chu.xml")],
                 overrides={"word/notes.xml": WORDML + "footnotes+xml"})


def ole_binaries_among_pictures() -> bytes:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + f"Word.Document {NAME}".encode("utf-16-le") + bytes(400)
    body = ('<w:p><w:r><w:object><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="s1"/>'
            '<o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" r:id="rId1" ProgID="Word.Document.12"/>'
            '</w:object></w:r></w:p>')
    return _docx(_document(body), {"word/media/oleObject1.bin": ole, "word/media/image9.emf": ole},
                 relationships=[("oleObject", "media/oleObject1.bin"), ("image", "media/image9.emf")])


def parts_of_unknown_relationships() -> bytes:
    return _docx(_document(""), {"word/data.xml": f'<w:styles xmlns:w="{WORD}"><!-- --><w:x>{NAME}</w:x></w:styles>',
                                 "word/glossary.xml": _document(f"<w:p><w:r><w:t>{NAME}</w:t></w:r></w:p>")},
                 relationships=[("http://example.org/2026/nominee", "data.xml"),
                                ("glossaryDocument", "glossary.xml")])


def hidden_text() -> bytes:
    styles = (f'<w:styles xmlns:w="{WORD}"><w:docDefaults><w:rPrDefault><w:rPr/></w:rPrDefault></w:docDefaults>'
              '<w:style w:type="character" w:styleId="An"><w:name w:val="An"/><w:rPr><w:vanish/></w:rPr></w:style>'
              '<w:style w:type="character" w:styleId="AnCon"><w:name w:val="x"/><w:basedOn w:val="An"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="DoanAn"><w:name w:val="y"/><w:rPr><w:vanish/></w:rPr>'
              '</w:style><w:style w:type="table" w:styleId="BangAn"><w:name w:val="z"/><w:tblStylePr '
              'w:type="firstRow"><w:rPr><w:vanish/></w:rPr></w:tblStylePr></w:style></w:styles>')
    body = ('<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>Nguyen Thi Mai Anh</w:t></w:r>'
            '<w:r><w:rPr><w:specVanish/></w:rPr><w:t>Bao Tran</w:t></w:r>'
            '<w:r><w:rPr><w:webHidden w:val="true"/></w:rPr><w:t>Lê Thị Cúc</w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="AnCon"/></w:rPr><w:t>Trần Văn Bảo</w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="An"/><w:vanish w:val="0"/></w:rPr><w:t>Hiện ra</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="DoanAn"/></w:pPr><w:r><w:t>Thành đoàn</w:t></w:r></w:p>'
            '<w:tbl><w:tblPr><w:tblStyle w:val="BangAn"/></w:tblPr><w:tr><w:tc><w:p><w:r><w:t>MaiAnh</w:t></w:r>'
            '</w:p></w:tc></w:tr></w:tbl>')
    return _docx(_document(body), {"word/styles.xml": styles}, relationships=[("styles", "styles.xml")])


def names_in_markup() -> bytes:
    """Where Word itself writes names an author never sees: a picture's file name and alternative text, field
    instructions, bookmarks, editing permissions, style, list and theme names, other namespaces' extensions,
    markup-compatibility choices, external link targets, text outside text elements, processing instructions."""
    styles = (f'<w:styles xmlns:w="{WORD}"><w:style w:type="paragraph" w:styleId="MaiAnh"><w:name w:val="Mai Anh"/>'
              '<w:aliases w:val="Bao Tran"/><w:basedOn w:val="TranVanBao"/><w:r><w:t>Nguyễn Thị</w:t></w:r>'
              '</w:style></w:styles>')
    theme = ('<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Lê Thị Cúc">'
             '<a:themeElements><a:clrScheme name="Trần Văn Bảo"/></a:themeElements></a:theme>')
    numbering = (f'<w:numbering xmlns:w="{WORD}"><w:abstractNum w:abstractNumId="0"><w:name w:val="Thành đoàn"/>'
                 '</w:abstractNum></w:numbering>')
    png = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 255)).save(png, "PNG")
    body = ('<?nominee Nguyen Thi Mai Anh?><w:p><w:pPr><w:pStyle w:val="MaiAnh"/></w:pPr>'
            '<w:bookmarkStart w:id="0" w:name="MaiAnh"/><w:permStart w:id="1" w:ed="bao.tran@example.vn"/>'
            '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="MaiAnh"/><w:textInput><w:default '
            'w:val="Bao Tran"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText>'
            'INCLUDETEXT "C:\\\\Users\\\\MaiAnh\\\\cv.docx"</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>kết quả</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:fldSimple w:instr="AUTHOR Nguyen Thi"><w:r><w:t>tác giả</w:t></w:r></w:fldSimple>'
            '<w:hyperlink r:id="rId4"><w:r><w:t>trang web</w:t></w:r></w:hyperlink>'
            '<w:r><w:drawing><wp:inline><wp:docPr id="1" name="MaiAnh.png" descr="Ảnh Lê Thị Cúc" title="Bao Tran"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            '<pic:nvPicPr><pic:cNvPr id="0" name="MaiAnh.png" descr="Mai Anh"/></pic:nvPicPr><pic:blipFill>'
            '<a:blip r:embed="NguyenThiMaiAnh"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline>'
            '</w:drawing></w:r><mc:AlternateContent><mc:Choice Requires="w14"><w14:x>Trần Văn Bảo</w14:x></mc:Choice>'
            '<mc:Fallback><w:r><w:t>dự phòng</w:t></w:r></mc:Fallback></mc:AlternateContent>'
            '<w:r w14:paraId="Mai Anh" x:who="Bao Tran"><w:t>cuối</w:t><w:unknown>Lê Thị Cúc</w:unknown>Thành đoàn'
            '</w:r><w:permEnd w:id="1"/><w:bookmarkEnd w:id="0"/></w:p>')
    namespaces = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
                  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                  'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
                  'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                  'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:x="urn:nominee:Mai-Anh" '
                  'mc:Ignorable="w14"')
    return _docx(_document(body, namespaces), {"word/styles.xml": styles, "word/theme/theme1.xml": theme,
                                               "word/numbering.xml": numbering, "word/media/p.png": png.getvalue()},
                 relationships=[("styles", "styles.xml"), ("theme", "theme/theme1.xml"),
                                ("numbering", "numbering.xml"), ("hyperlink", "https://maianh.example/", "External"),
                                ("image", "media/p.png", "", "NguyenThiMaiAnh")])


def parts_nothing_shows() -> bytes:
    """Parts of allowed kinds that no reader ever sees: a header, a footer and a picture nothing refers to, a
    first-page header in a section without a distinct first page, an even-page footer without even pages,
    footnotes the text does not refer to."""
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG", pnginfo=_png_text(NAME))
    story = '<w:{0} xmlns:w="' + WORD + '"><w:p><w:r><w:t>{1}</w:t></w:r></w:p></w:{0}>'
    notes = (f'<w:footnotes xmlns:w="{WORD}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
             '</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>chú thích</w:t></w:r></w:p></w:footnote>'
             '<w:footnote w:id="2"><w:p><w:r><w:t>Trần Văn Bảo</w:t></w:r></w:p></w:footnote></w:footnotes>')
    body = ('<w:p><w:r><w:footnoteReference w:id="1"/></w:r></w:p><w:sectPr><w:headerReference w:type="default" '
            'r:id="rId1"/><w:headerReference w:type="first" r:id="rId2"/><w:footerReference w:type="even" '
            'r:id="rId3"/></w:sectPr>')
    return _docx(_document(body), {
        "word/h1.xml": story.format("hdr", "đầu trang"), "word/h2.xml": story.format("hdr", "Lê Thị Cúc"),
        "word/f1.xml": story.format("ftr", "Bao Tran"), "word/h3.xml": story.format("hdr", NAME),
        "word/media/x.png": png.getvalue(), "word/notes.xml": notes},
        relationships=[("header", "h1.xml"), ("header", "h2.xml"), ("footer", "f1.xml"), ("header", "h3.xml"),
                       ("image", "media/x.png"), ("footnotes", "notes.xml")],
        overrides={"word/notes.xml": WORDML + "footnotes+xml", "word/h1.xml": WORDML + "header+xml",
                   "word/h2.xml": WORDML + "header+xml", "word/h3.xml": WORDML + "header+xml",
                   "word/f1.xml": WORDML + "footer+xml"})


def _png_text(text: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", text)
    return info


DOCX_LEAKS = [core_properties_elsewhere, custom_properties_elsewhere, comments_renamed, ole_binaries_among_pictures,
              parts_of_unknown_relationships, hidden_text, parts_nothing_shows]


def every_part(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return " ".join(archive.read(name).decode("utf-8", "replace") + " " +
                        archive.read(name).decode("utf-16-le", "replace") + " " + name
                        for name in archive.namelist())


@pytest.mark.parametrize("hostile", DOCX_LEAKS, ids=[leak.__name__ for leak in DOCX_LEAKS])
def test_a_blind_word_copy_leaks_no_name(hostile):
    original = hostile()
    assert names_in(every_part(original)), "the hostile file would prove nothing"
    clean = cleaning.without_identity(io.BytesIO(original), "docx")
    assert names_in(every_part(clean)) == []
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        assert VISIBLE in archive.read("word/document.xml").decode()


def test_a_blind_word_copy_keeps_what_shows_and_no_name_word_wrote_in_its_markup():
    original = names_in_markup()
    assert len(names_in(every_part(original))) >= 6 and "maianh.example" in every_part(original)
    clean = cleaning.without_identity(io.BytesIO(original), "docx")
    assert names_in(every_part(clean)) == [] and "maianh" not in every_part(clean).lower()
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        picture = archive.read("word/media/image1.png")
    for shown in (VISIBLE, "kết quả", "tác giả", "trang web", "dự phòng", "cuối"):
        assert shown in document, shown
    assert 'r:embed="rId' in document and 'w:pStyle w:val="Style1"' in document and 'w:styleId="Style1"' in styles
    with Image.open(io.BytesIO(picture)) as image:
        assert image.getpixel((1, 1)) == (0, 0, 255)


def test_text_a_run_shows_explicitly_stays_in_a_blind_word_copy():
    with zipfile.ZipFile(io.BytesIO(cleaning.without_identity(io.BytesIO(hidden_text()), "docx"))) as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert "Hiện ra" in document and "vanish" not in document + styles


def test_a_strict_word_document_is_refused_with_its_own_reason():
    strict = _docx(_document("").replace(WORD, "http://purl.oclc.org/ooxml/wordprocessingml/main"))
    with pytest.raises(cleaning.StrictOoxml):
        cleaning.without_identity(io.BytesIO(strict), "docx")
    assert cleaning.is_strict_ooxml(io.BytesIO(strict)) and not cleaning.is_strict_ooxml(io.BytesIO(hidden_text()))
    strict_relationship = _docx(_document(""), package=[
        ("http://purl.oclc.org/ooxml/officeDocument/relationships/metadata/core-properties", "x.xml")])
    with pytest.raises(cleaning.StrictOoxml):
        cleaning.without_identity(io.BytesIO(strict_relationship), "docx")


def test_the_parts_a_reader_sees_stay_in_a_blind_word_copy():
    with zipfile.ZipFile(io.BytesIO(cleaning.without_identity(io.BytesIO(parts_nothing_shows()), "docx"))) as copy:
        assert sorted(copy.namelist()) == ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                                           "word/document.xml", "word/footnotes.xml", "word/header1.xml"]
        assert "đầu trang" in copy.read("word/header1.xml").decode()
        notes = copy.read("word/footnotes.xml").decode()
    assert "chú thích" in notes and "w:separator" in notes
