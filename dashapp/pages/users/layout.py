"""Users: who may sign in, with which role, and their API tokens (admins only). Accounts are
changed with `python -m dashapp users|tokens …`, which this page names."""

import dash
import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashapp.data import queries
from dashapp.hosting import accounts
from dashapp.pages.common import page_options, unavailable
from dashapp.pages.users import ids
from dashapp.ui.components import card_header

dash.register_page(__name__, **page_options("Users", ids.PATH, ids.ORDER))


def layout(**_query) -> html.Div:
    url = queries.app_database_url()
    try:
        users = accounts.list_users(url)
        tokens = accounts.list_tokens(url)
    except SQLAlchemyError as error:
        return unavailable(url, error)
    return html.Div(
        [
            html.H1("Users", className="h3 mb-1"),
            html.P(
                [
                    "Add, remove or change users with ",
                    html.Code("python -m dashapp users add|remove|set-role"),
                    " and API tokens with ",
                    html.Code("python -m dashapp tokens create|revoke"),
                    ". Roles build on each other: viewer, analyst, sales, admin.",
                ],
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(_card("People", _users_table(users)), lg=5),
                    dbc.Col(_card("API tokens", _tokens_table(tokens)), lg=7),
                ],
                className="g-3",
            ),
        ]
    )


def _card(title: str, body) -> dbc.Card:
    return dbc.Card([card_header(title), dbc.CardBody(body)])


def _users_table(users: list[accounts.Account]) -> dbc.Table | html.P:
    if not users:
        return html.P("No users yet.", className="mb-0")
    rows = [
        html.Tr(
            [html.Td(user.username), html.Td(user.role), html.Td(f"{user.created_at:%Y-%m-%d}")]
        )
        for user in users
    ]
    header = html.Thead(html.Tr([html.Th("User"), html.Th("Role"), html.Th("Added")]))
    return dbc.Table(
        [header, html.Tbody(rows)], id=ids.USERS_TABLE, size="sm", responsive=True, className="mb-0"
    )


def _tokens_table(tokens: list[accounts.TokenInfo]) -> dbc.Table | html.P:
    if not tokens:
        return html.P("No API tokens yet.", className="mb-0")
    rows = [
        html.Tr(
            [
                html.Td(token.id),
                html.Td(token.username),
                html.Td(html.Code(f"{token.prefix}…")),
                html.Td(f"{token.created_at:%Y-%m-%d}"),
                html.Td(
                    "live" if token.revoked_at is None else f"revoked {token.revoked_at:%Y-%m-%d}"
                ),
            ]
        )
        for token in tokens
    ]
    header = html.Thead(
        html.Tr(
            [html.Th("Id"), html.Th("User"), html.Th("Token"), html.Th("Made"), html.Th("State")]
        )
    )
    return dbc.Table(
        [header, html.Tbody(rows)],
        id=ids.TOKENS_TABLE,
        size="sm",
        responsive=True,
        className="mb-0",
    )
