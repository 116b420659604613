"""The web defences around the dashboard, each from a maintained library where one exists
(docs/security.md says what each one stops):

- security headers (Flask-Talisman): a Content-Security-Policy that lets only this site's
  scripts run (Dash's few inline scripts by hash), no framing, nosniff, a same-origin referrer
  policy, and HSTS when the session cookie is HTTPS-only;
- CSRF tokens on the forms (Flask-WTF: login, logout), and a same-origin rule for Dash's
  callback POSTs, which are JSON and carry no form token;
- throttling (Flask-Limiter) of failed logins per account and per address, and of the API per
  token and per address, counted in Redis when REDIS_URL is set so that workers share counts;
- in local mode (no login), answers only to the host names 127.0.0.1, localhost and
  ALLOWED_HOSTS, so that a page on another site cannot reach it through DNS rebinding.
"""

import hashlib
from urllib.parse import urlsplit

import flask
import markupsafe
from dash import Dash

from analytics.config import Settings
from dashapp.hosting import auth

# Failed sign-ins: per account, then per address. Only failures count (a good password costs
# nothing), so that many people signing in at once are never slowed down.
LOGIN_LIMIT_PER_ACCOUNT = "5/minute;30/hour"
LOGIN_LIMIT_PER_ADDRESS = "20/minute;200/hour"
# The API: every request per token and per address; failed authentications per address.
API_LIMIT_PER_TOKEN = "600/minute"
API_LIMIT_PER_ADDRESS = "1200/minute"
API_FAILED_AUTH_PER_ADDRESS = "30/minute"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    # Completed with the hashes of Dash's inline scripts once they are known (see _headers).
    # 'unsafe-eval': Plotly's WebGL scatter (regl) compiles functions at run time, and without
    # it a box or lasso selection on the segment explorer silently does nothing. Inline and
    # foreign scripts stay blocked, which is what stops injected markup from running code.
    "script-src": ("'self'", "'unsafe-eval'"),
    # Plotly and React set inline styles.
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'", "data:"),
    "connect-src": "'self'",
    "worker-src": ("'self'", "blob:"),
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def install(app: Dash, settings: Settings, *, hosted: bool, api: flask.Blueprint) -> None:
    """Put the defences in front of `app` and its `api` blueprint (after auth.install in hosted
    mode, which they wrap)."""
    server = app.server
    if not hosted:
        server.config["TRUSTED_HOSTS"] = [*LOCAL_HOSTS, *settings.allowed_hosts]
    elif settings.allowed_hosts:
        server.config["TRUSTED_HOSTS"] = list(settings.allowed_hosts)
    _headers(app, settings)
    server.before_request(_same_origin_callbacks)
    limiter = _limiter(app, settings)
    _limit_api(limiter, api)
    if hosted:
        _csrf(app, api)
        _limit_login(server, limiter)


def _headers(app: Dash, settings: Settings) -> None:
    from flask_talisman import Talisman

    talisman = Talisman(
        app.server,
        # TLS ends at the reverse proxy, which redirects to https itself.
        force_https=False,
        session_cookie_secure=settings.session_cookie_secure,
        strict_transport_security=settings.session_cookie_secure,
        frame_options="DENY",
        referrer_policy="same-origin",
        # Talisman keeps its own copy; the script hashes are added to it below.
        content_security_policy=CONTENT_SECURITY_POLICY,
    )
    policy = talisman.content_security_policy

    # Registered after Talisman's, so it runs before it: the policy is complete by then.
    @app.server.after_request
    def _dash_inline_script_hashes(response: flask.Response) -> flask.Response:
        # Dash adds its page router's inline script on the first request, so the hashes are
        # taken once that has run.
        if (
            policy["script-src"] == CONTENT_SECURITY_POLICY["script-src"]
            and (app._got_first_request["pages"])
        ):
            policy["script-src"] = (*CONTENT_SECURITY_POLICY["script-src"], *app.csp_hashes())
        return response


def _same_origin_callbacks():
    """Dash's callbacks are JSON POSTs without a form token: a browser sends the session cookie
    with them from this site only (SameSite=Lax), and names the page's origin; one from another
    origin is refused. Clients that name no origin (scripts, tests) are not browsers on a page."""
    if flask.request.path != auth.CALLBACK_PATH:
        return None
    origin = flask.request.headers.get("Origin")
    cross_site = flask.request.headers.get("Sec-Fetch-Site") == "cross-site"
    # Host names only: behind a TLS proxy the page is https while this request arrives as http.
    if cross_site or (origin is not None and urlsplit(origin).netloc != flask.request.host):
        return flask.jsonify(error="A request from another site is refused."), 403
    return None


def _csrf(app: Dash, api: flask.Blueprint) -> None:
    from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

    server = app.server
    # A token lives as long as the session: a dashboard left open for hours can still sign out.
    server.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf = CSRFProtect(server)
    # Callbacks: see _same_origin_callbacks. The API: bearer tokens, no cookies.
    csrf.exempt(app.server.view_functions[_dash_dispatch_endpoint(server)])
    csrf.exempt(api)

    @server.errorhandler(CSRFError)
    def _form_expired(error: CSRFError):
        if flask.request.path == "/login":
            message = "The form expired or came from another site; please sign in again."
            return auth.login_page(app, message), 400
        return flask.jsonify(error="Missing or expired form token; reload the page."), 400

    render_index = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        # The dashboard's own pages carry the token for their sign-out form and scripts.
        token = markupsafe.escape(generate_csrf())
        page = render_index(**kwargs)
        return page.replace("</head>", f'<meta name="csrf-token" content="{token}">\n</head>', 1)

    app.interpolate_index = interpolate_index


def _dash_dispatch_endpoint(server: flask.Flask) -> str:
    return next(
        rule.endpoint
        for rule in server.url_map.iter_rules()
        if rule.rule.endswith(auth.CALLBACK_PATH)
    )


def _limiter(app: Dash, settings: Settings):
    from flask_limiter import Limiter, RateLimitExceeded
    from flask_limiter.util import get_remote_address

    limiter = Limiter(
        get_remote_address,
        app=app.server,
        storage_uri=settings.redis_url or "memory://",
        key_prefix="customer-analytics",
        strategy="moving-window",
        headers_enabled=True,
        # A Redis outage must not take the dashboard down with it: limits pause instead.
        swallow_errors=True,
    )

    @app.server.errorhandler(RateLimitExceeded)
    def _too_many(_error: RateLimitExceeded):
        message = "Too many attempts; wait a minute and try again."
        if flask.request.path == "/login":
            return auth.login_page(app, message), 429
        return flask.jsonify(error=message), 429

    return limiter


def _failed(response: flask.Response) -> bool:
    return response.status_code == 401


def _username() -> str:
    return "account:" + flask.request.form.get("username", "").strip().lower()[:64]


def _api_token() -> str:
    credentials = flask.request.headers.get("Authorization", "")
    return "token:" + hashlib.sha256(credentials.encode()).hexdigest()


def _limit_login(server: flask.Flask, limiter) -> None:
    login = server.view_functions["login"]
    login = limiter.limit(
        LOGIN_LIMIT_PER_ACCOUNT, key_func=_username, methods=["POST"], deduct_when=_failed
    )(login)
    login = limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_failed)(login)
    server.view_functions["login"] = login


def _limit_api(limiter, api: flask.Blueprint) -> None:
    limiter.limit(API_LIMIT_PER_TOKEN, key_func=_api_token)(api)
    limiter.limit(API_LIMIT_PER_ADDRESS)(api)
    limiter.limit(API_FAILED_AUTH_PER_ADDRESS, deduct_when=_failed)(api)
