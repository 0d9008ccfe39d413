"""Nominations: dossiers, their entries and documents, submission, withdrawal."""
