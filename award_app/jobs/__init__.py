"""Long work (bulk certificates, big exports) as jobs with progress; in-process when no Redis is set."""
