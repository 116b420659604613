"""Sign-in for hosted mode: Flask-Login sessions, the login and logout routes, and a guard that
checks every request against dashapp.hosting.roles before Dash sees it.

Public without a session: /login, /logout, /assets/ (CSS), Dash's JavaScript bundles (open-source
library code) and /api/ (the API checks its own bearer tokens). Everything else needs a signed-in
user: pages answer 302 to /login or a 403 page, callbacks 401 or 403 JSON.
"""

import re
from urllib.parse import urlsplit

import flask
from dash import Dash
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from analytics.config import Settings
from dashapp.hosting import accounts, callback_guard, roles

CALLBACK_PATH = "/_dash-update-component"
DASH_INTERNAL_PREFIX = "/_dash-"
PUBLIC_PATHS = {"/login", "/logout", "/_favicon.ico"}
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/api/")


class MissingSecretKey(RuntimeError):
    """Hosted mode was asked for without a SECRET_KEY to sign its sessions with."""


class SignedInUser(UserMixin):
    def __init__(self, account: accounts.Account):
        self.id = account.id
        self.username = account.username
        self.role = account.role
        self.session_token = account.session_token

    def get_id(self) -> str:
        # What Flask-Login keeps in the session cookie: the id alone would sign in whoever
        # holds that id next, and would survive logging out.
        return f"{self.id}:{self.session_token}"


# A session cookie signed with a guessable key can be forged offline for any account.
MIN_SECRET_KEY_BYTES = 32
WEAK_SECRET_KEYS = frozenset(
    {
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "supersecret",
        "s3cr3t",
        "changeme",
        "change-me",
        "change_me",
        "please-change-me",
        "your-secret-key",
        "your_secret_key",
        "dev",
        "development",
        "test",
        "testing",
        "password",
        "default",
        "flask",
        "insecure",
        "key",
        "12345678",
        "0123456789",
    }
)
# Fewer distinct characters than this is a pattern ("aaaa…", "abab…"), not a random key.
MIN_DISTINCT_CHARACTERS = 8
HOW_TO_MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class WeakSecretKey(MissingSecretKey):
    """SECRET_KEY is set but short or guessable, so session cookies could be forged."""


def require_secret_key(secret_key: str | None) -> str:
    if not (secret_key or "").strip():
        raise MissingSecretKey(
            "SECRET_KEY is not set: hosted mode signs login sessions with it and will not start "
            "without one. Set it in the environment to a long random value, e.g. "
            f"SECRET_KEY=$({HOW_TO_MAKE_A_KEY})."
        )
    if _weak(secret_key):
        raise WeakSecretKey(
            f"SECRET_KEY is too weak: hosted mode needs at least {MIN_SECRET_KEY_BYTES} random "
            "bytes (anyone who guesses the key can forge a session for any account). Make one "
            f"with: {HOW_TO_MAKE_A_KEY}"
        )
    return secret_key


def _weak(secret_key: str) -> bool:
    key = secret_key.strip()
    # Known weak words, also when repeated or padded to reach the length ("changeme-changeme…").
    words = {part for part in re.split(r"[^a-z0-9]+", key.lower()) if part}
    return (
        len(key.encode()) < MIN_SECRET_KEY_BYTES
        or len(set(key)) < MIN_DISTINCT_CHARACTERS
        or key.lower() in WEAK_SECRET_KEYS
        or (bool(words) and words <= WEAK_SECRET_KEYS | {"your", "my", "the", "app"})
    )


def install(app: Dash, settings: Settings) -> None:
    """Put the app behind login; `settings.secret_key` signs the session cookies (without one,
    MissingSecretKey)."""
    server = app.server
    server.config.update(
        SECRET_KEY=require_secret_key(settings.secret_key),
        LOGIN_REQUIRED=True,
        SESSION_COOKIE_HTTPONLY=True,
        # Lax keeps the session cookie off cross-site POSTs, so other sites cannot drive callbacks.
        SESSION_COOKIE_SAMESITE="Lax",
        # Behind TLS (as a hosted app should be) the cookie must never travel in clear text.
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
    )
    manager = LoginManager(server)
    manager.user_loader(_load_user)
    server.add_url_rule("/login", "login", _login_view(app), methods=["GET", "POST"])
    # GET too, only to answer 405 rather than let Dash's catch-all route serve a page there.
    server.add_url_rule("/logout", "logout", _logout, methods=["GET", "POST"])
    server.before_request(_guard(app))


def login_required() -> bool:
    return bool(flask.current_app.config.get("LOGIN_REQUIRED"))


def current_role() -> str | None:
    """The role of whoever makes the current request; local mode (no login) is an admin's."""
    if not login_required():
        return roles.ADMIN
    return current_user.role if current_user.is_authenticated else None


def visible_pages() -> list[str]:
    """The paths of the pages the current visitor may open, which links may point to: their
    role's pages, less those about hosted mode alone in local mode (no login, so no accounts)."""
    allowed = roles.pages_for(current_role())
    if login_required():
        return allowed
    return [path for path in allowed if path not in roles.HOSTED_ONLY_PATHS]


def current_username() -> str | None:
    if not login_required() or not current_user.is_authenticated:
        return None
    return current_user.username


def _load_user(cookie_id: str) -> SignedInUser | None:
    # Read on every request, so that a removed user, a changed role or a logout takes effect
    # at once. Cookies from before session tokens hold the id only, and sign nobody in.
    user_id, _, session_token = cookie_id.partition(":")
    try:
        account = accounts.account_for_session(
            flask.current_app.config["DATABASE_URL"], int(user_id), session_token
        )
    except (SQLAlchemyError, ValueError):
        return None
    return None if account is None else SignedInUser(account)


def _guard(app: Dash):
    def guard():
        path = flask.request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if not current_user.is_authenticated:
            # Dash's own requests (layout, callbacks) come from scripts, which want no redirect.
            if path.startswith(DASH_INTERNAL_PREFIX) or flask.request.method != "GET":
                return flask.jsonify(error="Sign in first."), 401
            return flask.redirect(flask.url_for("login", next=_here()))
        if path == CALLBACK_PATH:
            try:
                required = callback_guard.required_role(app, flask.request.get_json(silent=True))
            except callback_guard.Refused:
                return flask.jsonify(error="This request does not match the dashboard."), 403
            if not roles.allows(current_user.role, required):
                return flask.jsonify(error="Your role may not use this part of the dashboard."), 403
            return None
        required = roles.page_role(path)
        if required is not None and not roles.allows(current_user.role, required):
            return _page(app, "forbidden", required=required), 403
        return None

    return guard


def _login_view(app: Dash):
    def login():
        form = flask.request.form
        target = _safe_next(form.get("next") or flask.request.args.get("next"))
        if flask.request.method == "GET":
            if current_user.is_authenticated:
                return flask.redirect(target)
            return _page(app, "login", next=target)
        try:
            account = accounts.authenticate(
                flask.current_app.config["DATABASE_URL"],
                form.get("username", ""),
                form.get("password", ""),
            )
        except SQLAlchemyError:
            error = "The database is not available; try again in a moment."
            return _page(app, "login", next=target, error=error), 503
        if account is None:
            error = "Wrong username or password."
            return _page(app, "login", next=target, error=error, username=form.get("username")), 401
        login_user(SignedInUser(account))
        return flask.redirect(target, code=303)

    return login


def _logout():
    """POST only, with the form's CSRF token (dashapp.hosting.protections): a link or another
    site cannot sign anyone out. Every session of the account ends, not only this browser's."""
    if flask.request.method != "POST":
        flask.abort(405, valid_methods=["POST"])
    if current_user.is_authenticated:
        accounts.end_sessions(flask.current_app.config["DATABASE_URL"], current_user.id)
    logout_user()
    flask.session.clear()
    return flask.redirect(flask.url_for("login"), code=303)


def login_page(app: Dash, error: str) -> str:
    """The login form with `error` above it, for answers that refuse a sign-in attempt."""
    form = flask.request.form
    target = _safe_next(form.get("next") or flask.request.args.get("next"))
    return _page(app, "login", next=target, error=error, username=form.get("username"))


def _here() -> str:
    query = flask.request.query_string.decode()
    return flask.request.path + (f"?{query}" if query else "")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another host."""
    if not target:
        return "/"
    parts = urlsplit(target)
    offsite = parts.scheme or parts.netloc or target.startswith(("//", "/\\"))
    return "/" if offsite or not target.startswith("/") else target


def _page(app: Dash, which: str, **context) -> str:
    return flask.render_template_string(
        _TEMPLATE,
        which=which,
        stylesheets=[app.get_asset_url("bootstrap.min.css"), app.get_asset_url("app.css")],
        user=current_user if current_user.is_authenticated else None,
        **context,
    )


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ "Sign in" if which == "login" else "Not allowed" }} · Customer Analytics</title>
  {% for href in stylesheets %}<link rel="stylesheet" href="{{ href }}">{% endfor %}
</head>
<body class="bg-light">
  <nav class="navbar navbar-dark bg-dark mb-4">
    <div class="container-fluid"><span class="navbar-brand">Customer Analytics</span></div>
  </nav>
  <main class="container" style="max-width: 26rem">
  {% if which == "login" %}
    <div class="card shadow-sm">
      <div class="card-body p-4">
        <h1 class="h4 mb-3">Sign in</h1>
        {% if error %}
        <div class="alert alert-danger py-2" role="alert" id="login-error">{{ error }}</div>
        {% endif %}
        <form method="post" action="/login" id="login-form">
          <input type="hidden" name="next" value="{{ next }}">
          <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
          <div class="mb-3">
            <label for="username" class="form-label">Username</label>
            <input type="text" class="form-control" id="username" name="username"
                   value="{{ username or '' }}" autocomplete="username" required autofocus>
          </div>
          <div class="mb-3">
            <label for="password" class="form-label">Password</label>
            <input type="password" class="form-control" id="password" name="password"
                   autocomplete="current-password" required>
          </div>
          <button type="submit" class="btn btn-primary w-100" id="login-submit">Sign in</button>
        </form>
      </div>
    </div>
    <p class="text-muted small mt-3">Accounts are created by an administrator with
      <code class="text-nowrap">python -m dashapp users add</code>.</p>
  {% else %}
    <div class="card shadow-sm">
      <div class="card-body p-4">
        <h1 class="h4 mb-3">This page is not for your role</h1>
        <p>You are signed in as <strong>{{ user.username }}</strong> ({{ user.role }}); this
          page needs the <strong>{{ required }}</strong> role or above. Ask an administrator
          if you need it.</p>
        <a class="btn btn-primary" href="/">Go to the overview</a>
        <form method="post" action="/logout" class="d-inline">
          <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
          <button type="submit" class="btn btn-outline-secondary">Sign out</button>
        </form>
      </div>
    </div>
  {% endif %}
  </main>
</body>
</html>
"""
