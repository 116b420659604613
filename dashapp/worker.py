"""The Celery worker for background callbacks when REDIS_URL is set:

    celery -A dashapp.worker worker --loglevel=INFO

An entry point beside wsgi.py (it builds the app, so it sits above dashapp.app and dashapp.jobs).
It builds the same Dash app as the web server, from the same environment (REDIS_URL,
DATABASE_URL, UPLOAD_DIR, …), which registers every background callback as a Celery task.
"""

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.jobs import manager


def _celery():
    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit(
            "REDIS_URL is not set: without it background jobs run inside the web server and no "
            "Celery worker is needed."
        )
    # Building the app registers its background callbacks as tasks; Dash keeps it as this
    # process's app (dash.get_app()), where the jobs find their settings.
    create_app(settings)
    return manager.celery_app(settings.redis_url)


celery = _celery()
