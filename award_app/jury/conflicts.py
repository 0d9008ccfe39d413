"""Conflicts of interest found in the structured data (pure: no database, no request).

Same organisation, same province as the nominee, or the juror is the dossier's nominator or one of
its referees. Family ties and recent collaboration (5 years) are only known from declarations.
In a blind round this check still runs against the hidden identity.
"""

from dataclasses import dataclass

from award_app.nominations.rules import similar_names
from award_app.text import fold


@dataclass(frozen=True)
class JurorFacts:
    name: str
    email: str
    organisation: str
    province_id: str | None


@dataclass(frozen=True)
class DossierFacts:
    organisation: str                 # school, city or the nominee's organisation
    province_id: str | None
    people: tuple[str, ...]           # nominator and referees: names or contacts


def detect(juror: JurorFacts, dossier: DossierFacts) -> list[tuple[str, str]]:
    """[(kind, detail)] — kinds are ConflictKind values."""
    found = []
    if juror.organisation and dossier.organisation and similar_names(juror.organisation, dossier.organisation):
        found.append(("same_organisation", f"{juror.organisation} ~ {dossier.organisation}"))
    if juror.province_id and juror.province_id == dossier.province_id:
        found.append(("same_province", juror.province_id))
    email = fold(juror.email)
    for person in dossier.people:
        if person and (similar_names(juror.name, person) or fold(juror.name) == fold(person)
                       or (email and email in fold(person))):
            found.append(("nominator_or_referee", person))
            break
    return found
