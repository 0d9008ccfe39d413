"""Issued certificates are signed (PAdES) when a key and a certificate are configured."""

import datetime
import io
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from award_app.certificates.services import issue_for_round
from award_app.extensions import db
from tests.nominations.factories import approve, council_round, staff


def _key_and_certificate(folder):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bo Nong nghiep va Moi truong (test)")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True)
                   .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def test_a_configured_key_signs_every_issued_certificate(app, tmp_path):
    key, cert = _key_and_certificate(tmp_path)
    app.config["CERTIFICATE_SIGNING_KEY"], app.config["CERTIFICATE_SIGNING_CERT"] = key, cert
    round_, _dossiers, secretariat, _council, run = council_round()
    approve(round_, run, staff("approver"))
    (certificate, *_rest) = issue_for_round(round_, actor=secretariat)
    db.session.commit()
    path = tmp_path / "uploads" / certificate.sha256[:2] / certificate.sha256
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(cert)]))
    assert status.intact and status.valid and status.trusted


def test_without_a_key_certificates_are_not_signed(app):
    round_, _dossiers, secretariat, _council, run = council_round()
    approve(round_, run, staff("approver"))
    (certificate, *_rest) = issue_for_round(round_, actor=secretariat)
    db.session.commit()
    body = (Path(app.config["UPLOAD_FOLDER"]) / certificate.sha256[:2] / certificate.sha256).read_bytes()
    assert b"/ByteRange" not in body
