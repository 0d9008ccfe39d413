"""What a user can take with them: their personal data (Decree 13/2023/NĐ-CP; Law 91/2025/QH15)."""

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from award_app.accounts.models import User
from award_app.extensions import db
from award_app.nominations.models import Nomination


def personal_data_zip(user: User, uploads: Path) -> bytes:
    """Everything the platform holds about the user as an applicant: the account, each dossier as typed,
    and the files they uploaded (by the names they gave)."""
    nominations = db.session.scalars(select(Nomination).where(Nomination.applicant_id == user.id)).all()
    data = {
        "account": {"email": user.email, "full_name": user.full_name, "organisation": user.organisation,
                    "phone": user.phone, "province": user.province_id, "created_at": user.created_at.isoformat(),
                    "consent_at": user.consent_at.isoformat() if user.consent_at else None,
                    "privacy_notice_version": user.privacy_notice_version,
                    "roles": sorted(r.value for r in user.roles)},
        "nominations": [{"reference": n.reference, "state": n.state.value, "details": n.details,
                         "documents": [{"name": d.original_name, "sha256": d.sha256, "size": d.size}
                                       for d in n.documents]} for n in nominations],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("du-lieu.json", json.dumps(data, ensure_ascii=False, indent=1, default=str))
        for nomination in nominations:
            folder = nomination.reference or f"ho-so-{nomination.id}"
            for document in nomination.documents:
                path = uploads / document.sha256[:2] / document.sha256
                if path.exists():
                    archive.write(path, f"{folder}/{document.id}-{document.original_name}")
    return out.getvalue()
