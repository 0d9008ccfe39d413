import pytest


@pytest.fixture(autouse=True)
def private_upload_folder(request, tmp_path):
    """Uploaded files go to this test's own folder, never to instance/uploads."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
