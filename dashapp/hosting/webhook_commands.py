"""`python -m dashapp webhooks add URL | list | remove ID`: who is told about published runs.

`add` refuses a URL whose host is, or resolves to, a non-public address (unless
ALLOW_PRIVATE_WEBHOOKS=1; each delivery checks again), stores the URL and the signing secret
encrypted, and shows credentials in the URL only redacted, as `list` does.
"""

import argparse
import socket
import sys
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from analytics import webhooks
from analytics.config import Settings
from analytics.db import webhook_repository
from analytics.db.session import describe_failure, session_factory
from analytics.webhook_secrets import Keys
from analytics.webhook_targets import PrivateAddress, addresses, check_addresses, redact

EXIT_REFUSED = 2


def add_parser(commands) -> None:
    """Register `webhooks` under the `python -m dashapp` subcommands."""
    parser = commands.add_parser(
        "webhooks", help="receivers of a signed summary of every published run"
    )
    parser.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    actions = parser.add_subparsers(required=True, metavar="action")
    add = actions.add_parser("add", help="add a receiver URL; prints its signing secret once")
    add.add_argument("url", type=_receiver_url, help="http(s) URL that accepts POSTed JSON")
    add.set_defaults(handler=_add)
    actions.add_parser("list", help="every webhook and its last delivery").set_defaults(
        handler=_list
    )
    remove = actions.add_parser("remove", help="stop sending to a webhook (history stays)")
    remove.add_argument("id", type=int, help="webhook id, as `list` shows it")
    remove.set_defaults(handler=_remove)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out a parsed `webhooks` command on the database of `settings`."""
    url = settings.database_url
    try:
        return args.handler(session_factory(url), args, settings)
    except SQLAlchemyError as error:
        print(f"error: {describe_failure(url, error)}", file=sys.stderr)
        return 1


def _receiver_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{redact(text)!r} is not an http:// or https:// URL")
    try:
        valid_port = parts.port is None or parts.port > 0
    except ValueError:  # not a number, or beyond 65535
        valid_port = False
    if not valid_port:
        raise argparse.ArgumentTypeError(f"{redact(text)!r} has an invalid port")
    return text


def _refusal(url: str, settings: Settings) -> str | None:
    """Why `url` may not be a webhook (its host is or resolves to a non-public address), or
    None. A name that does not resolve now is let through with a note: it is checked again on
    every delivery."""
    parts = urlsplit(url)
    try:
        found = addresses(parts.hostname, parts.port)
    except (socket.gaierror, UnicodeError):
        print(
            f"note: {parts.hostname} could not be resolved now; it is checked again before each "
            "delivery.",
            file=sys.stderr,
        )
        return None
    try:
        check_addresses(parts.hostname, found, settings.allow_private_webhooks)
    except PrivateAddress as refusal:
        return str(refusal)
    return None


def _add(sessions, args: argparse.Namespace, settings: Settings) -> int:
    refusal = _refusal(args.url, settings)
    if refusal is not None:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    secret = webhooks.new_secret()
    keys = Keys.for_database(settings, settings.database_url)
    with sessions.begin() as session:
        webhook = webhook_repository.add_webhook(
            session, redact(args.url), "", sealed=keys.seal(args.url, secret)
        )
    print(f"Webhook {webhook.id} added: every published run is POSTed to {webhook.url}.")
    print(f"Signing secret (shown only now; give it to the receiver): {secret}")
    return 0


def _list(sessions, _args: argparse.Namespace, _settings: Settings) -> int:
    with sessions() as session:
        hooks = webhook_repository.webhooks(session)
        last = webhook_repository.last_results(session)
    if not hooks:
        print("No webhooks; add one with `python -m dashapp webhooks add URL`.")
        return 0
    for hook in hooks:
        delivery = last.get(hook.id)
        if delivery is None:
            outcome = "nothing sent yet"
        elif delivery.delivered:
            outcome = f"run {delivery.run_id} delivered (HTTP {delivery.status_code})"
        else:
            outcome = f"run {delivery.run_id} FAILED: {delivery.error}"
        print(f"{hook.id}\t{redact(hook.url)}\tadded {hook.created_at:%Y-%m-%d %H:%M}\t{outcome}")
    return 0


def _remove(sessions, args: argparse.Namespace, _settings: Settings) -> int:
    with sessions.begin() as session:
        removed = webhook_repository.remove_webhook(session, args.id)
    if not removed:
        print(
            f"error: there is no webhook {args.id}; `python -m dashapp webhooks list` shows them.",
            file=sys.stderr,
        )
        return 1
    print(f"Webhook {args.id} removed; its past deliveries stay on the Runs page.")
    return 0
