"""WSGI entry point: `gunicorn wsgi:server`; configured from the environment (DATABASE_URL)."""

from dashapp import create_app

app = create_app()
server = app.server
