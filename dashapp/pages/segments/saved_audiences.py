"""Saved audiences on the explorer: the current filters saved under a name (in the database, with
their owner and date), the audiences of the shown run's kind listed with their size on every
run since they were made and a link that reopens them, and the name an export of them takes."""

import re
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError

from analytics.db import audience_repository
from analytics.db.audience_repository import AudienceRefused, SavedAudience
from analytics.db.models import AUDIENCE_NAME_LENGTH
from analytics.db.session import session_factory
from dashapp.data import audiences as stored
from dashapp.data import derived, orders, queries
from dashapp.hosting import auth
from dashapp.logic import audiences, explorer, explorer_link, export
from dashapp.pages.segments import explored, ids
from dashapp.ui.components import card_header

# Who owns what is saved in local mode, where nobody signs in.
LOCAL_OWNER = "local"
EMPTY_LIST = (
    "No saved audiences yet. Set the filters, name them and press Save audience: the audience "
    "keeps its filters, and its size on each new run shows here."
)
# Under the list when some run has no size for an audience.
NOT_COUNTED = (
    "n/a: a filter of the audience does not fit that run (a segment or value it does not have), "
    "so it has no size there."
)


def opened_audience(query: dict) -> int | None:
    """The audience id the page's link names (`audience=<digits>`), else None."""
    requested = query.get(audiences.AUDIENCE_PARAM)
    if isinstance(requested, str) and re.fullmatch(r"[0-9]{1,18}", requested):
        return int(requested)
    return None


def filters_query(run: explored.Explored, filters: explorer.Filters) -> str:
    """The filters as the explorer's link has them (without `?`, the run or the view): what an
    audience stores."""
    view = explorer.default_view(run.choices)
    return explorer_link.query_string(filters, view, run.choices).removeprefix("?")


def save(
    run: explored.Explored, filters: explorer.Filters, name: str | None
) -> tuple[dbc.Alert, int | None]:
    """Save the filters as an audience of the run's kind: (the message, the new audience's id or
    None when it was refused)."""
    owner = auth.current_username() or LOCAL_OWNER
    try:
        with session_factory(queries.app_database_url()).begin() as session:
            saved = audience_repository.save_audience(
                session, name, owner, run.kind, filters_query(run, filters)
            )
    except AudienceRefused as refusal:
        return _message(str(refusal), "danger"), None
    except SQLAlchemyError:
        return _message(
            "The audience could not be saved: the database is unavailable.", "danger"
        ), None
    return _message(f"Saved “{audience_repository.clean_name(name)}”.", "success"), saved


def _message(text: str, colour: str) -> dbc.Alert:
    return dbc.Alert(text, color=colour, className="py-2 mb-0 small")


def listing(run: explored.Explored) -> Component:
    """The audiences of the run's kind, newest first, with their sizes on each run since they
    were made; or the empty state."""
    url = queries.app_database_url()
    saved = stored.with_runs(url, run.kind)
    if not saved:
        return html.P(EMPTY_LIST, className="text-muted small mb-0", id=ids.SEG_AUDIENCES_EMPTY)
    latest_order_run = None if not run.is_order_log else orders.latest_order_run(url)
    sized = [
        (audience, runs, derived.audience_sizes(url, audience.input_kind, audience.query, runs))
        for audience, runs in saved
    ]
    run_id = None if latest_order_run is None else latest_order_run.id
    header = html.Tr(
        [
            html.Th(title)
            for title in ("Audience", "Owner", "Saved (UTC)", "Customers, run by run", "")
        ]
    )
    table = dbc.Table(
        [html.Thead(header), html.Tbody([_row(*row, run_id) for row in sized])],
        responsive=True,
        size="sm",
        className="mb-0",
    )
    if all(size is not None for _audience, _runs, sizes in sized for size in sizes):
        return table
    return html.Div([table, html.Small(NOT_COUNTED, className="text-muted")])


def _row(
    audience: SavedAudience, runs: list[int], sizes: list[int | None], run_id: int | None
) -> html.Tr:
    link = audiences.open_link(ids.PATH, audience.query, audience.id, run_id)
    return html.Tr(
        [
            html.Th(audience.name, scope="row"),
            html.Td(audience.owner),
            html.Td(f"{audience.created_at:%d %b %Y %H:%M}"),
            html.Td(audiences.size_trail(runs, sizes)),
            html.Td(dcc.Link("Open", href=link, title=f"Open “{audience.name}” in the explorer")),
        ],
        className="seg-audience-row",
    )


def export_filename(
    run: explored.Explored, filters: explorer.Filters, audience_id: object, day: date
) -> str:
    """The export's file name: the audience's when the filters are those of the audience they
    were opened from or saved as (`audience_id`, from the page), else what they hold."""
    query = filters_query(run, filters)
    audience = stored.audience(queries.app_database_url(), audience_id)
    if audience is not None and audience.input_kind == run.kind and audience.query == query:
        return export.audience_filename(run.run_id, day, audience=audience.name)
    segments, narrowed = audiences.export_description(query)
    return export.audience_filename(
        run.run_id, day, segments=segments, narrowed=narrowed, order_log=run.is_order_log
    )


def card(audience_id: int | None) -> dbc.Card:
    """The audiences card: a name and the save button, the save's message, and the list (which
    a callback fills); `audience_id` the audience the page's link opened, if any."""
    form = dbc.InputGroup(
        [
            html.Label("Name", htmlFor=ids.SEG_AUDIENCE_NAME, className="input-group-text"),
            dbc.Input(
                id=ids.SEG_AUDIENCE_NAME,
                type="text",
                maxLength=AUDIENCE_NAME_LENGTH,
                placeholder="e.g. Young buyers",
                debounce=False,
            ),
            dbc.Button("Save audience", id=ids.SEG_AUDIENCE_SAVE, color="primary"),
        ],
        size="sm",
        className="mb-2",
        style={"maxWidth": "32rem"},
    )
    return dbc.Card(
        [
            card_header(
                "Audiences",
                "Save the current filters under a name, to reopen them on the latest run.",
            ),
            dbc.CardBody(
                [
                    dcc.Store(id=ids.SEG_AUDIENCE, data=audience_id),
                    form,
                    html.Div(
                        id=ids.SEG_AUDIENCE_MESSAGE, className="mb-2", **{"aria-live": "polite"}
                    ),
                    html.Div(dbc.Spinner(size="sm"), id=ids.SEG_AUDIENCE_LIST),
                ]
            ),
        ],
        className="mt-3",
    )
