"""`python -m dashapp`: serve the dashboard locally (use gunicorn wsgi:server in production)."""

import argparse

from analytics.db.session import safe_url
from dashapp import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashapp", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (8050)")
    parser.add_argument(
        "--db", help="database URL (default: $DATABASE_URL or sqlite:///data/analytics.db)"
    )
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    args = parser.parse_args()
    app = create_app(args.db)
    print(
        f"Dashboard for {safe_url(app.server.config['DATABASE_URL'])} "
        f"on http://{args.host}:{args.port}",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
