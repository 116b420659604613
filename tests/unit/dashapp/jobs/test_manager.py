from dash import CeleryManager, DiskcacheManager

from analytics.config import Settings
from dashapp.jobs import manager


def test_jobs_run_in_the_web_server_without_redis(tmp_path):
    jobs = manager.callback_manager(Settings(job_cache_dir=tmp_path / "jobs"))
    assert isinstance(jobs, DiskcacheManager)
    assert jobs.handle.directory == str(tmp_path / "jobs")


def test_jobs_go_to_celery_on_redis_when_redis_url_is_set():
    jobs = manager.callback_manager(Settings(redis_url="redis://127.0.0.1:6379/9"))
    assert isinstance(jobs, CeleryManager)
    celery = jobs.handle
    assert celery.conf.broker_url == celery.conf.result_backend == "redis://127.0.0.1:6379/9"
    assert celery.conf.task_default_queue == "customer-analytics"
    # The worker module and the web app share one Celery app per URL.
    assert manager.celery_app("redis://127.0.0.1:6379/9") is celery
