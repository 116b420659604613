from dash import CeleryManager, DiskcacheManager

from dashapp.jobs import manager as background


def test_jobs_run_in_the_web_server_without_redis(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("JOB_CACHE_DIR", str(tmp_path / "jobs"))
    manager = background.callback_manager()
    assert isinstance(manager, DiskcacheManager)
    assert manager.handle.directory == str(tmp_path / "jobs")


def test_jobs_go_to_celery_on_redis_when_redis_url_is_set(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    manager = background.callback_manager()
    assert isinstance(manager, CeleryManager)
    celery = manager.handle
    assert celery.conf.broker_url == celery.conf.result_backend == "redis://127.0.0.1:6379/9"
    assert celery.conf.task_default_queue == "customer-analytics"
    # The worker module and the web app share one Celery app per URL.
    assert background.celery_app("redis://127.0.0.1:6379/9") is celery
