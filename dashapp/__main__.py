"""`python -m dashapp`: serve the dashboard locally (use gunicorn wsgi:server in production);
`python -m dashapp webhooks …` manages webhooks."""

import argparse
import sys

from analytics.db.session import safe_url
from dashapp import create_app, webhook_commands


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashapp", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (8050)")
    parser.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    commands = parser.add_subparsers(dest="command", metavar="command")
    webhook_commands.add_parser(commands)
    args = parser.parse_args()
    if args.command == "webhooks":
        sys.exit(webhook_commands.run(args))
    app = create_app(args.db)
    print(
        f"Dashboard for {safe_url(app.server.config['DATABASE_URL'])} "
        f"on http://{args.host}:{args.port}",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
