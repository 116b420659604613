"""The Celery worker for background callbacks when REDIS_URL is set:

    celery -A dashapp.jobs.worker worker --loglevel=INFO

It builds the same Dash app as the web server, from the same environment (REDIS_URL,
DATABASE_URL, UPLOAD_DIR, …), which registers every background callback as a Celery task.
"""

import os

from dashapp.app import create_app
from dashapp.jobs import manager as background

if not os.environ.get("REDIS_URL"):
    raise SystemExit(
        "REDIS_URL is not set: without it background jobs run inside the web server and no "
        "Celery worker is needed."
    )

dash_app = create_app()
celery = background.celery_app(os.environ["REDIS_URL"])
