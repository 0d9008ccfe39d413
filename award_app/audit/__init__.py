"""The append-only audit log (foundation)."""
