"""Screening: eligibility decisions on submitted dossiers."""
