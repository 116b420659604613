"""Webhook receivers on loopback for the tests, and the checks a real receiver makes."""

import hashlib
import hmac
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP server in a thread that answers every POST with `status` and keeps what it got."""

    def __init__(self, port: int, status: int):
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hooks/analytics"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def dashapp_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashapp", "webhooks", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def add_webhook(db: str, url: str) -> str:
    """Add a webhook as a user does; returns the signing secret the CLI printed."""
    result = dashapp_cli("--db", db, "add", url)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("give it to the receiver): ")[1].strip()


def signature_is_valid(secret: str, headers: dict, body: bytes) -> bool:
    """The check the README tells receivers to make, written out independently."""
    signed = headers["X-Analytics-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Analytics-Signature"])
