"""The role a callback request needs, judged from the registered callback it resolves to."""

import pytest

from analytics.config import Settings
from dashapp.app import create_app
from dashapp.hosting import callback_guard
from dashapp.hosting.callback_guard import Refused
from dashapp.pages.segments import ids as segments_ids
from dashapp.pages.what_if import ids as what_if_ids
from dashapp.ui import ids

ROUTER = ".._pages_content.children..._pages_store.data.."


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('guard') / 'empty.db'}"
    app = create_app(Settings(database_url=url))
    # Dash registers its page router on the first request.
    app.server.test_client().get("/_dash-dependencies")
    return app


def registered_body(app, output: str) -> dict:
    """The body the browser posts for a registered callback, every value None."""
    registered = app.callback_map[output]
    return {
        "output": output,
        "inputs": [{**item, "value": None} for item in registered["inputs"]],
        "state": [{**item, "value": None} for item in registered["state"]],
    }


def test_every_server_callback_of_the_dashboard_has_a_role(app):
    """A new callback must be given a role by its page's ids module, or hosted mode refuses it."""
    needed = {
        output: callback_guard.required_role(app, registered_body(app, output))
        for output, registered in app.callback_map.items()
        if "callback" in registered and output != ROUTER
    }
    assert len(needed) >= 14
    assert (
        needed[f"..{what_if_ids.WI_WHY}.children...{what_if_ids.WI_CONTRIBUTIONS}.figure.."]
        == "sales"
    )
    assert needed[f"{segments_ids.SEG_EXPORT}.href"] == "analyst"
    assert needed[f"..{ids.WHATIF_PROBABILITY}.children...{ids.WHATIF_BAND}.children.."] == "viewer"


# The what-if's customer lookup: app-wide inputs (viewer) and the what-if page's (sales).
CUSTOMER_LOOKUP = (
    f"..{ids.WHATIF_AGE}.value...{ids.WHATIF_SALARY}.value...{ids.WHATIF_PRICE}.value"
    f"...{ids.WHATIF_GENDER}.value...{what_if_ids.WI_PRODUCT}.value"
    f"...{what_if_ids.WI_CUSTOMER_NOTE}.children.."
)


def test_a_callback_needs_the_highest_role_among_its_registered_components(app):
    assert callback_guard.required_role(app, registered_body(app, CUSTOMER_LOOKUP)) == ("sales")


def test_labels_other_than_the_registration_are_refused(app):
    body = registered_body(app, CUSTOMER_LOOKUP)
    body["inputs"][0]["id"] = ids.WHATIF_AGE
    with pytest.raises(Refused, match="registration"):
        callback_guard.required_role(app, body)
    body = registered_body(app, CUSTOMER_LOOKUP)
    body["state"] = []
    with pytest.raises(Refused, match="registration"):
        callback_guard.required_role(app, body)


@pytest.mark.parametrize(
    "body",
    [
        {"output": "nobody-mapped-this.children", "inputs": []},
        {"output": f"{ids.NAV_COLLAPSE}.is_open", "inputs": []},
        {},
        {"output": ["not", "text"]},
        "not a dict",
        None,
    ],
)
def test_unknown_clientside_or_malformed_callbacks_are_refused(app, body):
    with pytest.raises(Refused):
        callback_guard.required_role(app, body)


def router_body(first: object, second: object = "") -> dict:
    return {
        "output": ROUTER,
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": first},
            {"id": "_pages_location", "property": "search", "value": second},
        ],
    }


@pytest.mark.parametrize(
    ("pathname", "role"),
    [
        ("/segments", "analyst"),
        ("/what-if/", "sales"),
        ("//users", "admin"),
        ("/no-such-page", "viewer"),
        # The page Dash shows at an address that is no page, at its own address.
        ("/404", "viewer"),
        ("/", "viewer"),
    ],
)
def test_the_page_router_needs_the_role_of_the_page_dash_renders(app, pathname, role):
    assert callback_guard.required_role(app, router_body(pathname)) == role


def test_the_router_is_judged_by_position_not_by_label(app):
    relabelled = router_body("/users", "/")
    relabelled["inputs"][0]["property"], relabelled["inputs"][1]["property"] = "search", "pathname"
    with pytest.raises(Refused):
        callback_guard.required_role(app, relabelled)
    with pytest.raises(Refused, match="text"):
        callback_guard.required_role(app, router_body(None))
