"""The application factory."""

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def _load_config(app: Flask, config: str | Mapping | None) -> None:
    from config import CONFIGS

    overrides = dict(config) if isinstance(config, Mapping) else {}
    name = config if isinstance(config, str) else overrides.pop("AWARD_CONFIG", None)
    name = name or os.environ.get("AWARD_CONFIG", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"AWARD_CONFIG must be one of {sorted(CONFIGS)}, not {name!r}")
    settings = CONFIGS[name]
    app.config.from_object(settings)
    settings.init_app(app.config)
    app.config.update(overrides)
    app.config["AWARD_CONFIG"] = name
    settings.check(app.config)


def _init_extensions(app: Flask) -> None:
    from award_app.accounts import throttle
    from award_app.accounts.sessions import load_user
    from award_app.database import configure_engine
    from award_app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from award_app.formfields import translate_wtforms_messages
    from award_app.i18n import select_locale

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    translate_wtforms_messages()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    throttle.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    from award_app.accounts.views import unauthorized

    login_manager.unauthorized_handler(unauthorized)


def _register_blueprints(app: Flask) -> None:
    from award_app.accounts.cli import bp as accounts_cli
    from award_app.accounts.second_factor_views import bp as second_factor
    from award_app.accounts.views import bp as accounts
    from award_app.approval.views import bp as approval
    from award_app.asean.views import bp as asean
    from award_app.audit.views import bp as audit
    from award_app.backup import bp as backup_cli
    from award_app.certificates.views import bp as certificates
    from award_app.dashboard.cli import bp as privacy_cli
    from award_app.dashboard.views import bp as dashboard
    from award_app.demo.cli import bp as demo_cli
    from award_app.eligibility.views import bp as eligibility
    from award_app.exports.views import bp as exports
    from award_app.jobs.cli import bp as jobs_cli
    from award_app.jobs.views import bp as jobs
    from award_app.jury.views import bp as jury
    from award_app.nominations.views import bp as nominations
    from award_app.notifications.views import bp as notifications
    from award_app.ranking.views import bp as ranking
    from award_app.reminders.cli import bp as reminders_cli
    from award_app.rounds.cli import bp as rounds_cli
    from award_app.rounds.views import bp as rounds
    from award_app.scoring.views import bp as scoring

    foundation = (accounts, second_factor, rounds, audit, notifications, jobs)
    pipeline = (nominations, eligibility, jury, scoring, ranking, approval, exports, certificates, asean)
    for blueprint in (dashboard, *foundation, *pipeline, accounts_cli, rounds_cli, demo_cli, backup_cli, privacy_cli,
                      jobs_cli, reminders_cli):
        app.register_blueprint(blueprint)


def create_app(config: str | Mapping | None = None) -> Flask:
    """Build the app. `config` names a configuration in config.py (default: $AWARD_CONFIG, else
    development) or is a mapping of settings, with an optional "AWARD_CONFIG" name, laid over it."""
    from award_app import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from award_app.bounds import IdConverter
    from award_app.errors import register_error_handlers
    from award_app.i18n import register_template_helpers
    from award_app.jobs.tasks import register_task_runner
    from award_app.security import register_security_headers
    from award_app.uploads import UploadRequest

    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder=str(ROOT / "templates"))
    app.request_class = UploadRequest  # a file over the limit is dropped as it arrives; its form is still read
    _load_config(app, config)
    Path(app.instance_path).mkdir(exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address and scheme only: X-Forwarded-Host is never believed (links come from PUBLIC_URL,
        # and the Host nginx passes is checked against TRUSTED_HOSTS).
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added: every <int:…> is range-checked
    _register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_task_runner(app)
    return app
