"""Signing in to the hosted dashboard from a test, as a browser does: fetch the login form, send
its CSRF token back with the credentials."""

import re

_FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def form_token(page: str) -> str | None:
    """The CSRF token of a page's form (or of the dashboard's meta tag), if it has one."""
    found = _FORM_TOKEN.search(page) or _META_TOKEN.search(page)
    return found.group(1) if found else None


def log_in(client, username: str, password: str, **fields):
    """POST /login with the token the login page hands out; the response, not followed."""
    token = form_token(client.get("/login").get_data(as_text=True))
    data = {"username": username, "password": password, **fields}
    if token:
        data["csrf_token"] = token
    return client.post("/login", data=data)


def log_out(client):
    """POST /logout with the token the dashboard page carries."""
    token = form_token(client.get("/").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token or ""})
