"""Uploaded files: the type is read from the content, the name is made by the server, and a file
appears under its final name only when it is complete (temp file, fsync, rename)."""

import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

from award_app.nominations.models import DocumentKind

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


def stored_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store(stream: BinaryIO, root: Path, *, max_bytes: int, allowed: set[str]) -> tuple[str, int, DocumentKind]:
    """Write the upload to a temporary file, check it, then move it to uploads/<sha[:2]>/<sha>.

    Returns (sha256, size, kind). Raises UploadRefused; nothing is left behind then.
    """
    root.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            head = b""
            while chunk := stream.read(CHUNK):
                if not head:
                    head = chunk[:16]
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused("too_large")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadRefused("empty")
        if is_heic(head):
            raise UploadRefused("heic")
        kind = sniff(head)
        if kind is None or (kind == DocumentKind.DOCX and not is_docx(temp, 20 * max_bytes)):
            raise UploadRefused("unknown_type")
        if kind.value not in allowed:
            raise UploadRefused("not_allowed")
        sha = digest.hexdigest()
        final = stored_path(root, sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(temp, final)
        return sha, size, kind
    finally:
        temp.unlink(missing_ok=True)


THUMBNAIL_SIZE = (320, 320)


def thumbnail_path(root: Path, sha256: str) -> Path:
    return root / "thumbnails" / f"{sha256}.jpg"


def make_thumbnail(root: Path, sha256: str) -> bool:
    """A small JPEG re-encoded by the server (no EXIF, nothing the uploader wrote survives).

    Returns False when the image cannot be read; the upload itself is kept.
    """
    target = thumbnail_path(root, sha256)
    if target.exists():
        return True
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(stored_path(root, sha256)) as image:
            if image.width * image.height > 80_000_000:  # a decompression bomb
                return False
            image.thumbnail(THUMBNAIL_SIZE)
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return False
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".thumb-")
    with os.fdopen(handle, "wb") as out:
        rgb.save(out, format="JPEG", quality=80)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp_name, target)
    return True


def without_identity(path: Path, kind: DocumentKind) -> bytes:
    """The file as a juror of a blind round receives it: the PDF information dictionary and XMP
    metadata removed, images re-encoded without EXIF, a Word document's author fields emptied."""
    if kind == DocumentKind.PDF:
        return _pdf_without_metadata(path)
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        with Image.open(path) as image:
            clean = Image.new(image.mode, image.size)
            clean.putdata(list(image.getdata()))
            out = io.BytesIO()
            clean.save(out, format="JPEG" if kind == DocumentKind.JPEG else "PNG")
            return out.getvalue()
    return _docx_without_authors(path)


def _pdf_without_metadata(path: Path) -> bytes:
    reader = PdfReader(path)
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


def _docx_without_authors(path: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = AUTHOR_TAGS.sub(rb"<\1></\1>", data)
            target.writestr(info, data)
    return out.getvalue()
