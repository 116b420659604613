"""Dash's page discovery runs each page's layout and callbacks modules for every app it builds:
every app gets every callback, once."""

from collections import Counter

from analytics.config import Settings
from dashapp.app import create_app


def _outputs(url: str) -> Counter:
    dependencies = (
        create_app(Settings(database_url=url))
        .server.test_client()
        .get("/_dash-dependencies")
        .get_json()
    )
    return Counter(dependency["output"] for dependency in dependencies)


def test_each_app_gets_every_callback_once(empty_db):
    first, second = _outputs(empty_db), _outputs(empty_db)
    assert first == second
    assert max(first.values()) == 1
    assert len(first) >= 15
