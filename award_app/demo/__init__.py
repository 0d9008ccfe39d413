"""Demo accounts and rounds for development."""
