"""Query results cached per run with flask-caching, bound to each app's server by `install`: a
SimpleCache in each process by default, a RedisCache that every web worker shares when the
settings name a Redis URL. Queries called outside an app's request (scripts, tests, background
jobs) use a SimpleCache of their process.

A published run never changes, so a result keyed by (database, run id, arguments) stays right
until a new run is published; `note_latest_run` (called on every page load) clears the cache
when that happens, so a recreated database whose run ids start again at 1 shows no stale data.
What must not travel through Redis (unpickled models, whole customer frames) is kept in
`process_local` caches, cleared on the same signal.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import flask
from flask_caching import Cache
from flask_caching.backends import BaseCache, SimpleCache

# Entries belong to runs, which never change; the timeout only bounds what old runs keep.
TIMEOUT_SECONDS = 24 * 3600
# SimpleCache entries per process before it evicts: a few runs' worth of every cached query.
LOCAL_ENTRIES = 500
KEY_PREFIX = "customer-analytics:"
# Where `install` puts the app's backend among its server's extensions.
EXTENSION = "customer_analytics_query_cache"

log = logging.getLogger(__name__)


def _config(redis_url: str | None) -> dict:
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"{KEY_PREFIX}{_code_version()}:",
            "CACHE_DEFAULT_TIMEOUT": TIMEOUT_SECONDS,
        }
    return {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_THRESHOLD": LOCAL_ENTRIES,
        "CACHE_DEFAULT_TIMEOUT": TIMEOUT_SECONDS,
    }


_outside_apps = SimpleCache(threshold=LOCAL_ENTRIES, default_timeout=TIMEOUT_SECONDS)


def install(server: flask.Flask, redis_url: str | None) -> None:
    """Register flask-caching on the app's server (Redis when `redis_url` is given); queries
    run in its requests use that backend."""
    extension = Cache(server, config=_config(redis_url))
    server.extensions[EXTENSION] = server.extensions["cache"][extension]


def _store() -> BaseCache:
    """The backend of the app whose request this is, else this process's own."""
    if flask.has_app_context():
        return flask.current_app.extensions.get(EXTENSION, _outside_apps)
    return _outside_apps


@functools.cache
def _code_version() -> str:
    """A digest of the code that computes the cached values: after a deploy, Redis may still
    hold pickles in a shape the new code does not read, and these keys never reach them."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in ("analytics", "dashapp"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _tolerant(operation: Callable, *args):
    """Run a cache operation; a cache that fails (Redis away, a pickle that no longer loads)
    costs a recomputation, never a page."""
    try:
        return operation(*args)
    except Exception as error:
        log.warning("query cache unavailable (%s: %s)", type(error).__name__, error)
        return None


def _database_key(url: str) -> str:
    # A digest: the URL may hold a password, which has no place in cache keys.
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def per_run(function: Callable) -> Callable:
    """Cache `function(url, run_id, *args)` in the shared cache, keyed by the database, the run
    and the arguments. Values must pickle (flask-caching stores them pickled)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(url: str, run_id: int, *args):
        key = ":".join([name, _database_key(url), str(run_id), *map(repr, args)])
        store = _store()
        hit = _tolerant(store.get, key)
        # Stored in a 1-tuple: the caches cannot tell a stored None from a miss.
        if hit is not None:
            return hit[0]
        value = function(url, run_id, *args)
        _tolerant(store.set, key, (value,))
        return value

    return cached


_local_caches: list = []
_local_latest: dict[str, str] = {}


def process_local(maxsize: int) -> Callable:
    """An lru_cache for what stays in this process (live objects, large frames), cleared with the
    shared cache when a new run is published."""

    def decorate(function: Callable) -> Callable:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _local_caches.append(cached)
        return cached

    return decorate


def note_latest_run(url: str, marker: str) -> None:
    """Clear cached results when `marker` (the newest published run's id and time) differs from
    the one seen before: a new run was published, or the database was recreated."""
    store = _store()
    key = f"latest:{_database_key(url)}"
    if _tolerant(store.get, key) != marker:
        _tolerant(store.clear)
        _tolerant(store.set, key, marker)
    # Each process clears its own caches once, whichever process noticed the change first.
    if _local_latest.get(url) != marker:
        for local in _local_caches:
            local.cache_clear()
        _local_latest[url] = marker
