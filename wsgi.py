"""WSGI entry point: `gunicorn wsgi:server`, always hosted mode (login with roles).

Configured from the environment: DATABASE_URL, SECRET_KEY (required: without it the import
fails, so gunicorn's workers do not boot and nothing is served), SESSION_COOKIE_SECURE=1 behind
TLS, and the settings dashapp.create_app lists.
"""

from dashapp.app import create_app

app = create_app(hosted=True)
server = app.server
