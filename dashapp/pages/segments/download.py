"""The explorer's export: the customers matching its filters as a CSV file, streamed to the browser
a piece at a time (a file of any size, in bounded memory), formula-safe like every CSV we write.

The export button links to EXPORT_PATH with the run and the filters in the query string (the
page's own link format, explorer_link); the route reads them back as the page does, and answers
only those whose role may use the explorer.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import flask

from dashapp.data import customer_reads, derived, queries
from dashapp.hosting import auth, roles
from dashapp.logic import explorer, explorer_link, export
from dashapp.pages.segments import explored, ids, saved_audiences

blueprint = flask.Blueprint("segments_export", __name__)
# An order-log run's lines (kept in memory with its customers) are sent this many at a time.
ORDER_LINES_PER_PIECE = 50_000


def link(
    run_id: int, filters: explorer.Filters, choices: explorer.Choices, audience_id: object = None
) -> str:
    """The export's address for these filters of the run; with the saved audience the page
    opened or saved (`audience_id`), whose name the file takes if the filters are still its."""
    query = explorer_link.query_string(filters, explorer.default_view(choices), choices, run_id)
    audience = f"&audience={audience_id}" if isinstance(audience_id, int) else ""
    return f"{ids.EXPORT_PATH}{query}{audience}"


@blueprint.get(ids.EXPORT_PATH)
def audience_export() -> flask.Response:
    if not roles.allows(auth.current_role(), ids.PAGE_ROLE):
        return flask.Response("Your role may not export customers.", 403, mimetype="text/plain")
    run_id = _id_argument("run")
    run = explored.load(run_id) if run_id is not None else None
    if run is None:
        return flask.Response(queries.NO_PUBLISHED_RUN, 404, mimetype="text/plain")
    filters, _view, _ignored = explorer_link.read_query(flask.request.args.to_dict(), run.choices)
    audience_id = _id_argument("audience")
    filename = saved_audiences.export_filename(run, filters, audience_id, datetime.now(UTC).date())
    lines = _order_log_csv(run, filters) if run.is_order_log else _customer_csv(run, filters)
    return flask.Response(
        flask.stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _id_argument(name: str) -> int | None:
    """The query string's id `name`: digits that fit a database integer, else None."""
    value = flask.request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _customer_csv(run: explored.Explored, filters: explorer.Filters) -> Iterator[str]:
    url = queries.app_database_url()
    columns = customer_reads.audience_columns(url, run.run_id)
    names = dict(zip(run.segments["segment"], run.segments["name"], strict=True))
    pieces = customer_reads.audience(url, run.run_id, filters)
    return export.audience_csv(pieces, names, columns["absent"], columns["whole"])


def _order_log_csv(run: explored.Explored, filters: explorer.Filters) -> Iterator[str]:
    header, lines = derived.order_audience_csv_lines(queries.app_database_url(), run.run_id)
    chosen = lines[explorer.masks(run.customers, filters, run.choices).matching]
    yield header
    for start in range(0, len(chosen), ORDER_LINES_PER_PIECE):
        yield "".join(chosen[start : start + ORDER_LINES_PER_PIECE])
