"""Where background callbacks (uploads, re-runs) run: a disk-backed queue in the web server's
own processes by default, or Celery workers on Redis when the settings name a Redis URL.

With Celery, start workers from the same environment as the web server:

    celery -A dashapp.worker worker --loglevel=INFO
"""

from functools import cache

import diskcache
from dash import CeleryManager, DiskcacheManager

from analytics.config import Settings
from dashapp.jobs.folders import private_folder

QUEUE = "customer-analytics"
# Finished jobs' results (the page update they produce) are fetched within seconds.
RESULT_EXPIRY_SECONDS = 3600


def callback_manager(settings: Settings) -> CeleryManager | DiskcacheManager:
    """The manager for `Dash(background_callback_manager=…)`: Celery on `settings.redis_url`,
    else a disk cache in `settings.job_cache_dir`, a folder private to this user."""
    if settings.redis_url:
        return CeleryManager(celery_app(settings.redis_url), expire=RESULT_EXPIRY_SECONDS)
    return DiskcacheManager(diskcache.Cache(str(private_folder(settings.job_cache_dir))))


@cache
def celery_app(redis_url: str):
    """One Celery app per Redis URL and process, shared by the web app and the worker module."""
    # Imported here: only hosted deployments with REDIS_URL pay for loading Celery.
    from celery import Celery

    app = Celery("customer-analytics", broker=redis_url, backend=redis_url)
    app.conf.update(
        # Its own queue, so that other Celery apps on the same Redis never take these jobs.
        task_default_queue=QUEUE,
        result_expires=RESULT_EXPIRY_SECONDS,
        broker_connection_retry_on_startup=True,
        # An upload is minutes of work: a worker takes one job at a time, not a batch.
        worker_prefetch_multiplier=1,
    )
    return app
