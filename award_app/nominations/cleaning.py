"""Copies of uploaded files with what could hide a name, or run code, taken out.

- `pdf_without_active_content`: JavaScript, launch and other actions, additional actions (/AA), embedded
  files, rich media and XFA removed. Every PDF kept by the platform has passed through it (at upload).
- `without_identity`: the copy a juror of a blind round receives. PDF: a new file made of pictures of the
  original's pages (150 dpi, as a printout shows them, PDFium in a bounded child process: see
  `pdf_as_page_images`); nothing of the original's objects, strings, names, streams or metadata survives.
  Word (lxml, no entities, no network): a new package from an allow-list (see the Word section): the main
  document and the styles, numbering, fonts table, settings, theme, headers, footers, footnotes, endnotes
  and pictures it reaches through their Transitional relationship types and still refers to, each of the
  content type and root element promised, under names of our own; in them only the Transitional
  namespaces' elements and attributes, text only in text elements of the parts that are read, hidden text
  removed, tracked changes accepted, every name Word writes in the markup (authors, style, theme and list
  names, picture file names and descriptions, bookmarks, permissions, field instructions, form fields,
  relationship ids) removed or replaced; no document properties. Strict Open XML is refused (StrictOoxml).
  Images: decoded within the pixel bound and re-encoded from the pixels alone.

Every decoder is bounded: images by `MAX_PIXELS`, Word documents by the number and unpacked size of
their parts (`DocxLimits`), PDFs drawn for a blind copy by pages, pixels, time, memory and output
(`RasteriseLimits`); neutralised PDFs' streams are copied without being decompressed.
"""

import io
import posixpath
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import pikepdf
from lxml import etree
from PIL import Image, ImageOps

from award_app.nominations import rasterise

MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; a decompression bomb does not
VERSION = 3  # raise it when the cleaner removes more: cached copies are made again


class CannotClean(Exception):
    """The file cannot be read well enough to be cleaned; it must not be served to a juror."""


class TooManyPixels(CannotClean):
    pass


class DocxTooLarge(CannotClean):
    pass


# -- images -------------------------------------------------------------------------------------

IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG"}


def open_image(source, kind: str, read_as: list[str] | None = None) -> Image.Image:
    """The image opened (header only) for its own format (or those of `read_as`), refused before decoding when it
    has too many pixels."""
    image = Image.open(source, formats=read_as or [IMAGE_FORMATS[kind]])
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise TooManyPixels()
    return image


def image_without_metadata(source: BinaryIO, kind: str, read_as: list[str] | None = None) -> bytes:
    """Only the pixels survive (turned upright first), saved as `kind`: no EXIF, XMP, comments or text chunks."""
    try:
        with open_image(source, kind, read_as) as image:
            upright = ImageOps.exif_transpose(image)
            mode = "RGB" if kind == "jpeg" else ("RGBA" if "A" in upright.getbands() or "transparency" in
                                                 upright.info else "RGB")
            pixels = upright.convert(mode)
    except TooManyPixels:
        raise
    except Exception as error:  # a hostile file may make the decoder raise anything
        raise CannotClean(str(error)) from error
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, format=IMAGE_FORMATS[kind], **({"quality": 90} if kind == "jpeg" else {}))
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------------

N = pikepdf.Name
# Actions that run something, open something outside the file or send data away. Links to pages
# (/GoTo) and to web addresses (/URI) are kept.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/Rendition",
                  "/RichMediaExecute", "/GoToE", "/GoToR", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/Trans",
                  "/GoTo3DView"}
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
ACTIVE_KEYS = ("/AA", "/JS", "/EF", "/XFA", "/RichMediaContent")


class EncryptedPdf(CannotClean):
    pass


def open_pdf(source) -> pikepdf.Pdf:
    try:
        return pikepdf.open(source)
    except pikepdf.PasswordError as error:
        raise EncryptedPdf() from error
    except Exception as error:  # a hostile file may make the parser raise anything
        raise CannotClean(str(error)) from error


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream of the file, direct ones nested in others included, each once.
    A caller may remove keys from the one it was given: what it removed is not visited."""
    seen: set[tuple[int, int]] = set()
    stack: list = [pdf.trailer, *pdf.objects]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue  # numbers, names, strings: nothing inside
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            stack.extend(obj[key] for key in list(obj.keys()))
        else:
            stack.extend(obj)


def _is_active_action(value) -> bool:
    return isinstance(value, pikepdf.Dictionary) and str(value.get("/S", "")) in ACTIVE_ACTIONS


def _remove_active_annotations(pdf: pikepdf.Pdf) -> bool:
    found = False
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept = [a for a in annotations if str(a.get("/Subtype", "")) not in ACTIVE_ANNOTATIONS]
        if len(kept) != len(annotations):
            found = True
            page.obj.Annots = pikepdf.Array(kept)
    return found


def _remove_active_content(pdf: pikepdf.Pdf) -> bool:
    """Takes out every action that runs or opens something, embedded files and rich media; True if any."""
    found = _remove_active_annotations(pdf)
    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for tree in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions"):
            if tree in names:
                del names[tree]
                found = True
    for dictionary in _dictionaries(pdf):
        for key in ACTIVE_KEYS:
            if key in dictionary:
                del dictionary[key]
                found = True
        for key in ("/OpenAction", "/A", "/Next"):
            if key in dictionary and _is_active_action(dictionary[key]):
                del dictionary[key]
                found = True
        if str(dictionary.get("/Type", "")) == "/EmbeddedFile":
            found = True  # reachable only through a key removed above; not written
    return found


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    # Streams are copied as they are (never decompressed here: no bomb can unfold); a fresh file ID.
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def neutralised(pdf: pikepdf.Pdf) -> bytes | None:
    """A copy without active content, or None when the file had none (then it is kept as sent, so that
    a signed PDF keeps its valid signature)."""
    try:
        if not _remove_active_content(pdf):
            return None
        return _saved(pdf)
    except Exception as error:  # a hostile file may make qpdf raise anything
        raise CannotClean(str(error)) from error


def pdf_without_active_content(source) -> bytes | None:
    with open_pdf(source) as pdf:
        return neutralised(pdf)


# -- PDF blind copies: pictures of the pages ----------------------------------------------------
# A blind copy of a PDF is made anew from pictures of its pages, as a printout shows them: nothing of the
# original file (objects, names, strings, streams, fonts, metadata, images as they were stored) survives.
# PDFium draws the pages in a child process that bounds itself (CPU time, memory, output size): a hostile
# file can make it fail, never make the server wait or swell, and PDFium never runs inside a server thread.

BLIND_PDF_DPI = 150  # body text stays readable on screen and on paper
MAX_BLIND_PDF_PAGES = 100
MAX_PAGE_PIXELS = 8_000_000  # an A3 page at 150 dpi is 4.4 million; a larger page is drawn smaller
MAX_PAGE_SIDE = 10_000  # pixels: a very long, thin page is drawn smaller too
RASTERISER = Path(__file__).with_name("rasterise.py")


@dataclass(frozen=True)
class RasteriseLimits:
    dpi: int = BLIND_PDF_DPI
    max_pages: int = MAX_BLIND_PDF_PAGES
    max_page_pixels: int = MAX_PAGE_PIXELS
    max_page_side: int = MAX_PAGE_SIDE
    cpu_seconds: int = 60
    wall_seconds: float = 90  # under the web server's 120-second timeout: the upload that made it is answered
    memory: int = 1536 * 1024 * 1024  # address space of the child, PDFium's decoders included
    output: int = 200 * 1024 * 1024

    def arguments(self) -> list[str]:
        return [str(value) for value in (self.dpi, self.max_pages, self.max_page_pixels, self.max_page_side,
                                         self.cpu_seconds, self.memory, self.output)]


class PdfTooManyPages(CannotClean):
    pass


class RasterisingFailed(CannotClean):
    """The child stopped: a limit reached (time, memory, output) or the decoder failed."""


def pdf_as_page_images(source: BinaryIO, limits: RasteriseLimits = RasteriseLimits()) -> bytes:
    """The blind copy of a PDF: a new file whose pages are only the pictures of the original's pages."""
    data = source.read()
    with tempfile.TemporaryFile() as drawn:
        try:
            finished = subprocess.run(  # noqa: S603 - our own script, run by this interpreter, no shell
                [sys.executable, "-I", str(RASTERISER), *limits.arguments()], input=data, stdout=drawn,
                stderr=subprocess.DEVNULL, timeout=limits.wall_seconds, check=False)
        except subprocess.TimeoutExpired as error:  # run() has killed the child
            raise RasterisingFailed("time") from error
        if finished.returncode == rasterise.TOO_MANY_PAGES:
            raise PdfTooManyPages()
        if finished.returncode == rasterise.UNREADABLE:
            raise CannotClean("unreadable")
        if finished.returncode != 0:
            raise RasterisingFailed(f"status {finished.returncode}")
        drawn.seek(0)
        return _pdf_of_pictures(_drawn_pages(drawn, limits))


def _drawn_pages(drawn: BinaryIO, limits: RasteriseLimits) -> Iterator[tuple[float, float, bytes]]:
    """The child's pages, each checked: a JPEG within the pixel bounds, a page of some area."""
    for _ in range(limits.max_pages + 1):
        header = drawn.read(rasterise.FRAME.size)
        if not header:
            return
        if len(header) < rasterise.FRAME.size:
            raise RasterisingFailed("truncated")
        width, height, length = rasterise.FRAME.unpack(header)
        picture = drawn.read(length)
        if len(picture) < length or not (0 < width < 1e6 and 0 < height < 1e6):
            raise RasterisingFailed("truncated")
        with Image.open(io.BytesIO(picture), formats=["JPEG"]) as image:  # the header only
            if (image.mode != "RGB" or image.width * image.height > limits.max_page_pixels
                    or max(image.size) > limits.max_page_side):
                raise RasterisingFailed("picture")
        yield width, height, picture
    raise RasterisingFailed("pages")


def _pdf_of_pictures(pages: Iterator[tuple[float, float, bytes]]) -> bytes:
    pdf = pikepdf.new()
    for width, height, picture in pages:
        with Image.open(io.BytesIO(picture)) as image:
            pixels = image.size
        drawing = pdf.make_stream(picture, Type=N.XObject, Subtype=N.Image, Width=pixels[0], Height=pixels[1],
                                  ColorSpace=N.DeviceRGB, BitsPerComponent=8, Filter=N.DCTDecode)
        content = pdf.make_stream(f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /P Do Q".encode())
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=N.Page, MediaBox=[0, 0, width, height], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(P=drawing)))))
    if len(pdf.pages) == 0:
        raise CannotClean("no page")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# -- Word ---------------------------------------------------------------------------------------
# A blind copy of a Word document is a new package built from an allow-list: the main document and only the
# parts it reaches through the relationship types below, each under a name of our own, of the content type
# and root element its relationship promises; pictures re-encoded from their pixels; in each part only the
# elements and attributes of the Transitional namespaces below, text only inside text elements, hidden text
# removed, tracked changes accepted. Everything else (document properties, custom properties, comments,
# people, custom XML, embedded objects, fonts, macros, printer settings, glossary, unknown parts and
# relationships, extensions of other namespaces) is not copied. Strict Open XML is refused.

@dataclass(frozen=True)
class DocxLimits:
    max_parts: int = 1000
    max_unpacked: int = 100 * 1024 * 1024  # all parts together, once unpacked
    # One XML part, once unpacked: it is parsed in memory, ~25 bytes a byte at worst (8 MB → ~200 MB).
    max_xml_part: int = 8 * 1024 * 1024


class StrictOoxml(CannotClean):
    """Saved as Strict Open XML (Word's "Strict Open XML Document"): its namespaces are not on the allow-list."""


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
VML, OFFICE, WORD_VML = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office", \
    "urn:schemas-microsoft-com:office:word"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
KEPT_NAMESPACES = {W, R, A, M, WP, PIC, VML, OFFICE, WORD_VML, XML_NAMESPACE}
STRICT = "http://purl.oclc.org/ooxml/"  # every Strict namespace and relationship type starts so
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIP_TYPE = R + "/"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=False)
WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN_CONTENT_TYPES = {WORDML + "document.main+xml", WORDML + "template.main+xml",
                      "application/vnd.ms-word.document.macroEnabled.main+xml",
                      "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"}
IMAGE = "image"


@dataclass(frozen=True)
class PartKind:
    root: str  # the root element a part of this kind has
    content_type: str
    name: str  # its name in the copy; {n} numbers the parts of a kind that may come more than once
    reaches: frozenset[str] = frozenset()  # the relationship types it may have, the last part of their URI


STORY_REACHES = frozenset({IMAGE})
PART_KINDS = {
    "officeDocument": PartKind(f"{{{W}}}document", WORDML + "document.main+xml", "word/document.xml", frozenset(
        {"styles", "numbering", "fontTable", "settings", "theme", "header", "footer", "footnotes", "endnotes",
         IMAGE})),
    "styles": PartKind(f"{{{W}}}styles", WORDML + "styles+xml", "word/styles.xml"),
    "numbering": PartKind(f"{{{W}}}numbering", WORDML + "numbering+xml", "word/numbering.xml"),
    "fontTable": PartKind(f"{{{W}}}fonts", WORDML + "fontTable+xml", "word/fontTable.xml"),
    "settings": PartKind(f"{{{W}}}settings", WORDML + "settings+xml", "word/settings.xml"),
    "theme": PartKind(f"{{{A}}}theme", "application/vnd.openxmlformats-officedocument.theme+xml",
                      "word/theme/theme1.xml"),
    "header": PartKind(f"{{{W}}}hdr", WORDML + "header+xml", "word/header{n}.xml", STORY_REACHES),
    "footer": PartKind(f"{{{W}}}ftr", WORDML + "footer+xml", "word/footer{n}.xml", STORY_REACHES),
    "footnotes": PartKind(f"{{{W}}}footnotes", WORDML + "footnotes+xml", "word/footnotes.xml", STORY_REACHES),
    "endnotes": PartKind(f"{{{W}}}endnotes", WORDML + "endnotes+xml", "word/endnotes.xml", STORY_REACHES),
}
STORIES = {"officeDocument", "header", "footer", "footnotes", "endnotes"}  # the parts whose runs are read
PICTURE_FORMATS = {"JPEG": ("jpeg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("png", "image/png"),
                   "BMP": ("png", "image/png")}

# Tracked changes accepted: deletions and moves away vanish with their text, insertions stay as text. Removed
# with what they hold as well: what names someone or holds text nobody sees (comment anchors, bookmarks and
# editing permissions, field instructions, document variables, the template path, content-control titles,
# tags and placeholders, custom-XML and smart-tag properties, alternative style names, picture bullets).
REMOVED_WITH_CONTENT = {"del", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                        "tcPrChange", "tblGridChange", "tblPrExChange", "numberingChange", "cellIns", "cellDel",
                        "cellMerge", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                        "commentRangeStart", "commentRangeEnd", "commentReference", "customXmlInsRangeStart",
                        "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
                        "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
                        "customXmlMoveToRangeEnd", "bookmarkStart", "bookmarkEnd", "permStart", "permEnd",
                        "instrText", "delInstrText", "fldChar", "attachedTemplate", "docVars", "mailMerge", "rsids",
                        "alias", "tag", "placeholder", "dataBinding", "customXmlPr", "smartTagPr", "aliases",
                        "latentStyles", "numPicBullet", "lvlPicBulletId"}
# Kept for their children: accepted insertions, custom-XML and smart-tag wrappers and simple fields (their
# names and instructions go, their text stays).
UNWRAPPED = {"ins", "moveTo", "customXml", "smartTag", "fldSimple"}
IDENTITY_ATTRIBUTES = {"author", "initials", "userId", "providerId", "dateUtc", "date", "descr", "title", "alt",
                       "href", "tooltip", "docLocation"}
HIDING = {"vanish", "specVanish", "webHidden"}  # run properties that hide text
TEXT_ELEMENTS = {f"{{{W}}}t", f"{{{M}}}t", f"{{{A}}}t"}  # the only elements whose text a copy keeps
# Style names Word gives its own styles (kept so that headings stay headings); every other name is replaced.
BUILT_IN_STYLES = {"normal", "title", "subtitle", "quote", "intense quote", "list paragraph", "no spacing",
                   "table grid", "normal table", "no list", "default paragraph font", "header", "footer",
                   "footnote text", "footnote reference", "endnote text", "endnote reference", "caption",
                   "hyperlink", "strong", "emphasis", "toc heading", "balloon text", "annotation text",
                   "annotation reference", "page number", "line number", "body text", "list bullet", "list number",
                   *(f"heading {n}" for n in range(1, 10)), *(f"toc {n}" for n in range(1, 10))}
STYLE_REFERENCES = {"pStyle", "rStyle", "tblStyle", "basedOn", "next", "link", "numStyleLink", "styleLink"}


def check_docx_bounds(infos: list[zipfile.ZipInfo], limits: DocxLimits) -> None:
    if len(infos) > limits.max_parts or sum(i.file_size for i in infos) > limits.max_unpacked:
        raise DocxTooLarge()
    if any(i.filename.endswith((".xml", ".rels")) and i.file_size > limits.max_xml_part for i in infos):
        raise DocxTooLarge()


def read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """At most the declared size is unpacked (zipfile stops there and checks the CRC)."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise DocxTooLarge()
    return data


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, XML_PARSER)  # noqa: S320 - entities off, no network, no DTD


def _root_tag(data: bytes) -> str | None:
    """The root element's name, read without parsing the whole part; None for what is not XML."""
    try:
        for _event, element in etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False,
                                               no_network=True, load_dtd=False, huge_tree=False):
            return element.tag
    except etree.XMLSyntaxError:
        return None
    return None


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _namespace(tag) -> str:
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


def _relationships_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationship_target(rels_name: str, target: str) -> str:
    """The part a relationship of `rels_name` (…/_rels/x.rels) points to, as a package path."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    target = unquote(target)  # a target is a URI: "image%201.png" is the part "image 1.png"
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


class _Upload:
    """The uploaded package, read within its bounds."""

    def __init__(self, archive: zipfile.ZipFile, limits: DocxLimits):
        self.archive = archive
        self.infos = {info.filename: info for info in archive.infolist()}
        check_docx_bounds(list(self.infos.values()), limits)
        self.defaults, self.overrides = self._declared_types()

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        return read_part(self.archive, self.infos[name])

    def _declared_types(self) -> tuple[dict[str, str], dict[str, str]]:
        if not self.has("[Content_Types].xml"):
            return {}, {}
        defaults, overrides = {}, {}
        for entry in parse_xml(self.read("[Content_Types].xml")):
            if _local(entry.tag) == "Default":
                defaults[entry.get("Extension", "").lower()] = entry.get("ContentType", "")
            elif _local(entry.tag) == "Override":
                overrides[entry.get("PartName", "").lstrip("/").lower()] = entry.get("ContentType", "")
        return defaults, overrides

    def content_type(self, name: str) -> str | None:
        """As the upload declares it; None when it declares nothing for the part."""
        return self.overrides.get(name.lower(), self.defaults.get(posixpath.splitext(name)[1][1:].lower()))


def _main_document(upload: _Upload) -> str:
    main = "word/document.xml"
    if upload.has("_rels/.rels"):
        relationships = list(parse_xml(upload.read("_rels/.rels")))
        if any(relationship.get("Type", "").startswith(STRICT) for relationship in relationships):
            raise StrictOoxml()
        main = next((_relationship_target("_rels/.rels", relationship.get("Target", ""))
                     for relationship in relationships if relationship.get("Type") == RELATIONSHIP_TYPE +
                     "officeDocument" and relationship.get("TargetMode") != "External"), main)
    if not upload.has(main):
        raise CannotClean("no main document")
    root = _root_tag(upload.read(main)) or ""
    if root.startswith("{" + STRICT):
        raise StrictOoxml()
    declared = upload.content_type(main)
    if root != PART_KINDS["officeDocument"].root or (declared is not None and declared not in MAIN_CONTENT_TYPES):
        raise CannotClean("not a Word document")
    return main


def _picture(data: bytes) -> tuple[str, bytes] | None:
    """A picture re-encoded from its pixels (JPEG stays JPEG, the rest becomes PNG); None for anything else
    (a metafile, an object, a blob, a picture over the pixel bound)."""
    try:
        with Image.open(io.BytesIO(data), formats=list(PICTURE_FORMATS)) as image:
            extension = PICTURE_FORMATS[image.format][0]
        return extension, image_without_metadata(io.BytesIO(data), extension, read_as=list(PICTURE_FORMATS))
    except Exception:  # noqa: BLE001 - whatever the decoder says, it is not a picture we keep
        return None


@dataclass(frozen=True)
class _Styles:
    names: dict[str, str]  # the upload's style ids → the copy's
    hidden: dict[str, bool | None]  # style id → hides its text (True), shows it (False), says nothing (None)
    default_paragraph: str | None
    default_table: str | None
    hidden_by_default: bool


def _hides(properties: etree._Element | None) -> bool | None:
    """What run properties say of hidden text: True, False (explicitly shown) or None (nothing)."""
    if properties is None:
        return None
    said = None
    for element in properties:
        if _local(element.tag) in HIDING and _namespace(element.tag) == W:
            value = element.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")
            said = said or value
    return said


def _styles(root: etree._Element | None) -> _Styles:
    if root is None:
        return _Styles({}, {}, None, None, False)
    names, own, based_on, defaults = {}, {}, {}, {}
    for number, style in enumerate(root.iter(f"{{{W}}}style"), start=1):
        style_id = style.get(f"{{{W}}}styleId", "")
        name = style.find(f"{{{W}}}name")
        built_in = name is not None and name.get(f"{{{W}}}val", "").lower() in BUILT_IN_STYLES
        names[style_id] = style_id if built_in and style_id.isalnum() and style_id.isascii() else f"Style{number}"
        kind = style.get(f"{{{W}}}type", "paragraph")
        if kind == "table":  # conditional formats too: a table style that hides any text hides the table's
            own[style_id] = True if any(_hides(p) for p in style.iter(f"{{{W}}}rPr")) else None
        else:
            own[style_id] = _hides(style.find(f"{{{W}}}rPr"))
        parent = style.find(f"{{{W}}}basedOn")
        based_on[style_id] = parent.get(f"{{{W}}}val") if parent is not None else None
        if style.get(f"{{{W}}}default") in ("1", "true", "on"):
            defaults.setdefault(kind, style_id)
    hidden = {style_id: _inherited(style_id, own, based_on) for style_id in own}
    document_default = root.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr")
    return _Styles(names, hidden, defaults.get("paragraph"), defaults.get("table"), bool(_hides(document_default)))


def _inherited(style_id: str, own: dict, based_on: dict) -> bool | None:
    for _ in range(50):  # a chain of basedOn, which a hostile file may make circular
        if style_id not in own:
            return None
        if own[style_id] is not None:
            return own[style_id]
        style_id = based_on.get(style_id)
    return None


def _is_hidden(run: etree._Element, styles: _Styles) -> bool:
    properties = run.find(f"{{{W}}}rPr")
    said = _hides(properties)
    if said is None and properties is not None:
        character = properties.find(f"{{{W}}}rStyle")
        said = styles.hidden.get(character.get(f"{{{W}}}val", "")) if character is not None else None
    if said is None:
        said = styles.hidden.get(_paragraph_style(run) or styles.default_paragraph or "")
    if said is None:
        said = styles.hidden.get(_table_style(run) or styles.default_table or "") if _in_table(run) else None
    return styles.hidden_by_default if said is None else said


def _paragraph_style(run: etree._Element) -> str | None:
    paragraph = next(run.iterancestors(f"{{{W}}}p"), None)
    style = paragraph.find(f"{{{W}}}pPr/{{{W}}}pStyle") if paragraph is not None else None
    return style.get(f"{{{W}}}val") if style is not None else None


def _in_table(run: etree._Element) -> bool:
    return next(run.iterancestors(f"{{{W}}}tbl"), None) is not None


def _table_style(run: etree._Element) -> str | None:
    table = next(run.iterancestors(f"{{{W}}}tbl"), None)
    style = table.find(f"{{{W}}}tblPr/{{{W}}}tblStyle") if table is not None else None
    return style.get(f"{{{W}}}val") if style is not None else None


def _remove(element: etree._Element) -> None:
    if element.getparent() is not None:
        element.getparent().remove(element)


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _keep_fallbacks(root: etree._Element) -> None:
    """Markup compatibility: each choice of content is replaced by its fallback, in the kept namespaces."""
    for choice in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = choice.getparent()
        if parent is None:
            continue
        fallback = choice.find(f"{{{MC}}}Fallback")
        index = parent.index(choice)
        for offset, child in enumerate(list(fallback) if fallback is not None else []):
            parent.insert(index + offset, child)
        parent.remove(choice)


def _only_kept_namespaces(root: etree._Element) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or _namespace(element.tag) not in KEPT_NAMESPACES:
            _remove(element)
            continue
        for attribute in list(element.attrib):
            if _namespace(attribute) not in KEPT_NAMESPACES | {""}:
                del element.attrib[attribute]


def _accept_changes(root: etree._Element) -> None:
    """Removing or unwrapping an element inside one already removed is harmless: it is detached already."""
    for element in list(root.iter(*(f"{{{W}}}{name}" for name in REMOVED_WITH_CONTENT | UNWRAPPED))):
        if _local(element.tag) in REMOVED_WITH_CONTENT:
            _remove(element)
        else:
            _unwrap(element)


def _without_hidden_text(root: etree._Element, styles: _Styles, story: bool) -> None:
    """Hidden runs go with their text; then no property hides anything any more."""
    if story:
        for run in [run for run in root.iter(f"{{{W}}}r") if _is_hidden(run, styles)]:
            _remove(run)
    for element in list(root.iter(*(f"{{{W}}}{name}" for name in HIDING))):
        _remove(element)


def _relationship_ids(root: etree._Element, ids: dict[str, str]) -> None:
    """Each reference to a relationship renamed as in the copy; what refers to one not copied (an embedded
    object, a linked picture, a printer's settings, an external link) goes, a hyperlink's text stays."""
    for element in list(root.iter()):
        for attribute in [a for a in element.attrib if _namespace(a) == R]:
            if element.get(attribute) in ids:
                element.set(attribute, ids[element.get(attribute)])
            elif _local(element.tag) == "hyperlink" or _local(attribute) == "link":
                del element.attrib[attribute]
            else:
                holder = next((e for e in element.iterancestors(f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object")),
                              element)
                _remove(holder)
                break


def _without_identity_attributes(root: etree._Element) -> None:
    for element in root.iter():
        for attribute in list(element.attrib):
            if _local(attribute) in IDENTITY_ATTRIBUTES or _local(attribute).startswith("rsid"):
                del element.attrib[attribute]
        if _local(element.tag) in ("docPr", "cNvPr") and element.get("name") is not None:
            element.set("name", f"Picture {element.get('id', '')}".strip())  # Word puts the file's name here


def _renamed_styles(root: etree._Element, styles: _Styles) -> None:
    for element in root.iter(f"{{{W}}}style"):
        style_id = element.get(f"{{{W}}}styleId", "")
        element.set(f"{{{W}}}styleId", styles.names.get(style_id, style_id))
        name = element.find(f"{{{W}}}name")
        if name is not None:
            name.set(f"{{{W}}}val", name.get(f"{{{W}}}val", "") if styles.names.get(style_id) == style_id
                     else styles.names.get(style_id, ""))
    for element in root.iter(*(f"{{{W}}}{name}" for name in STYLE_REFERENCES)):
        value = element.get(f"{{{W}}}val", "")
        if value in styles.names:
            element.set(f"{{{W}}}val", styles.names[value])
        else:
            _remove(element)  # a style that does not exist
    for name in list(root.iter(f"{{{W}}}name")):
        if name.getparent() is not None and _local(name.getparent().tag) != "style":
            _remove(name)  # a list's name


def _text_only_in_text_elements(root: etree._Element, story: bool) -> None:
    """Text stays only inside the elements that show it, and only in the parts that are read."""
    for element in root.iter():
        if not (story and element.tag in TEXT_ELEMENTS):
            element.text = None
        element.tail = None


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


def _shown_headers_only(root: etree._Element, even_and_odd: bool) -> None:
    """A first-page header or footer shows only in a section with a distinct first page, an even-page one only
    when the settings ask for them: the others are never seen, so they are not copied."""
    for section in root.iter(f"{{{W}}}sectPr"):
        first_page = _on(section.find(f"{{{W}}}titlePg"))
        for reference in list(section.iter(f"{{{W}}}headerReference", f"{{{W}}}footerReference")):
            kind = reference.get(f"{{{W}}}type", "default")
            if (kind == "first" and not first_page) or (kind == "even" and not even_and_odd):
                _remove(reference)


def _notes_referenced(root: etree._Element) -> dict[str, set[str]]:
    return {note: {reference.get(f"{{{W}}}id", "") for reference in root.iter(f"{{{W}}}{note}Reference")}
            for note in ("footnote", "endnote")}


def _referenced_notes_only(root: etree._Element, note: str, referenced: set[str]) -> None:
    """Footnotes and endnotes the document refers to, and the separators; the others are never seen."""
    for element in list(root.iter(f"{{{W}}}{note}")):
        if element.get(f"{{{W}}}type", "normal") == "normal" and element.get(f"{{{W}}}id", "") not in referenced:
            _remove(element)


def _generic_theme_names(root: etree._Element) -> None:
    for element in root.iter():
        if "name" in element.attrib and _local(element.tag) in ("theme", "clrScheme", "fontScheme", "fmtScheme"):
            element.set("name", "Theme")


def _relationships_part(relationships: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{RELS}}}Relationships", nsmap={None: RELS})
    for new_id, kind, target in relationships:
        etree.SubElement(root, f"{{{RELS}}}Relationship", Id=new_id, Type=kind, Target=target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types(parts: list["_Part"]) -> bytes:
    root = etree.Element(f"{{{CONTENT_TYPES}}}Types", nsmap={None: CONTENT_TYPES})
    for extension, content_type in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                                    ("xml", "application/xml"), ("png", "image/png"), ("jpeg", "image/jpeg")):
        etree.SubElement(root, f"{{{CONTENT_TYPES}}}Default", Extension=extension, ContentType=content_type)
    for part in parts:
        etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override", PartName="/" + part.name,
                         ContentType=PART_KINDS[part.kind].content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write(target: zipfile.ZipFile, name: str, data: bytes) -> None:
    target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


@dataclass
class _Part:
    source: str  # its name in the upload
    name: str  # its name in the copy
    kind: str


EXPLICIT = {"header", "footer", IMAGE}  # copied only when the part refers to them (the others by their kind)


class _Copy:
    """The copy, made in one pass from the main document: each part cleaned, then the parts its relationships
    reach that are still referred to, under names of our own; one part's tree in memory at a time."""

    def __init__(self, upload: _Upload, target: zipfile.ZipFile):
        self.upload, self.target = upload, target
        self.parts: list[_Part] = []
        self.by_source: dict[str, _Part] = {}
        self.pictures: dict[str, str] = {}  # the upload's picture → the copy's
        self.notes: dict[str, set[str]] = {"footnote": set(), "endnote": set()}
        self.styles = _Styles({}, {}, None, None, False)
        self.even_and_odd = False

    def make(self) -> None:
        main = _main_document(self.upload)
        first = {kind: target for _id, kind, target in reversed(self._relationships(main, "officeDocument"))}
        styles, settings = (self._part_of_kind(first.get(kind), kind) for kind in ("styles", "settings"))
        self.styles = _styles(styles)
        self.even_and_odd = settings is not None and _on(settings.find(f"{{{W}}}evenAndOddHeaders"))
        self._add(main, "officeDocument", PART_KINDS["officeDocument"].name)
        for part in self.parts:  # grows as it goes
            self._copy(part)
        _write(self.target, "_rels/.rels", _relationships_part([("rId1", RELATIONSHIP_TYPE + "officeDocument",
                                                                   PART_KINDS["officeDocument"].name)]))
        _write(self.target, "[Content_Types].xml", _content_types(self.parts))

    def _relationships(self, source: str, kind: str) -> list[tuple[str, str, str]]:
        """(id, kind, target) of the part's relationships of an allowed kind to a part inside the package."""
        rels_name = _relationships_of(source)
        if not self.upload.has(rels_name):
            return []
        found = []
        for relationship in parse_xml(self.upload.read(rels_name)):
            uri = relationship.get("Type", "")
            if uri.startswith(STRICT):
                raise StrictOoxml()
            target = _relationship_target(rels_name, relationship.get("Target", ""))
            if (uri.startswith(RELATIONSHIP_TYPE) and uri[len(RELATIONSHIP_TYPE):] in PART_KINDS[kind].reaches
                    and relationship.get("TargetMode") != "External" and self.upload.has(target)):
                found.append((relationship.get("Id", ""), uri[len(RELATIONSHIP_TYPE):], target))
        return found

    def _is_of_kind(self, source: str, kind: str) -> bool:
        """Its declared content type (if any) and its root element are those its relationship promises."""
        expected, declared = PART_KINDS[kind], self.upload.content_type(source)
        return (declared is None or declared == expected.content_type) and \
            _root_tag(self.upload.read(source)) == expected.root

    def _part_of_kind(self, source: str | None, kind: str) -> etree._Element | None:
        return parse_xml(self.upload.read(source)) if source and self._is_of_kind(source, kind) else None

    def _add(self, source: str, kind: str, name: str) -> _Part:
        part = _Part(source, name, kind)
        self.parts.append(part)
        self.by_source[source] = part
        return part

    def _copy(self, part: _Part) -> None:
        root = parse_xml(self.upload.read(part.source))
        self._clean(root, part.kind)
        referenced = {value for element in root.iter() for attribute, value in element.attrib.items()
                      if _namespace(attribute) == R}
        ids, relationships = {}, []
        for old_id, kind, target in self._relationships(part.source, part.kind):
            if kind in EXPLICIT and old_id not in referenced:
                continue  # a header, footer or picture nothing shows
            copied = self._copied(target, kind)
            if copied is not None:
                ids[old_id] = f"rId{len(relationships) + 1}"
                relationships.append((ids[old_id], RELATIONSHIP_TYPE + kind,
                                      posixpath.relpath(copied, posixpath.dirname(part.name))))
        _relationship_ids(root, ids)
        _text_only_in_text_elements(root, part.kind in STORIES)
        etree.cleanup_namespaces(root)
        _write(self.target, part.name, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
        if relationships:
            _write(self.target, _relationships_of(part.name), _relationships_part(relationships))

    def _clean(self, root: etree._Element, kind: str) -> None:
        _keep_fallbacks(root)
        _only_kept_namespaces(root)
        _accept_changes(root)
        _without_hidden_text(root, self.styles, kind in STORIES)
        _without_identity_attributes(root)
        _renamed_styles(root, self.styles)
        if kind == "theme":
            _generic_theme_names(root)
        if kind == "officeDocument":
            _shown_headers_only(root, self.even_and_odd)
            self.notes = _notes_referenced(root)
        if kind in ("footnotes", "endnotes"):
            _referenced_notes_only(root, kind[:-1], self.notes[kind[:-1]])

    def _copied(self, source: str, kind: str) -> str | None:
        """The copy's name for a part a relationship of this kind reaches, or None when it is not copied."""
        if kind == IMAGE:
            return self._picture(source)
        if source in self.by_source:
            return self.by_source[source].name if self.by_source[source].kind == kind else None
        expected = PART_KINDS[kind]
        same_kind = sum(1 for part in self.parts if part.kind == kind)
        if ("{n}" not in expected.name and same_kind) or not self._is_of_kind(source, kind):
            return None  # one part of this kind only; or not what the relationship promises
        return self._add(source, kind, expected.name.format(n=same_kind + 1)).name

    def _picture(self, source: str) -> str | None:
        if source not in self.pictures:
            picture = _picture(self.upload.read(source))
            if picture is None:
                return None
            extension, data = picture
            name = f"word/media/image{len(self.pictures) + 1}.{extension}"
            _write(self.target, name, data)
            self.pictures[source] = name
        return self.pictures[source]


def docx_without_identity(source: BinaryIO, limits: DocxLimits = DocxLimits()) -> bytes:
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            _Copy(_Upload(archive, limits), target).make()
    except CannotClean:
        raise
    except Exception as error:  # a hostile file may make the unpacker or the parser raise anything
        raise CannotClean(str(error)) from error
    return out.getvalue()


def is_strict_ooxml(source: BinaryIO) -> bool:
    """Saved as Strict Open XML: a blind copy cannot be made of it (see StrictOoxml)."""
    try:
        with zipfile.ZipFile(source) as archive:
            _main_document(_Upload(archive, DocxLimits()))
    except StrictOoxml:
        return True
    except Exception:  # noqa: BLE001 - any other problem is not this one
        return False
    return False


def without_identity(source: BinaryIO, kind: str) -> bytes:
    """The copy a juror of a blind round receives; raises CannotClean (never serve the original then)."""
    if kind == "pdf":
        return pdf_as_page_images(source)
    if kind in IMAGE_FORMATS:
        return image_without_metadata(source, kind)
    if kind == "docx":
        return docx_without_identity(source)
    raise CannotClean(kind)
