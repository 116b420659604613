"""Who may open what: a cumulative ladder of roles, the role each page needs, and the role each
dashboard component needs (a callback needs the highest among the components it reads and
writes: see dashapp.hosting.callback_guard).

Each page declares both in its ids module (dashapp/pages/<page>/ids.py: PATH, ORDER, PAGE_ROLE
and CALLBACK_ROLES), found here by walking dashapp.pages, so that a page's ids live in one place
and a new page cannot be forgotten. The ids modules import nothing, so neither does this one
import Dash.
"""

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType

import dashapp.pages
from dashapp.ui import ids

VIEWER, ANALYST, SALES, ADMIN = "viewer", "analyst", "sales", "admin"
# Each role may do everything the roles before it may.
LADDER = (VIEWER, ANALYST, SALES, ADMIN)


def _page_declarations() -> list[ModuleType]:
    """The ids module of every page folder under dashapp/pages."""
    return [
        importlib.import_module(f"{dashapp.pages.__name__}.{page.name}.ids")
        for page in pkgutil.iter_modules(dashapp.pages.__path__)
        if page.ispkg
    ]


def _checked(role: str, where: str) -> str:
    if role not in LADDER:
        raise ValueError(f"{where} names the role {role!r}, which is not one of {LADDER}")
    return role


def _page_roles(pages: list[ModuleType]) -> dict[str, str]:
    """{path: role}, least privileged first and then in navigation order."""
    for page in pages:
        _checked(page.PAGE_ROLE, page.__name__)
    ranked = sorted(pages, key=lambda page: (LADDER.index(page.PAGE_ROLE), page.ORDER))
    return {page.PATH: page.PAGE_ROLE for page in ranked}


def _component_roles(declarations: Iterable[ModuleType]) -> dict[str, str]:
    """{component id: role}; an id declared by two modules is a mistake, so it is refused."""
    roles: dict[str, str] = {}
    for module in declarations:
        for component, role in module.CALLBACK_ROLES.items():
            if component in roles:
                raise ValueError(f"{module.__name__} declares {component!r} a second time")
            roles[component] = _checked(role, module.__name__)
    return roles


_PAGES = _page_declarations()
PAGE_ROLES = _page_roles(_PAGES)
# Pages about hosted mode alone (a page's ids module says HOSTED_ONLY = True).
HOSTED_ONLY_PATHS = frozenset(page.PATH for page in _PAGES if getattr(page, "HOSTED_ONLY", False))
COMPONENT_ROLES = _component_roles([ids, *_PAGES])
# Dash's own page router: it answers with the layout of the page named by its pathname input.
PAGE_ROUTER = "_pages_content"


def allows(role: str | None, required: str) -> bool:
    """Whether `role` is at or above `required` on the ladder (no role allows nothing)."""
    return role in LADDER and LADDER.index(role) >= LADDER.index(required)


def page_role(path: str) -> str | None:
    """The role a page needs; None for a path that is not a page (Dash answers 404 there)."""
    normalised = "/" + path.strip("/")
    return PAGE_ROLES.get(normalised)


def pages_for(role: str | None) -> list[str]:
    return [path for path, required in PAGE_ROLES.items() if allows(role, required)]
