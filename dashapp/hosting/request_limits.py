"""Request size and malformed JSON, in both modes.

Every body is refused with a 413 beyond `settings.max_request_bytes` before it is read, except
the dashboard callbacks of whoever may upload: dcc.Upload sends a file base64-encoded inside the
callback's JSON, so theirs may be 4/3 of the upload limit and a margin. JSON is parsed strictly
everywhere (the API and Dash's callbacks): an integer of more than MAX_DIGITS digits, a number
that overflows to infinity, NaN, and nesting deeper than the parser can follow are a 400, not a
500 from deep inside the code that received them.
"""

import json

import flask
from dash import Dash
from flask.json.provider import DefaultJSONProvider

from analytics.config import Settings
from dashapp.hosting import auth, roles
from dashapp.pages.runs import ids as runs_ids

MAX_DIGITS = 30
# The callback's JSON around the base64 text of the file (names, ids, timestamps).
UPLOAD_ENVELOPE_BYTES = 1024 * 1024


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing what no client of this app sends: loads raises ValueError, which
    request.get_json turns into a 400 Bad Request (or None with silent=True)."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_int", _bounded_int)
        kwargs.setdefault("parse_float", _finite_float)
        kwargs.setdefault("parse_constant", _no_constant)
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            # The C scanner gives up on deep nesting ("[" * 5000) with a RecursionError, which
            # get_json(silent=True) would not catch.
            raise ValueError("JSON nested too deeply") from None


def install(app: Dash, settings: Settings) -> None:
    """Limit request bodies and parse JSON strictly; call before anything that reads a body."""
    server = app.server
    server.json = StrictJSONProvider(server)
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    upload_bytes = settings.upload_limits.max_bytes * 4 // 3 + UPLOAD_ENVELOPE_BYTES

    @server.before_request
    def _room_for_uploads():
        if flask.request.path == auth.CALLBACK_PATH and roles.allows(
            auth.current_role(), runs_ids.UPLOAD_ROLE
        ):
            flask.request.max_content_length = max(upload_bytes, settings.max_request_bytes)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:40]} is too large a number")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")
