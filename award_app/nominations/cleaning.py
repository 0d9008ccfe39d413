"""Copies of uploaded files with what could hide a name, or run code, taken out.

- `pdf_without_active_content`: JavaScript, launch and other actions, additional actions (/AA), embedded
  files, rich media and XFA removed. Every PDF kept by the platform has passed through it (at upload).
- `without_identity`: the copy a juror of a blind round receives. PDF: a new file made of pictures of the
  original's pages (150 dpi, as a printout shows them, PDFium in a bounded child process: see
  `pdf_as_page_images`); nothing of the original's objects, strings, names, streams or metadata survives.
  Word (lxml, no entities, no network): only the parts the relationships reach from the package are kept
  (with their relationship parts and the content types), binary ones only among pictures and fonts; the
  document properties emptied, the custom properties, comments, people, custom XML and embedded objects
  removed, tracked changes accepted, every remaining author attribute removed, document variables and
  the template path removed, content-control titles, tags and placeholders removed, custom-XML and
  smart-tag wrappers unwrapped without their names and attributes.
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


def open_image(source, kind: str) -> Image.Image:
    """The image opened (header only) for its own format, refused before decoding when it has too many pixels."""
    image = Image.open(source, formats=[IMAGE_FORMATS[kind]])
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise TooManyPixels()
    return image


def image_without_metadata(source: BinaryIO, kind: str) -> bytes:
    """Only the pixels survive (turned upright first): no EXIF, XMP, comments or text chunks."""
    try:
        with open_image(source, kind) as image:
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

@dataclass(frozen=True)
class DocxLimits:
    max_parts: int = 1000
    max_unpacked: int = 100 * 1024 * 1024  # all parts together, once unpacked
    # One XML part, once unpacked: it is parsed in memory, ~25 bytes a byte at worst (8 MB → ~200 MB).
    max_xml_part: int = 8 * 1024 * 1024


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=False)
# Parts dropped whole: custom properties, comments and their authors, people, custom XML, embedded objects.
DROPPED_PREFIXES = ("customXml/", "word/embeddings/", "word/comments", "word/people.xml", "docProps/custom.xml",
                    "docProps/thumbnail", "word/vbaProject", "word/vbaData")
# Emptied: every document property (creator, last modified by, title, company, manager, template …).
EMPTIED_PARTS = ("docProps/core.xml", "docProps/app.xml")
# Tracked changes accepted: deletions and moves away vanish with their text, insertions stay as text.
REMOVED_WITH_CONTENT = {"del", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
                        "tcPrChange", "tblGridChange", "tblPrExChange", "numberingChange", "moveFromRangeStart",
                        "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "commentRangeStart",
                        "commentRangeEnd", "commentReference", "customXmlInsRangeStart", "customXmlInsRangeEnd",
                        "customXmlDelRangeStart", "customXmlDelRangeEnd", "customXmlMoveFromRangeStart",
                        "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd",
                        "attachedTemplate", "docVars", "mailMerge", "rsids",
                        # content-control titles, tags, placeholders and bindings; custom-XML and smart-tag
                        # properties (element names, attribute names and values an author chose)
                        "alias", "tag", "placeholder", "dataBinding", "customXmlPr", "smartTagPr"}
# Kept for their children: accepted insertions, and the custom-XML and smart-tag wrappers (their names go).
UNWRAPPED = {"ins", "moveTo", "customXml", "smartTag"}
IDENTITY_ATTRIBUTES = {"author", "initials", "userId", "providerId", "dateUtc", "date"}


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


MAIN_PART = "word/document.xml"
BINARY_FOLDERS = ("word/media/", "word/fonts/")  # the only places a binary part (pictures, fonts) is kept
PACKAGE_RELATIONSHIPS = "_rels/.rels"


def _relationships_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _internal_targets(rels_name: str, data: bytes) -> list[str]:
    return [_relationship_target(rels_name, relationship.get("Target", ""))
            for relationship in parse_xml(data)
            if relationship.get("TargetMode") != "External" and relationship.get("Target")]


def reachable_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> set[str]:
    """The allow list of parts: those reached by following relationships from the package (and from the main
    document, for a file without package relationships), with their relationship parts, and the content types.
    A part nothing points to is not kept, whatever its name."""
    by_name = {info.filename: info for info in infos}
    kept = {"[Content_Types].xml"}
    waiting = [PACKAGE_RELATIONSHIPS, MAIN_PART]
    while waiting:
        part = waiting.pop()
        if part in kept or part not in by_name or _dropped(part):
            continue
        kept.add(part)
        if part.endswith(".rels"):
            waiting.extend(_internal_targets(part, read_part(archive, by_name[part])))
        else:
            waiting.append(_relationships_of(part))
    return kept & set(by_name)


def _dropped(name: str) -> bool:
    """Dropped even when something points to it; a binary part outside pictures and fonts (an embedded object,
    a blob) as well."""
    binary = not name.endswith((".xml", ".rels"))
    return name.startswith(DROPPED_PREFIXES) or (binary and not name.startswith(BINARY_FOLDERS))


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _accept_changes(root: etree._Element) -> None:
    """Removing or unwrapping an element inside one already removed is harmless: it is detached already."""
    for element in list(root.iter(*(f"{{{W}}}{name}" for name in REMOVED_WITH_CONTENT | UNWRAPPED))):
        name = _local(element.tag)
        if name in REMOVED_WITH_CONTENT and element.getparent() is not None:
            element.getparent().remove(element)
        elif name in UNWRAPPED and element.getparent() is not None:
            _unwrap(element)


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _without_identity_attributes(root: etree._Element) -> None:
    for element in root.iter():
        for attribute in list(element.attrib):
            if _local(attribute) in IDENTITY_ATTRIBUTES:
                del element.attrib[attribute]


def _emptied(root: etree._Element) -> etree._Element:
    for child in list(root):
        root.remove(child)
    return root


def _relationship_target(rels_name: str, target: str) -> str:
    """The part a relationship of `rels_name` (…/_rels/x.rels) points to, as a package path."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    target = unquote(target)  # a target is a URI: "image%201.png" is the part "image 1.png"
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _clean_relationships(name: str, root: etree._Element, kept: set[str]) -> None:
    """No relationship to a dropped part, nor to a local file (an attached template's path names its user)."""
    for relationship in list(root):
        target = relationship.get("Target", "")
        external = relationship.get("TargetMode") == "External"
        if (external and target.lower().startswith(("file:", "\\\\", "c:", "/"))) or (
                not external and _relationship_target(name, target) not in kept):
            root.remove(relationship)


def _clean_content_types(root: etree._Element, kept: set[str]) -> None:
    for override in list(root):
        if _local(override.tag) == "Override" and override.get("PartName", "").lstrip("/") not in kept:
            root.remove(override)


def _clean_xml_part(name: str, data: bytes, kept: set[str]) -> bytes:
    root = parse_xml(data)
    if name in EMPTIED_PARTS:
        _emptied(root)
    elif name == "[Content_Types].xml":
        _clean_content_types(root, kept)
    elif name.endswith(".rels"):
        _clean_relationships(name, root, kept)
    else:
        _accept_changes(root)
        _without_identity_attributes(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clean_media(name: str, data: bytes) -> bytes:
    kind = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}.get(posixpath.splitext(name)[1].lower())
    if kind is None:
        return data
    return image_without_metadata(io.BytesIO(data), kind)


def docx_without_identity(source: BinaryIO, limits: DocxLimits = DocxLimits()) -> bytes:
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            infos = archive.infolist()
            check_docx_bounds(infos, limits)
            kept = reachable_parts(archive, infos)
            for info in infos:
                if info.filename not in kept:
                    continue
                data = read_part(archive, info)
                if info.filename.endswith((".xml", ".rels")):
                    data = _clean_xml_part(info.filename, data, kept)
                elif info.filename.startswith(BINARY_FOLDERS):
                    data = _clean_media(info.filename, data)
                target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                                compress_type=zipfile.ZIP_DEFLATED)
    except CannotClean:
        raise
    except Exception as error:  # a hostile file may make the unpacker or the parser raise anything
        raise CannotClean(str(error)) from error
    return out.getvalue()


def without_identity(source: BinaryIO, kind: str) -> bytes:
    """The copy a juror of a blind round receives; raises CannotClean (never serve the original then)."""
    if kind == "pdf":
        return pdf_as_page_images(source)
    if kind in IMAGE_FORMATS:
        return image_without_metadata(source, kind)
    if kind == "docx":
        return docx_without_identity(source)
    raise CannotClean(kind)
