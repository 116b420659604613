import stat
from pathlib import Path

import pytest
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


def test_jobs_are_kept_under_the_apps_data_folder_not_the_shared_temp_folder():
    default = Settings().job_cache_dir
    assert default == Path("data/jobs")
    # Relative: under the folder the app runs from, wherever that is checked out (a checkout
    # under /tmp would make a resolved comparison with the temp folder fail for no fault).
    assert not default.is_absolute()


def test_the_job_folder_is_private_to_this_user(tmp_path):
    # The disk cache holds pickles (and, in local mode, Dash's job-signing secret): anyone who
    # can write there can run code in the server.
    folder = tmp_path / "jobs"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    manager.callback_manager(Settings(job_cache_dir=folder))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_job_folder_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "jobs").symlink_to(elsewhere)
    with pytest.raises(RuntimeError, match="not this user's own folder"):
        manager.callback_manager(Settings(job_cache_dir=tmp_path / "jobs"))
