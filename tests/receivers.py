"""Webhook receivers on loopback for the tests, and the checks a real receiver makes."""

import contextlib
import hashlib
import hmac
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP server in a thread that answers every POST with `status` and keeps what it got;
    port 0 takes a free one."""

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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/analytics"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def webhooks_command(*args: str) -> tuple[int, str, str]:
    """`python -m dashapp webhooks ARGS` run in this process (a subprocess would spend seconds
    importing); returns the exit status, stdout and stderr."""
    from dashapp.__main__ import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(["webhooks", *args])
        except SystemExit as refusal:  # argparse refusing the arguments
            status = refusal.code
    return status, stdout.getvalue(), stderr.getvalue()


def secret_printed(stdout: str) -> str:
    return stdout.split("give it to the receiver): ")[1].strip()


def add_webhook(db: str, url: str) -> str:
    """Add a webhook as a user does; returns the signing secret the command printed."""
    status, stdout, stderr = webhooks_command("--db", db, "add", url)
    assert status == 0, stderr
    return secret_printed(stdout)


def signature_is_valid(secret: str, headers: dict, body: bytes) -> bool:
    """The check the README tells receivers to make, written out independently."""
    signed = headers["X-Analytics-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Analytics-Signature"])
