"""The runs page's mapping step, for an upload whose header lacks required columns: which kind
of input it is, a dropdown per field pre-filled with the best guess, the file's first rows, and
the button that analyses it with that mapping (what the CLI's --columns does).

The step is part of the page from the start, hidden and with empty dropdowns, so that the
callback that reads the dropdowns finds them; an upload that needs it fills and shows it."""

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from analytics.validation.column_guess import REQUIRED
from analytics.validation.schema import CANONICAL_COLUMNS
from dashapp.pages.runs import ids

KIND_NAMES = {"customers": "Customer file", "orders": "Order log"}
FIELD_NAMES = {
    "customers": CANONICAL_COLUMNS,
    "orders": {
        "customer_id": "Customer",
        "order_date": "Order date",
        "amount": "Amount",
        "order_id": "Order ID",
        "product_id": "Product ID",
        "quantity": "Quantity",
        "status": "Status",
        "unit_price": "Unit price",
    },
}
HIDDEN = {"display": "none"}
# A preview cell longer than this is cut short: the rows are there to recognise the columns.
_SHOWN_CHARACTERS = 40


def mapping_step() -> html.Div:
    """The step as the page is drawn: hidden, every dropdown empty."""
    return html.Div(
        [
            html.H3("Which column is which?", className="h6"),
            html.Div(id=ids.RUNS_MAPPING_PREVIEW),
            dbc.RadioItems(
                id=ids.RUNS_MAPPING_KIND,
                options=[{"label": name, "value": kind} for kind, name in KIND_NAMES.items()],
                value="customers",
                inline=True,
                className="my-2",
            ),
            *(
                html.Div(field_rows(kind, [], {}), id=group)
                for kind, group in ids.RUNS_MAPPING_GROUPS.items()
            ),
            dbc.Button("Analyse with this mapping", id=ids.RUNS_MAPPING_ANALYSE, className="mt-2"),
            dcc.Store(id=ids.RUNS_MAPPING_PENDING),
        ],
        id=ids.RUNS_MAPPING,
        className="border rounded p-3 mt-3",
        style=HIDDEN,
    )


def field_rows(kind: str, header: Sequence[str], guess: Mapping[str, str]) -> dbc.Row:
    """A dropdown of the file's columns per field of `kind`, set to the guessed column."""
    options = [name for name in dict.fromkeys(header) if name]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_field_label(kind, field), className="small mb-1"),
                    dcc.Dropdown(
                        id=ids.mapping_field(kind, field),
                        options=options,
                        value=guess.get(field),
                        placeholder="Choose a column"
                        if field in REQUIRED[kind]
                        else "Not in the file",
                    ),
                ],
                xs=12,
                md=6,
                lg=3,
            )
            for field in ids.MAPPING_FIELDS[kind]
        ],
        className="g-2",
    )


def _field_label(kind: str, field: str) -> str:
    name = FIELD_NAMES[kind][field]
    if field == "amount":
        return f"{name} (required, or quantity and unit price)"
    return f"{name} (required)" if field in REQUIRED[kind] else name


def shown(proposal: dict) -> tuple:
    """The step filled for a pending upload (dashapp.jobs.uploads.mapping_proposal): its style,
    the pending upload, the kind, each kind's dropdowns and the preview, in the order of the
    callback's outputs."""
    header, guesses = proposal["header"], proposal["guesses"]
    return (
        {},
        {"upload_id": proposal["upload_id"], "filename": proposal["filename"]},
        proposal["kind"],
        *(field_rows(kind, header, guesses[kind]) for kind in ids.RUNS_MAPPING_GROUPS),
        preview(proposal["filename"], header, proposal["rows"]),
    )


def preview(filename: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> html.Div:
    """What the file holds, as text (a cell such as `=1+2` or `<b>` is shown, never run), and
    why the step is asked for."""
    return html.Div(
        [
            html.P(
                f"{filename} does not have the columns a customer file (Customer ID, Purchased "
                "and Price) or an order log needs under their usual names. Say which kind of "
                "file it is and which column holds each field; its first rows are below. The "
                "file stays on the server until it is analysed.",
                className="small",
            ),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th(_cut(name)) for name in header])),
                    html.Tbody([html.Tr([html.Td(_cut(cell)) for cell in row]) for row in rows]),
                ],
                size="sm",
                bordered=True,
                responsive=True,
                className="small mb-0",
            ),
        ]
    )


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "…"


def chosen(kind: str, choices: Sequence[object]) -> dict[str, str]:
    """{field: column} of `kind` from every dropdown's value, in ids.MAPPING_DROPDOWNS order;
    a dropdown left empty maps nothing."""
    values = dict(zip(ids.MAPPING_DROPDOWNS, choices, strict=False))
    picked = {
        field: values.get(ids.mapping_field(kind, field)) for field in ids.MAPPING_FIELDS[kind]
    }
    return {field: column for field, column in picked.items() if isinstance(column, str) and column}


def missing_text(kind: str, missing: Sequence[str]) -> str:
    names = " and ".join(FIELD_NAMES[kind][field] for field in missing)
    return f"Choose the file's column for {names}: {_ARTICLES[kind]} needs it."


_ARTICLES = {"customers": "a customer file", "orders": "an order log"}
