"""Certificates: rendering, issuing and verification."""
