"""Optional digital signature of issued certificates (PAdES, pyHanko), when a key and a certificate
are configured (CERTIFICATE_SIGNING_KEY, CERTIFICATE_SIGNING_CERT: PEM files)."""

import io
from functools import cache

from award_app.certificates.render import render_certificate

FIELD = "ChuKySo"


@cache
def _signer(key_path: str, cert_path: str):
    from pyhanko.sign import signers  # imported when signing is configured and used, not with the app

    signer = signers.SimpleSigner.load(key_path, cert_path)
    if signer is None:
        raise ValueError("the signing key or certificate cannot be read")
    return signer


def sign(body: bytes, key_path: str, cert_path: str, organiser: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(body))
    metadata = signers.PdfSignatureMetadata(field_name=FIELD, reason=f"Giấy chứng nhận – {organiser}",
                                            subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, metadata, signer=_signer(key_path, cert_path)).getvalue()


def render_signed(order: tuple) -> bytes:
    """One certificate's PDF, signed when a key and a certificate are given. A pool's process runs it: it lives
    here, beside the drawing and the signing only, so that such a process starts without the whole app."""
    data, key, cert, organiser = order
    body = render_certificate(data)
    return sign(body, key, cert, organiser) if key and cert else body
