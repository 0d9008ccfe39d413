"""Small but whole files of each accepted kind: uploads are read through by real parsers, so a test file
must be a real PDF (one blank page), PNG or JPEG, not only their first bytes."""

import io
import struct
import zlib

from PIL import Image

PDF = (b"%PDF-1.4\n1 0 obj\n<< /Pages 2 0 R /Type /Catalog >>\nendobj\n2 0 obj\n<< /Count 1 /Kids [ 3 0 R ] /Type "
       b"/Pages >>\nendobj\n3 0 obj\n<< /Contents 4 0 R /MediaBox [ 0 0 200 200 ] /Parent 2 0 R /Resources << >> "
       b"/Type /Page >>\nendobj\n4 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\nxref\n0 5\n"
       b"0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000117 00000 n \n0000000223 00000 n \n"
       b"trailer << /Root 1 0 R /Size 5 >>\nstartxref\n272\n%%EOF\n")


def image_bytes(kind: str, size: tuple[int, int] = (8, 8), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(out, format=kind, **options)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def jpeg_with_artist(artist: str) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x010E] = artist  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, format="JPEG", exif=exif, comment=artist.encode())
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size in a few bytes: a decompression bomb needs no more to start decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
