"""Saved audiences (segment-explorer filters under a name): checked, written and read inside the
caller's session and transaction."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from analytics.db.models import (
    AUDIENCE_NAME_LENGTH,
    AUDIENCE_QUERY_LENGTH,
    CUSTOMER_FILE,
    ORDER_LOG,
    PUBLISHED,
    Audience,
    Run,
)

# What the explorer's query string is made of (urlencode's output, commas kept): nothing else is
# stored, so a saved audience can only ever be read back as a link's parameters.
_QUERY = re.compile(r"[A-Za-z0-9_.~%+,=&-]*")


class AudienceRefused(ValueError):
    """An audience that cannot be saved; the message is for the user."""


@dataclass(frozen=True)
class SavedAudience:
    id: int
    name: str
    owner: str
    created_at: datetime
    input_kind: str
    query: str


def clean_name(name: object) -> str:
    """The name as stored: trimmed, inner runs of spaces made one. AudienceRefused when it is
    empty, too long or holds control characters."""
    if not isinstance(name, str) or not name.strip():
        raise AudienceRefused("Give the audience a name.")
    cleaned = " ".join(name.split())
    if any(unicodedata.category(character).startswith("C") for character in cleaned):
        raise AudienceRefused("An audience name cannot hold control characters.")
    if len(cleaned) > AUDIENCE_NAME_LENGTH:
        raise AudienceRefused(f"An audience name has at most {AUDIENCE_NAME_LENGTH} characters.")
    return cleaned


def checked_query(query: str) -> str:
    """The explorer's query string without its leading "?"; anything else is refused."""
    query = query.removeprefix("?")
    parameters = [part.partition("=")[0] for part in query.split("&") if part]
    if (
        len(query) > AUDIENCE_QUERY_LENGTH
        or not _QUERY.fullmatch(query)
        or "run" in parameters
        or any(not name for name in parameters)
    ):
        raise AudienceRefused("These filters cannot be saved as an audience.")
    return query


def save_audience(session: Session, name: object, owner: str, input_kind: str, query: str) -> int:
    """Add an audience of `input_kind`'s filters (`query`, the explorer's link without `run`);
    its id. AudienceRefused for an invalid name or query, or a name this kind already has (in
    any letter case)."""
    if input_kind not in (CUSTOMER_FILE, ORDER_LOG):
        raise AudienceRefused(f"Unknown kind of run: {input_kind!r}.")
    name = clean_name(name)
    query = checked_query(query)
    # Compared here rather than in SQL, whose lower() on SQLite knows ASCII letters only.
    names = session.scalars(select(Audience.name).where(Audience.input_kind == input_kind))
    taken = next((other for other in names if other.casefold() == name.casefold()), None)
    if taken is not None:
        raise AudienceRefused(f"There is already an audience named “{taken}”.")
    audience = Audience(name=name, owner=owner, input_kind=input_kind, query=query)
    session.add(audience)
    try:
        session.flush()
    except IntegrityError as error:  # saved by someone else since the check above
        raise AudienceRefused(f"There is already an audience named “{name}”.") from error
    return audience.id


def _saved(audience: Audience) -> SavedAudience:
    return SavedAudience(
        audience.id,
        audience.name,
        audience.owner,
        audience.created_at,
        audience.input_kind,
        audience.query,
    )


def audiences(session: Session, input_kind: str) -> list[SavedAudience]:
    """The audiences of one input kind, newest first."""
    query = select(Audience).where(Audience.input_kind == input_kind).order_by(Audience.id.desc())
    return [_saved(audience) for audience in session.scalars(query)]


def audience_by_id(session: Session, audience_id: int) -> SavedAudience | None:
    audience = session.get(Audience, audience_id)
    return None if audience is None else _saved(audience)


def runs_since(session: Session, audience: SavedAudience) -> list[int]:
    """The published runs of the audience's kind since it was made, oldest first: the one that
    was the latest when it was saved (if any), and every one published after."""
    published = (Run.status == PUBLISHED) & (Run.input_kind == audience.input_kind)
    current_then = session.scalar(
        select(func.max(Run.id)).where(published, Run.finished_at <= audience.created_at)
    )
    query = select(Run.id).where(published, Run.id >= (current_then or 0)).order_by(Run.id)
    return list(session.scalars(query))
