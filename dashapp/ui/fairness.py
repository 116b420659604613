"""The fairness table both of /model's sections show (the purchase model's and an order log's
repeat model's): per attribute and group the rates of analytics.steps.fairness, then each
attribute's verdict and the report's notes."""

import dash_bootstrap_components as dbc
from dash import html

from dashapp.ui import theme

ATTRIBUTE_NAMES = {"gender": "Gender", "age_band": "Age band"}
# Per group: column heading → (stored metric, how it is shown).
FAIRNESS_COLUMNS = {
    "Customers": ("size", theme.count),
    "Buy": ("base_rate", theme.percent),
    "Selected": ("selection_rate", theme.percent),
    "Buyers selected (TPR)": ("true_positive_rate", theme.percent),
    "Non-buyers selected (FPR)": ("false_positive_rate", theme.percent),
    "Brier": ("brier", lambda value: theme.number(value, 3)),
}


def fairness_body(fairness: dict, table_id: str, verdict_id: str) -> list:
    """The table (id `table_id`), the verdicts (id `verdict_id`) and the notes of a stored
    fairness report {"attributes", "notes"}."""
    attributes = fairness["attributes"]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th("Attribute"),
                        html.Th("Group"),
                        *[html.Th(c, className="text-end") for c in FAIRNESS_COLUMNS],
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(attribute_name(key) if position == 0 else ""),
                            html.Td(group, className="text-nowrap"),
                            *[
                                html.Td(show(row[metric]), className="text-end")
                                for metric, show in FAIRNESS_COLUMNS.values()
                            ],
                        ]
                    )
                    for key, report in attributes.items()
                    for position, (group, row) in enumerate(report["groups"].items())
                ]
            ),
        ],
        size="sm",
        responsive=True,
        hover=True,
        className="mb-2 small",
        id=table_id,
    )
    verdicts = html.Ul(
        [
            html.Li([html.Strong(f"{attribute_name(key)}: "), report["verdict"]])
            for key, report in attributes.items()
        ],
        id=verdict_id,
        className="mb-1",
    )
    notes = [html.Small(note, className="text-muted d-block") for note in fairness["notes"]]
    return [table, verdicts, *notes]


def attribute_name(key: str) -> str:
    """ "Gender", "Age band", or an order log's own attribute as its column was called."""
    return ATTRIBUTE_NAMES.get(key, key.replace("_", " ").capitalize())
