"""The approval page as the approver reads it."""

from tests.helpers import login
from tests.nominations.factories import council_round, staff


def test_the_approver_reads_the_proposal_before_the_forms_that_decide_on_it(app):
    round_, dossiers, _secretariat, _council, _run = council_round()
    client = app.test_client()
    login(client, staff("approver"))
    page = client.get(f"/approval/round/{round_.id}").get_data(as_text=True)
    proposal = page.index(dossiers[0].reference)
    approve_form = page.index('name="signer_name"')
    return_form = page.index(f'action="/approval/round/{round_.id}/return"')
    assert proposal < approve_form and proposal < return_form
