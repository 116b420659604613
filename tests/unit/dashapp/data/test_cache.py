"""Query results cached per run: keys name the database and run, a new run clears them, and with
Redis every process shares them."""

import flask
import pytest

from dashapp.data import cache

DB = "postgresql+psycopg://analyst:s3cret@db.internal/analytics"


@pytest.fixture
def app_cache():
    """A Flask app with the query cache installed (SimpleCache, or Redis with a URL), emptied;
    the queries use it inside the app's context."""

    def install(redis_url: str | None = None, name: str = __name__) -> flask.Flask:
        server = flask.Flask(name)
        cache.install(server, redis_url)
        store = server.extensions[cache.EXTENSION]
        cache._tolerant(store.clear)
        return server

    return install


def counting(function_calls: list):
    def segment_sizes(url: str, run_id: int, scale: int = 1):
        function_calls.append((run_id, scale))
        return None if run_id == 0 else [run_id * 10 * scale, run_id * 5 * scale]

    return segment_sizes


def test_results_are_cached_per_database_run_and_arguments(app_cache):
    calls = []
    sizes = cache.per_run(counting(calls))
    with app_cache().app_context():
        assert sizes(DB, 1) == [10, 5] and sizes(DB, 1) == [10, 5]
        assert sizes(DB, 2) == [20, 10]
        assert sizes(DB, 2, 3) == [60, 30]
        assert sizes(DB + "2", 1) == [10, 5]
        assert sizes(DB, 0) is None and sizes(DB, 0) is None  # a None answer is cached too
    assert calls == [(1, 1), (2, 1), (2, 3), (1, 1), (0, 1)]


def test_each_app_has_its_own_cache_and_calls_outside_an_app_the_process_one(app_cache):
    calls = []
    sizes = cache.per_run(counting(calls))
    with app_cache().app_context():
        sizes(DB, 1), sizes(DB, 1)
    with app_cache(name="another_app").app_context():
        sizes(DB, 1)
    sizes(DB, 11), sizes(DB, 11)
    assert calls == [(1, 1), (1, 1), (11, 1)]


def test_a_new_latest_run_clears_shared_and_process_caches(app_cache):
    shared_calls, local_calls = [], []
    shared = cache.per_run(counting(shared_calls))
    local = cache.process_local(maxsize=4)(counting(local_calls))
    with app_cache().app_context():
        cache.note_latest_run(DB, "1@2026-11-26T10:00:00")
        shared(DB, 1), local(DB, 1)
        cache.note_latest_run(DB, "1@2026-11-26T10:00:00")  # the same run: nothing is cleared
        shared(DB, 1), local(DB, 1)
        assert shared_calls == local_calls == [(1, 1)]
        # Run 1 again, but a different one: the database was recreated.
        cache.note_latest_run(DB, "1@2026-11-26T11:30:00")
        shared(DB, 1), local(DB, 1)
    assert shared_calls == local_calls == [(1, 1), (1, 1)]


def test_redis_shares_results_between_processes_and_keys_hide_the_url(app_cache, redis_url):
    import redis

    calls = []
    sizes = cache.per_run(counting(calls))
    with app_cache(redis_url).app_context():
        assert sizes(DB, 7) == [70, 35]
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("customer-analytics:*")]
    assert any(":7" in key and "segment_sizes" in key for key in keys)
    assert not any("s3cret" in key or "db.internal" in key for key in keys)

    # Another web worker: its own flask-caching backend on the same Redis gets the result.
    another_worker = flask.Flask("another_worker")
    cache.install(another_worker, redis_url)
    with another_worker.app_context():
        assert sizes(DB, 7) == [70, 35]
        assert calls == [(7, 1)]
        cache.note_latest_run(DB, "8@2026-11-26T12:00:00")
        assert sizes(DB, 7) == [70, 35]
    assert calls == [(7, 1), (7, 1)]


def test_an_unreachable_redis_costs_recomputation_not_pages(app_cache, caplog):
    calls = []
    sizes = cache.per_run(counting(calls))
    with app_cache("redis://127.0.0.1:1/0").app_context():  # nothing listens on port 1
        cache.note_latest_run(DB, "1@2026-11-26T10:00:00")
        assert sizes(DB, 1) == [10, 5] and sizes(DB, 1) == [10, 5]
    assert calls == [(1, 1), (1, 1)]
    assert "query cache unavailable (ConnectionError" in caplog.text
