"""Who may open what: a cumulative ladder of roles, the role each page needs, and the role each
dashboard callback needs, judged from the components it reads and writes."""

from collections.abc import Iterable

from dashapp.ui import ids

VIEWER, ANALYST, SALES, ADMIN = "viewer", "analyst", "sales", "admin"
# Each role may do everything the roles before it may.
LADDER = (VIEWER, ANALYST, SALES, ADMIN)

PAGE_ROLES = {
    "/": VIEWER,
    "/model": VIEWER,
    "/segments": ANALYST,
    "/runs": ANALYST,
    "/what-if": SALES,
    "/users": ADMIN,
}

# Components by the role of the page that owns them. The what-if inputs and the probability are
# on the overview too, so they belong to viewers; the explanation, price curves and segment
# pricing are only on /what-if. Uploading a file starts a run, which only admins may do.
_COMPONENTS = {
    VIEWER: (
        ids.RUN_STORE,
        ids.WHATIF_AGE,
        ids.WHATIF_SALARY,
        ids.WHATIF_PRICE,
        ids.WHATIF_GENDER,
        ids.WHATIF_PROBABILITY,
        ids.WHATIF_BAND,
        ids.MODEL_THRESHOLD,
        ids.MODEL_CONFUSION,
        ids.MODEL_REACH,
    ),
    ANALYST: (
        ids.SEG_GENDER,
        ids.SEG_AGE,
        ids.SEG_SALARY,
        ids.SEG_PRICE,
        ids.SEG_SEGMENTS,
        ids.SEG_PURCHASED,
        ids.SEG_PROBABILITY,
        ids.SEG_RESET,
        ids.SEG_COUNT,
        ids.SEG_X_AXIS,
        ids.SEG_Y_AXIS,
        ids.SEG_SAMPLE_NOTE,
        ids.SEG_PROFILE_TABLE,
        ids.SEG_COMPARE_A,
        ids.SEG_COMPARE_B,
        ids.SEG_COMPARISON,
        ids.SEG_EXPORT,
        ids.SEG_DOWNLOAD,
        ids.SEG_URL,
        ids.SEG_SCATTER,
        ids.SEG_DISTRIBUTION,
        ids.SEG_RUN,
        ids.SEG_SELECTION,
        ids.SEG_SELECTION_NOTE,
        ids.SEG_CLEAR_SELECTION,
        ids.SEG_SELECTION_EVENT,
        ids.RUNS_COMPARE,
        ids.RUNS_COMPARISON,
        ids.RUNS_SET_ASIDE,
        ids.RUNS_SET_ASIDE_EXPORT,
        ids.RUNS_SET_ASIDE_DOWNLOAD,
    ),
    SALES: (
        ids.WI_PRODUCT,
        ids.WI_WHY,
        ids.WI_CONTRIBUTIONS,
        ids.WI_SENSITIVITY,
        ids.WI_COUNTERFACTUAL,
        ids.WI_SEGMENT,
        ids.WI_PRICE_CHANGE,
        ids.WI_SEGMENT_RESULT,
    ),
    ADMIN: (
        ids.RUNS_UPLOAD,
        ids.RUNS_PROGRESS,
        ids.RUNS_STATUS,
        ids.RUNS_ERROR,
        ids.RUNS_BODY,
    ),
}
COMPONENT_ROLES = {
    component: role for role, components in _COMPONENTS.items() for component in components
}
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


def callback_role(body: dict) -> str | None:
    """The role a callback request needs: the highest role among the components it writes and
    reads, or, for the page router, the role of the page it renders. None when any component is
    unknown, so that a callback nobody mapped is refused rather than opened to everyone."""
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    inputs = [*_flat(body.get("inputs")), *_flat(body.get("state"))]
    if any(_component(item) == PAGE_ROUTER for item in outputs):
        pathname = next(
            (item.get("value") for item in inputs if item.get("property") == "pathname"), None
        )
        return (page_role(pathname) or VIEWER) if isinstance(pathname, str) else None
    needed = [COMPONENT_ROLES.get(_component(item)) for item in [*outputs, *inputs]]
    if not needed or None in needed:
        return None
    return max(needed, key=LADDER.index)


def _flat(items: object) -> Iterable[dict]:
    """Callback inputs as sent by the browser: a list whose items may be lists (wildcards)."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, list):
            yield from (inner for inner in item if isinstance(inner, dict))
        elif isinstance(item, dict):
            yield item


def _component(item: object) -> str | None:
    """The component id of a callback input or output; None for wildcard (dict) ids, which no
    page uses, so that they are refused."""
    component = item.get("id") if isinstance(item, dict) else None
    return component if isinstance(component, str) else None
