"""Exports of approved results: XLSX and CSV builders, and their downloads."""
