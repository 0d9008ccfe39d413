"""Programmes, provinces, the working-day calendar and rounds (foundation)."""
