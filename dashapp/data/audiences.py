"""What the explorer reads of saved audiences: read on each request, never cached, since they are
saved while the dashboard runs (their sizes, per published run, are in dashapp.data.derived)."""

from analytics.db import audience_repository
from analytics.db.audience_repository import SavedAudience
from analytics.db.session import session_factory


def with_runs(url: str, input_kind: str) -> list[tuple[SavedAudience, list[int]]]:
    """The audiences of one input kind, newest first, each with the published runs since it was
    made (oldest first)."""
    with session_factory(url)() as session:
        return [
            (audience, audience_repository.runs_since(session, audience))
            for audience in audience_repository.audiences(session, input_kind)
        ]


def audience(url: str, audience_id: object) -> SavedAudience | None:
    """The audience of an id from the page (which the client controls), if there is one."""
    if type(audience_id) is not int or not 0 < audience_id < 2**63:
        return None
    with session_factory(url)() as session:
        return audience_repository.audience_by_id(session, audience_id)
