"""Uploaded files: the type comes from the content, the name from the server, and a refused file
leaves nothing behind."""

import hashlib
import io
import zipfile

import pytest

from award_app.nominations import files
from award_app.nominations.models import DocumentKind
from award_app.storage import LocalStorage
from tests.nominations.factories import HTML, JPEG, PDF, PNG, docx_bytes

ALL = {"pdf", "jpeg", "png", "docx"}
LIMIT = 64 * 1024


def files_in(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def store(data: bytes, root, *, max_bytes: int = LIMIT, allowed: set[str] = ALL):
    return files.store(io.BytesIO(data), LocalStorage(root), max_bytes=max_bytes, allowed=allowed)


def refusal(data: bytes, root, **kwargs) -> str:
    with pytest.raises(files.UploadRefused) as refused:
        store(data, root, **kwargs)
    assert files_in(root) == [], "a refused upload must leave no file, temporary or partial"
    return refused.value.reason


@pytest.mark.parametrize(("data", "kind"), [
    (PDF, DocumentKind.PDF), (JPEG, DocumentKind.JPEG), (PNG, DocumentKind.PNG), (docx_bytes(), DocumentKind.DOCX),
])
def test_the_kind_is_read_from_the_content(tmp_path, data, kind):
    assert files.sniff(data[:16]) == kind
    sha, size, stored_kind = store(data, tmp_path)
    assert (size, stored_kind) == (len(data), kind)
    assert (tmp_path / sha[:2] / sha).read_bytes() == data


@pytest.mark.parametrize("data", [HTML, b"GIF89a" + bytes(20), b"MZ\x90\x00", b"hello, world", b" %PDF-1.4"])
def test_anything_else_is_an_unknown_type(tmp_path, data):
    assert files.sniff(data[:16]) is None
    assert refusal(data, tmp_path) == "unknown_type"


def test_an_empty_file_is_refused(tmp_path):
    assert refusal(b"", tmp_path) == "empty"


def test_a_file_over_the_limit_is_refused_and_nothing_is_left(tmp_path):
    assert refusal(PDF + bytes(LIMIT), tmp_path) == "too_large"


def test_a_large_file_read_in_several_chunks_is_refused_and_nothing_is_left(tmp_path):
    big = PDF + bytes(3 * files.CHUNK)
    assert refusal(big, tmp_path, max_bytes=2 * files.CHUNK) == "too_large"


def test_a_file_of_exactly_the_limit_is_accepted(tmp_path):
    data = (PDF + bytes(LIMIT))[:LIMIT]
    _, size, _ = store(data, tmp_path)
    assert size == LIMIT


def test_a_real_docx_is_accepted(tmp_path):
    data = docx_bytes(extra={"word/styles.xml": b"<w:styles/>", "docProps/core.xml": b"<cp:coreProperties/>"})
    _, _, kind = store(data, tmp_path, allowed={"pdf", "docx"})
    assert kind == DocumentKind.DOCX


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path):
    assert refusal(docx_bytes(with_document=False, extra={"readme.txt": b"not word"}), tmp_path) == "unknown_type"
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # no [Content_Types].xml
    assert refusal(plain.getvalue(), tmp_path) == "unknown_type"


def test_a_word_package_whose_document_is_not_xml_is_refused(tmp_path):
    assert refusal(docx_bytes(with_document=False, extra={"word/document.xml": b"<html><script>x</script>"}),
                   tmp_path) == "unknown_type"


def test_a_pdf_header_on_anything_else_is_refused(tmp_path):
    assert refusal(b"%PDF-1.7\n<html><script>alert(1)</script></html>", tmp_path) == "unknown_type"


def test_a_broken_zip_is_refused(tmp_path):
    assert refusal(b"PK\x03\x04" + bytes(100), tmp_path) == "unknown_type"


def test_a_zip_bomb_dressed_as_a_docx_is_refused(tmp_path):
    zeros = bytes(20 * LIMIT + 1)  # over twenty times the limit once uncompressed
    bomb = docx_bytes(extra={"word/media/zeros.bin": zeros})
    assert len(bomb) < LIMIT  # small on the wire
    assert refusal(bomb, tmp_path) == "unpacks_too_large"


def test_a_kind_the_item_does_not_accept_is_refused(tmp_path):
    assert refusal(PNG, tmp_path, allowed={"pdf"}) == "not_allowed"
    assert refusal(docx_bytes(), tmp_path, allowed={"pdf", "jpeg", "png"}) == "not_allowed"


def test_the_same_content_stored_twice_is_one_file_named_by_its_sha(tmp_path):
    first = store(PDF, tmp_path)
    second = store(PDF, tmp_path)
    sha = hashlib.sha256(PDF).hexdigest()
    assert first[0] == second[0] == sha
    assert files_in(tmp_path) == [tmp_path / sha[:2] / sha]


def test_the_stored_name_is_the_sha_never_a_name_the_user_gave(tmp_path):
    sha, _, _ = store(JPEG, tmp_path)
    (path,) = files_in(tmp_path)
    assert path.name == sha and path.parent.name == sha[:2] and path.parent.parent == tmp_path
