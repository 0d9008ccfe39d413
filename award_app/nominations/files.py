"""Uploaded files: the type is read from the content, the name is made by the server, and a file
appears under its final name only when it is complete (staging file, fsync, then rename or upload: see
award_app.storage)."""

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

from award_app.nominations.models import DocumentKind
from award_app.storage import Storage, content_key

CHUNK = 1024 * 1024


class UploadRefused(Exception):
    def __init__(self, reason: str):
        self.reason = reason  # "empty", "too_large", "unknown_type", "not_allowed", "heic"
        super().__init__(reason)


HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


def is_heic(head: bytes) -> bool:
    """An iPhone photo (HEIF/HEIC): an ISO box "ftyp" with a HEIF brand at offset 4."""
    return head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS


def sniff(head: bytes) -> DocumentKind | None:
    """PDF, JPEG, PNG by their magic bytes; DOCX is a ZIP, checked further by `is_docx`."""
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return DocumentKind.DOCX
    return None


def is_docx(path: Path, max_uncompressed: int) -> bool:
    """A real Word document: a ZIP holding word/document.xml, not a zip bomb."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names and total <= max_uncompressed


def store(stream: BinaryIO, storage: Storage, *, max_bytes: int, allowed: set[str]) -> tuple[str, int, DocumentKind]:
    """Write the upload to a staging file, check it, then keep it under its content key (`<sha[:2]>/<sha>`).

    Returns (sha256, size, kind). Raises UploadRefused; nothing is left behind then, nor on any other failure.
    """
    digest, size = hashlib.sha256(), 0
    with storage.staging() as staged:
        head = b""
        while chunk := stream.read(CHUNK):
            if not head:
                head = chunk[:16]
            size += len(chunk)
            if size > max_bytes:
                raise UploadRefused("too_large")
            digest.update(chunk)
            staged.write(chunk)
        staged.finish()
        if size == 0:
            raise UploadRefused("empty")
        if is_heic(head):
            raise UploadRefused("heic")
        kind = sniff(head)
        if kind is None or (kind == DocumentKind.DOCX and not is_docx(staged.path, 20 * max_bytes)):
            raise UploadRefused("unknown_type")
        if kind.value not in allowed:
            raise UploadRefused("not_allowed")
        sha = digest.hexdigest()
        if not storage.exists(content_key(sha)):
            staged.keep(content_key(sha))
        return sha, size, kind


THUMBNAIL_SIZE = (320, 320)


def thumbnail_key(sha256: str) -> str:
    return f"thumbnails/{sha256}.jpg"


def make_thumbnail(storage: Storage, sha256: str) -> bool:
    """A small JPEG re-encoded by the server (no EXIF, nothing the uploader wrote survives).

    Returns False when the image cannot be read; the upload itself is kept.
    """
    if storage.exists(thumbnail_key(sha256)):
        return True
    try:
        with storage.open(content_key(sha256)) as source, Image.open(source) as image:
            if image.width * image.height > 80_000_000:  # a decompression bomb
                return False
            image.thumbnail(THUMBNAIL_SIZE)
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return False
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=80)
    storage.put_bytes(thumbnail_key(sha256), out.getvalue())
    return True


def without_identity(source: BinaryIO, kind: DocumentKind) -> bytes:
    """The file as a juror of a blind round receives it: the PDF information dictionary and XMP
    metadata removed, images re-encoded without EXIF, a Word document's author fields emptied."""
    if kind == DocumentKind.PDF:
        return _pdf_without_metadata(source)
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        with Image.open(source) as image:
            clean = Image.new(image.mode, image.size)
            clean.putdata(list(image.getdata()))
            out = io.BytesIO()
            clean.save(out, format="JPEG" if kind == DocumentKind.JPEG else "PNG")
            return out.getvalue()
    return _docx_without_authors(source)


def _pdf_without_metadata(source: BinaryIO) -> bytes:
    reader = PdfReader(source)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer._info = None  # noqa: SLF001 - pypdf writes no /Info dictionary when it is absent
    if "/Metadata" in writer._root_object:  # noqa: SLF001
        del writer._root_object["/Metadata"]  # noqa: SLF001
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


AUTHOR_TAGS = re.compile(rb"<(dc:creator|cp:lastModifiedBy)>[^<]*</\1>")


def _docx_without_authors(source: BinaryIO) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "docProps/core.xml":
                data = AUTHOR_TAGS.sub(rb"<\1></\1>", data)
            target.writestr(info, data)
    return out.getvalue()
