"""`python -m dashapp users|tokens|webhooks …`: accounts of the hosted dashboard, API tokens and
webhooks, kept in the analytics database."""

import argparse
import getpass
import sys

from sqlalchemy.exc import SQLAlchemyError

from analytics.config import Settings
from analytics.db.session import describe_failure
from dashapp.hosting import accounts, webhook_commands
from dashapp.hosting.roles import LADDER

COMMANDS = ("users", "tokens", "webhooks")
EXIT_FAILURE = 1


def main(argv: list[str], settings: Settings) -> int:
    args = _parser().parse_args(argv)
    url = settings.with_database(args.db).database_url
    try:
        if args.group == "webhooks":
            return webhook_commands.run(args, settings.with_database(url))
        return args.handler(args, url)
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
    except SQLAlchemyError as error:
        print(f"error: {describe_failure(url, error)}", file=sys.stderr)
    return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashapp", description=__doc__)
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    groups = parser.add_subparsers(dest="group", required=True)

    users = groups.add_parser("users", help="people who may sign in").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", parents=[database], help="add a user (asks for a password)")
    add.add_argument("username")
    add.add_argument("--role", choices=LADDER, required=True)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=_add_user)
    users.add_parser("list", parents=[database], help="users and roles").set_defaults(
        handler=_list_users
    )
    remove = users.add_parser("remove", parents=[database], help="remove a user and their tokens")
    remove.add_argument("username")
    remove.set_defaults(handler=_remove_user)
    set_role = users.add_parser("set-role", parents=[database], help="change a user's role")
    set_role.add_argument("username")
    set_role.add_argument("role", choices=LADDER)
    set_role.set_defaults(handler=_set_role)
    set_password = users.add_parser(
        "set-password",
        parents=[database],
        help="give a user a new password (asks for it); ends their open sessions",
    )
    set_password.add_argument("username")
    set_password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    set_password.set_defaults(handler=_set_password)

    tokens = groups.add_parser("tokens", help="bearer tokens for /api/v1").add_subparsers(
        dest="action", required=True
    )
    create = tokens.add_parser(
        "create", parents=[database], help="make a token for a user (printed once)"
    )
    create.add_argument("--user", required=True)
    create.set_defaults(handler=_create_token)
    tokens.add_parser(
        "list", parents=[database], help="tokens, without their secrets"
    ).set_defaults(handler=_list_tokens)
    revoke = tokens.add_parser("revoke", parents=[database], help="stop a token from working")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(handler=_revoke_token)

    webhook_commands.add_parser(groups)
    return parser


def _add_user(args: argparse.Namespace, url: str) -> int:
    account = accounts.add_user(url, args.username, _password(args), args.role)
    print(f"Added {account.username} ({account.role}).")
    return 0


def _set_password(args: argparse.Namespace, url: str) -> int:
    accounts.set_password(url, args.username, _password(args))
    print(f"New password for {args.username}; their open sessions have ended.")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(f"Password for {args.username}: ")
    if password != getpass.getpass("Again: "):
        raise accounts.AccountError("the two passwords differ")
    return password


def _list_users(_args: argparse.Namespace, url: str) -> int:
    for account in accounts.list_users(url):
        print(f"{account.username}\t{account.role}\t{account.created_at:%Y-%m-%d %H:%M}")
    return 0


def _remove_user(args: argparse.Namespace, url: str) -> int:
    accounts.remove_user(url, args.username)
    print(f"Removed {args.username} and their tokens.")
    return 0


def _set_role(args: argparse.Namespace, url: str) -> int:
    account = accounts.set_role(url, args.username, args.role)
    print(f"{account.username} is now {account.role}.")
    return 0


def _create_token(args: argparse.Namespace, url: str) -> int:
    token = accounts.create_token(url, args.user)
    # Only the token goes to stdout, so that scripts can capture it; it cannot be shown again.
    print(token)
    print(
        f"Token for {args.user}; store it now, it is not kept and cannot be shown again.",
        file=sys.stderr,
    )
    return 0


def _list_tokens(_args: argparse.Namespace, url: str) -> int:
    for token in accounts.list_tokens(url):
        state = "live" if token.revoked_at is None else f"revoked {token.revoked_at:%Y-%m-%d}"
        print(
            f"{token.id}\t{token.username}\t{token.prefix}…\t"
            f"{token.created_at:%Y-%m-%d %H:%M}\t{state}"
        )
    return 0


def _revoke_token(args: argparse.Namespace, url: str) -> int:
    accounts.revoke_token(url, args.token_id)
    print(f"Token {args.token_id} revoked.")
    return 0
