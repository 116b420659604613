"""Which role a /_dash-update-component request needs, judged from the registered callback it
resolves to and the values Dash will pass to it, never from the labels in the request body.

Dash looks the callback up by the request's `output` key and calls it with the `value`s of
`inputs` and `state` *by position*; the `id` and `property` labels sent beside them are never
checked by Dash. So the role comes from the registration (its outputs, inputs and state, each
declared by a page in dashapp/pages/<page>/ids.py), labels that differ from it are refused, and
the page router is judged by the value in the position Dash passes as its pathname.
"""

from dash import Dash, _pages
from dash._utils import split_callback_id

from dashapp.hosting import roles

ROUTER_PATHNAME = {"id": "_pages_location", "property": "pathname"}


class Refused(Exception):
    """The request does not match a server callback of this app as registered."""


def required_role(app: Dash, body: object) -> str:
    """The lowest role that may run the callback `body` asks for; Refused when it asks for no
    registered server callback, or for one with inputs other than those registered."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise Refused("not a callback request")
    registered = app.callback_map.get(body["output"])
    # Clientside callbacks are registered without a server function: nothing to run here.
    if registered is None or "callback" not in registered:
        raise Refused(f"no server callback writes {body['output']!r}")
    declared = [*registered.get("inputs", []), *registered.get("state", [])]
    sent = [*_listed(body.get("inputs")), *_listed(body.get("state"))]
    if len(sent) != len(declared) or any(map(_relabelled, declared, sent)):
        raise Refused("the inputs do not match the callback's registration")
    outputs = _outputs(body["output"])
    if any(output["id"] == roles.PAGE_ROUTER for output in outputs):
        return page_role(app, sent[declared.index(ROUTER_PATHNAME)].get("value"))
    needed = [roles.COMPONENT_ROLES.get(item["id"]) for item in [*outputs, *declared]]
    if None in needed:
        raise Refused("the callback touches a component no page declared a role for")
    return max(needed, key=roles.LADDER.index)


# The module name Dash Pages looks for to render a path that is no page.
NOT_FOUND_MODULE = "not_found_404"


def page_role(app: Dash, pathname: object) -> str:
    """The role of the page Dash's router renders for `pathname`, found the way the router
    finds it; a path that is no page gets Dash's 404 layout, which anyone signed in may see."""
    if not isinstance(pathname, str):
        raise Refused("the pathname is not text")
    try:
        page, _variables = _pages._path_to_page(app.strip_relative_path(pathname))
    except Exception:
        raise Refused("a pathname Dash cannot route") from None
    # Dash shows its not_found_404 page (dashapp/pages/not_found_404.py) at a path that is no
    # page; at its own path it is that same page.
    if not page or page["module"].split(".")[-1] == NOT_FOUND_MODULE:
        return roles.VIEWER
    role = roles.PAGE_ROLES.get(page["path"])
    if role is None:
        raise Refused(f"the page {page['path']} declares no role")
    return role


def _listed(items: object) -> list:
    return items if isinstance(items, list) else []


def _relabelled(declared: dict, sent: object) -> bool:
    """Whether a sent input differs from the registered one; pattern-matching (list) inputs
    count as different, since no server callback of this app takes them."""
    if not isinstance(sent, dict):
        return True
    return (sent.get("id"), sent.get("property")) != (declared["id"], declared["property"])


def _outputs(key: str) -> list[dict]:
    outputs = split_callback_id(key)
    return outputs if isinstance(outputs, list) else [outputs]
