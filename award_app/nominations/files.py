"""Uploaded files: the type is read from the content, the name is made by the server, and a file
appears under its final name only when it is complete (staging file, fsync, then rename or upload: see
award_app.storage)."""

import hashlib
import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from award_app.nominations import cleaning
from award_app.nominations.models import DocumentKind
from award_app.storage import Storage, content_key

CHUNK = 1024 * 1024


class UploadRefused(Exception):
    def __init__(self, reason: str):
        # "empty", "too_large", "unknown_type", "not_allowed", "heic", "too_many_pixels", "unpacks_too_large",
        # "encrypted"
        self.reason = reason
        super().__init__(reason)


HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


def is_heic(head: bytes) -> bool:
    """An iPhone photo (HEIF/HEIC): an ISO box "ftyp" with a HEIF brand at offset 4."""
    return head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS


def sniff(head: bytes) -> DocumentKind | None:
    """The kind the magic bytes claim; `check_parses` then proves it by reading the whole file."""
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentKind.PNG
    if head.startswith(b"PK\x03\x04"):
        return DocumentKind.DOCX
    return None


def check_parses(path: Path, kind: DocumentKind, max_bytes: int) -> bytes | None:
    """The whole file is what its magic bytes claim, read by a real parser within bounds; else UploadRefused.

    Returns the body to keep instead of the upload (a PDF with its active content taken out), or None.
    """
    if kind in (DocumentKind.JPEG, DocumentKind.PNG):
        _check_image(path, kind.value)
        return None
    if kind == DocumentKind.PDF:
        return _checked_pdf(path)
    _check_docx(path, docx_limits(max_bytes))
    return None


def _check_image(path: Path, kind: str) -> None:
    try:
        with cleaning.open_image(path, kind) as image:
            image.verify()
        with cleaning.open_image(path, kind) as image:
            image.load()
    except cleaning.TooManyPixels:
        raise UploadRefused("too_many_pixels") from None
    except Exception:  # any decoder error: not a whole image of its kind
        raise UploadRefused("unknown_type") from None


def _checked_pdf(path: Path) -> bytes | None:
    """Opened by qpdf, at least one page, and neutralised: scripts, actions, embedded files and rich media
    taken out. Neutralised rather than refused: official forms often carry form scripts that the applicant
    cannot remove; the copy keeps every page as it looks, and the original is neither kept nor served."""
    try:
        with cleaning.open_pdf(path) as pdf:
            if len(pdf.pages) == 0:
                raise UploadRefused("unknown_type")
            return cleaning.neutralised(pdf)
    except cleaning.EncryptedPdf:
        raise UploadRefused("encrypted") from None
    except cleaning.CannotClean:  # qpdf could not read it as a PDF
        raise UploadRefused("unknown_type") from None


def docx_limits(max_bytes: int) -> cleaning.DocxLimits:
    """No more than twenty times the upload limit unpacked, and never more than the cleaner's own bounds."""
    default = cleaning.DocxLimits()
    return cleaning.DocxLimits(max_parts=default.max_parts, max_unpacked=min(20 * max_bytes, default.max_unpacked),
                               max_xml_part=default.max_xml_part)


def _check_docx(path: Path, limits: cleaning.DocxLimits) -> None:
    """A Word package: within bounds, with [Content_Types].xml and word/document.xml that parse as XML."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            cleaning.check_docx_bounds(list(infos.values()), limits)
            if "[Content_Types].xml" not in infos or "word/document.xml" not in infos:
                raise UploadRefused("unknown_type")
            for name in ("[Content_Types].xml", "word/document.xml"):
                cleaning.parse_xml(cleaning.read_part(archive, infos[name]))
    except cleaning.DocxTooLarge:
        raise UploadRefused("unpacks_too_large") from None
    except UploadRefused:
        raise
    except Exception:  # not a ZIP, or a part that is not XML
        raise UploadRefused("unknown_type") from None


def store(stream: BinaryIO, storage: Storage, *, max_bytes: int, allowed: set[str]) -> tuple[str, int, DocumentKind]:
    """Write the upload to a staging file, check it, then keep it under its content key (`<sha[:2]>/<sha>`).

    A PDF with active content is kept as its neutralised copy (the SHA-256 and size are the copy's).
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
        if kind is None:
            raise UploadRefused("unknown_type")
        if kind.value not in allowed:
            raise UploadRefused("not_allowed")
        if (replacement := check_parses(staged.path, kind, max_bytes)) is not None:
            return storage.put_content(replacement), len(replacement), kind
        sha = digest.hexdigest()
        if not storage.exists(content_key(sha)):
            staged.keep(content_key(sha))
        return sha, size, kind


THUMBNAIL_SIZE = (320, 320)


def thumbnail_key(sha256: str) -> str:
    return f"thumbnails/{sha256}.jpg"


def make_thumbnail(storage: Storage, sha256: str, kind: DocumentKind) -> bool:
    """A small JPEG re-encoded by the server (no EXIF, nothing the uploader wrote survives).

    Returns False when the image cannot be read within the pixel bound; the upload itself is kept.
    """
    if storage.exists(thumbnail_key(sha256)):
        return True
    try:
        with storage.open(content_key(sha256)) as source, cleaning.open_image(source, kind.value) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            rgb = image.convert("RGB")
    except Exception:  # any decoder error or too many pixels: no thumbnail
        return False
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=80)
    storage.put_bytes(thumbnail_key(sha256), out.getvalue())
    return True


def pdf_pages(storage: Storage, sha256: str) -> int:
    """The number of pages of a stored PDF (read by qpdf: it passed the upload checks)."""
    with storage.open(content_key(sha256)) as source, cleaning.open_pdf(source) as pdf:
        return len(pdf.pages)


def is_strict_word(storage: Storage, sha256: str) -> bool:
    with storage.open(content_key(sha256)) as source:
        return cleaning.is_strict_ooxml(source)


def blind_copy_key(sha256: str) -> str:
    """Cached per content and cleaner version: a better cleaner makes new copies, never serves old ones."""
    return f"blind/v{cleaning.VERSION}/{sha256[:2]}/{sha256}"


def blind_copy(storage: Storage, sha256: str, kind: DocumentKind) -> str:
    """The key of the copy a juror of a blind round receives, made once and kept as a file.

    Raises cleaning.CannotClean when the file cannot be cleaned (it is then never served to a juror),
    FileNotFoundError when the original is missing.
    """
    key = blind_copy_key(sha256)
    if not storage.exists(key):
        with storage.open(content_key(sha256)) as source:
            storage.put_bytes(key, cleaning.without_identity(source, kind.value))
    return key
