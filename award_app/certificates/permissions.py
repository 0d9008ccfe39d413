from award_app.rounds.permissions import can_list_rounds


def can_download_certificate(user, certificate) -> bool:
    """The winner who applied, and the staff; nobody else (a certificate's facts are public on /verify)."""
    return user.is_authenticated and (certificate.entry.nomination.applicant_id == user.id or can_list_rounds(user))
