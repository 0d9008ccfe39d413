import io
import re

from award_app.extensions import db
from tests.fixtures_dossiers import PDF, open_round, school_applicant
from tests.helpers import login, submit


def test_uploading_a_file_saves_what_was_typed_too(app, client):
    round_ = open_round()
    applicant = school_applicant()
    login(client, applicant.email, "cay-bang-truoc-cong-truong")
    submit(client, f"/nominations/start/{round_.id}", form_url="/nominations/")
    url = "/nominations/1/edit"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    item = next(i for i in round_.checklist if i.code == "registration_form")
    response = submit(client, url, {"version": version, "school_name": "Trường THCS Kim Liên", "teachers": "53",
                                    "action": "upload", "checklist_item_id": str(item.id), "criterion_id": "",
                                    "file": (io.BytesIO(PDF), "phieu-dang-ky.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="Trường THCS Kim Liên"' in page and 'value="53"' in page and "phieu-dang-ky.pdf" in page
    db.session.rollback()
