"""A clicked cell of the R × FM grid: which cell, its explorer link, and what the visitor may do
with it (the explorer is for analysts; a viewer is told so instead of being sent to a 403)."""

from urllib.parse import urlencode

from dash import dcc, no_update

from dashapp.data import orders, queries
from dashapp.hosting import auth, roles
from dashapp.pages.customers import ids

SCORES = range(1, 6)


def clicked_cell(click_data: object) -> tuple[int, int] | None:
    """(R, FM) of the clicked cell from the grid's clickData (sent by the client, so checked);
    None for anything else."""
    try:
        point = click_data["points"][0]
        r, fm = point["y"], point["x"]
    except (TypeError, KeyError, IndexError):
        return None
    if type(r) is int and type(fm) is int and r in SCORES and fm in SCORES:
        return r, fm
    return None


def explorer_link(run_id: int, r: int, fm: int) -> str:
    """The explorer's address for the customers of one cell of an order-log run's grid."""
    return f"{ids.EXPLORER_PATH}?{urlencode({'run': run_id, 'r': r, 'fm': fm})}"


def explorer_role() -> str | None:
    return roles.page_role(ids.EXPLORER_PATH)


def may_open_explorer() -> bool:
    required = explorer_role()
    return required is not None and roles.allows(auth.current_role(), required)


def hint(may_open: bool) -> str:
    """What the grid's clicks do, shown under it before any click."""
    if may_open:
        return "Click a cell to open its customers as an audience in the segment explorer."
    return (
        f"Opening a cell's customers in the segment explorer needs an {explorer_role()} "
        "account; hover a cell for its numbers."
    )


def open_cell(click_data: object, run_id: object) -> tuple:
    """(the address to go to, the line under the grid) for a click on the grid: the explorer's
    link of the cell for those who may open it, else a line naming the cell and the role
    needed."""
    run = orders.published_order_run_id(run_id)
    if run is None:
        return no_update, queries.NO_PUBLISHED_RUN
    chosen = clicked_cell(click_data)
    if chosen is None:
        return no_update, no_update
    r, fm = chosen
    grid = orders.order_summary(queries.app_database_url(), run)["rfm_grid"]
    customers = grid["customers"][r - 1][fm - 1]
    name = f"R{r} × FM{fm} ({customers:,} customers)"
    if not may_open_explorer():
        return no_update, f"{name}: {hint(False)}"
    link = explorer_link(run, r, fm)
    return link, dcc.Link(f"Open {name} in the explorer", href=link)
