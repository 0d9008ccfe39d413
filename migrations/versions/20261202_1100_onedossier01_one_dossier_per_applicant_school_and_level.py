"""One dossier per applicant and school and level (nominee, city) per round: a key per dossier, unique unless withdrawn

Revision ID: onedossier01
Revises: asean01
Create Date: 2026-12-02 10:00:00

Each dossier gets its key from what was saved ("nguyen trai|thcs", "tran thi mai", "hue"; "" while unnamed), by the
rule of award_app/nominations/rules.py as it stood at this revision (copied here, so that a later change of the rule
does not change what this migration does). Dossiers that already break the rule — two not withdrawn, of one
applicant, in one round, with one key — are all kept: the oldest keeps the key, each later one gets "key#<its id>",
which the application reads as the same key (the secretariat sees them flagged as duplicates, and such a draft
cannot be submitted). Then a unique index on (round, applicant, key) for the dossiers that are not withdrawn: a
partial index, on SQLite and PostgreSQL alike.
"""
import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'onedossier01'
down_revision = 'asean01'
branch_labels = None
depends_on = None

NOT_WITHDRAWN = sa.text("state <> 'withdrawn'")
SCHOOL_NAME_PREFIXES = ("truong", "tieu hoc", "trung hoc co so", "trung hoc pho thong", "thcs", "thpt", "th",
                        "pho thong", "lien cap", "va", "school", "primary", "lower secondary", "upper secondary",
                        "secondary", "high")
CITY_NAME_PREFIXES = ("thanh pho", "tp", "thi xa", "tx", "do thi", "khu do thi", "city of", "city", "town of")
NAME_FIELD = {"eco_school": "school_name", "youth": "nominee_name", "city": "city_name"}


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


def _normalised(name: str, prefixes) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", _fold(name or "")).split()
    leading = sorted((p.split() for p in prefixes), key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for prefix in leading:
            if len(words) > len(prefix) and words[:len(prefix)] == prefix:
                words, stripped = words[len(prefix):], True
                break
    return " ".join(words)


def _key(programme: str, details) -> str:
    if isinstance(details, str):
        details = json.loads(details or "{}")
    details = details or {}
    name = details.get(NAME_FIELD.get(programme, "")) or ""
    if programme == "eco_school":
        level = details.get("level") or ""
        normalised = _normalised(name, SCHOOL_NAME_PREFIXES)
        return "" if not normalised and not level else f"{normalised}|{level}"[:400]
    return _normalised(name, CITY_NAME_PREFIXES if programme == "city" else ())[:400]


def upgrade():
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dossier_key', sa.String(length=400), server_default='', nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT n.id, n.round_id, n.applicant_id, n.state, n.details, r.programme_code FROM nomination n "
        "JOIN round r ON r.id = n.round_id ORDER BY n.id")).all()
    taken = set()
    for row in rows:
        key = _key(row.programme_code, row.details)
        if row.state != "withdrawn":
            if (row.round_id, row.applicant_id, key) in taken:
                key = f"{key}#{row.id}"
            taken.add((row.round_id, row.applicant_id, key))
        if key:
            connection.execute(sa.text("UPDATE nomination SET dossier_key = :key WHERE id = :id"),
                               {"key": key, "id": row.id})
    op.create_index('uq_nomination_one_dossier', 'nomination', ['round_id', 'applicant_id', 'dossier_key'],
                    unique=True, sqlite_where=NOT_WITHDRAWN, postgresql_where=NOT_WITHDRAWN)


def downgrade():
    op.drop_index('uq_nomination_one_dossier', table_name='nomination', sqlite_where=NOT_WITHDRAWN,
                  postgresql_where=NOT_WITHDRAWN)
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_column('dossier_key')
