"""Many certificates at once are rendered by a pool of processes: each file is still its own certificate, signed."""

import io

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from award_app.certificates import services
from award_app.extensions import db
from award_app.storage import content_key, current_storage
from tests.certificates.test_signing import _key_and_certificate
from tests.nominations.factories import approve, council_round, staff


def test_certificates_rendered_by_the_pool_each_carry_their_own_code_and_a_valid_signature(app, tmp_path,
                                                                                           monkeypatch):
    key, cert = _key_and_certificate(tmp_path)
    app.config["CERTIFICATE_SIGNING_KEY"], app.config["CERTIFICATE_SIGNING_CERT"] = key, cert
    monkeypatch.setattr(services, "POOL_FROM", 2)
    round_, _dossiers, secretariat, _council, run = council_round()
    approve(round_, run, staff("approver"))
    certificates = services.issue_for_round(round_, actor=secretariat)
    db.session.commit()
    assert len(certificates) == 2
    for certificate in certificates:
        body = current_storage().read(content_key(certificate.sha256))
        text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
        assert certificate.code in text and certificate.entry.nomination.display_name.split()[-1] in text
        (signature,) = PdfFileReader(io.BytesIO(body)).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(cert)]))
        assert status.intact and status.valid
