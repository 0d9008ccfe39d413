from award_app.jury.permissions import is_assigned


def can_score(user, entry) -> bool:
    """Only a juror assigned to the entry's dossier opens and scores it."""
    return is_assigned(user, entry.nomination)
