"""Scoring: one score sheet per juror and entry."""
