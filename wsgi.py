"""WSGI entry point: `gunicorn wsgi:server`, always hosted mode (login with roles).

Configured from the environment (analytics.config.Settings.from_env): DATABASE_URL, SECRET_KEY
(required: without it the import fails, so gunicorn's workers do not boot and nothing is
served), SESSION_COOKIE_SECURE=1 behind TLS, and the settings dashapp.app.create_app lists.
"""

from analytics.config import Settings
from dashapp.app import create_app, settle

server = create_app(Settings.from_env(), hosted=True).server
settle()
