"""`python -m dashapp`: serve the dashboard (use gunicorn wsgi:server in production), or manage
its users and API tokens (`python -m dashapp users|tokens …`, see dashapp.hosting.manage), or
make the Parquet copy of a run's customers ahead of the first request that needs it
(`python -m dashapp snapshot [--run ID]`: worth it at millions of customers, where making it
takes longer than a gunicorn worker's request timeout).

The dashboard asks for a login when SECRET_KEY is set or when it listens on anything but a
loopback address; listening beyond loopback without SECRET_KEY is refused.
"""

import argparse
import ipaddress
import sys

from analytics.config import Settings
from analytics.db.session import safe_url
from dashapp.app import create_app, settle
from dashapp.data import queries, snapshots
from dashapp.hosting import manage
from dashapp.hosting.auth import WeakSecretKey


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    settings = Settings.from_env()
    if argv and argv[0] in manage.COMMANDS:
        return manage.main(argv, settings)
    if argv and argv[0] == "snapshot":
        return snapshot(argv[1:], settings)
    return serve(argv, settings)


def snapshot(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashapp snapshot", description=__doc__)
    parser.add_argument("--db", help="database URL (default: $DATABASE_URL)")
    parser.add_argument("--run", type=int, help="run id (default: the latest customer-file run)")
    args = parser.parse_args(argv)
    settings = settings.with_database(args.db)
    app = create_app(settings)
    with app.server.app_context():
        run_id = args.run
        if run_id is None:
            latest = queries.latest_run(settings.database_url)
            if latest is None:
                parser.error("the database has no published customer-file run")
            run_id = latest.id
        elif queries.published_run_id(run_id) is None:
            parser.error(f"run {run_id} is not a published run")
        print(snapshots.customers_file(settings.database_url, run_id), flush=True)
    return 0


def serve(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashapp", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (8050)")
    parser.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    args = parser.parse_args(argv)
    settings = settings.with_database(args.db)
    hosted = bool(settings.secret_key) or not _is_loopback(args.host)
    if hosted and not settings.secret_key:
        parser.error(
            f"--host {args.host} is reachable from other machines, so the dashboard needs a "
            "login: set SECRET_KEY (and add users with `python -m dashapp users add`)"
        )
    try:
        app = create_app(settings, hosted=hosted)
    except WeakSecretKey as refusal:
        parser.error(str(refusal))
    settle()
    print(
        f"Dashboard for {safe_url(settings.database_url)} "
        f"on http://{args.host}:{args.port}" + (" (login required)" if hosted else ""),
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":
    sys.exit(main())
