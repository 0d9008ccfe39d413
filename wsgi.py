"""The production app for gunicorn: `gunicorn wsgi:app` (reads SECRET_KEY, DATABASE_URL … from the environment)."""

from award_app import create_app

app = create_app("production")
