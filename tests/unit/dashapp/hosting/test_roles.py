"""The role ladder and which role each page and callback needs."""

import subprocess
import sys
import types

import pytest

from dashapp.hosting import roles


@pytest.mark.parametrize(
    ("role", "required", "allowed"),
    [
        ("viewer", "viewer", True),
        ("viewer", "analyst", False),
        ("analyst", "viewer", True),
        ("sales", "analyst", True),
        ("sales", "admin", False),
        ("admin", "sales", True),
        (None, "viewer", False),
        ("superuser", "viewer", False),
    ],
)
def test_the_ladder_is_cumulative(role, required, allowed):
    assert roles.allows(role, required) is allowed


def test_pages_for_each_role():
    assert roles.pages_for("viewer") == ["/", "/customers", "/model"]
    assert roles.pages_for("analyst") == ["/", "/customers", "/model", "/segments", "/runs"]
    assert roles.pages_for("sales") == [*roles.pages_for("analyst"), "/what-if"]
    assert roles.pages_for("admin") == [*roles.pages_for("sales"), "/users"]
    assert roles.pages_for(None) == []


@pytest.mark.parametrize(
    ("path", "role"),
    [("/", "viewer"), ("/what-if/", "sales"), ("//segments", "analyst"), ("/nothing", None)],
)
def test_page_role(path, role):
    assert roles.page_role(path) == role


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("analytics.example.com", False),
    ],
)
def test_only_loopback_hosts_may_serve_without_login(host, loopback):
    from dashapp.__main__ import _is_loopback

    assert _is_loopback(host) is loopback


# The matrix as it was written by hand in dashapp.hosting.roles before the pages declared it.
HAND_WRITTEN_PAGE_ROLES = {
    "/": "viewer",
    "/customers": "viewer",
    "/model": "viewer",
    "/segments": "analyst",
    "/runs": "analyst",
    "/what-if": "sales",
    "/users": "admin",
}
HAND_WRITTEN_COMPONENTS = {
    "viewer": (
        "run-id",
        "whatif-age",
        "whatif-salary",
        "whatif-price",
        "whatif-gender",
        "whatif-probability",
        "whatif-band",
        "whatif-range-warning",
        "model-threshold",
        "model-confusion",
        "model-reach",
        "rfm-grid",
        "rfm-cell",
        "customers-location",
        "customers-run-id",
    ),
    "analyst": (
        "seg-filter-gender",
        "seg-filter-age",
        "seg-filter-salary",
        "seg-filter-price",
        "seg-filter-segments",
        "seg-filter-purchased",
        "seg-filter-probability",
        "seg-filter-top-n",
        "seg-filter-rfm-group",
        "seg-filter-r-score",
        "seg-filter-fm-score",
        "seg-filter-value",
        "seg-filter-p-alive",
        "seg-filter-reset",
        "seg-count",
        "seg-x-axis",
        "seg-y-axis",
        "seg-sample-note",
        "seg-profile-table",
        "seg-compare-a",
        "seg-compare-b",
        "seg-comparison",
        "seg-export",
        "seg-url",
        "segments-scatter",
        "segments-distribution",
        "seg-run-id",
        "seg-selection",
        "seg-selection-note",
        "seg-clear-selection",
        "seg-selection-event",
        "seg-link-note",
        "seg-audience-name",
        "seg-audience-save",
        "seg-audience-message",
        "seg-audience-list",
        "seg-audience",
        "runs-compare",
        "runs-comparison",
        "runs-set-aside",
        "runs-set-aside-export",
        "runs-set-aside-download",
        # Uploads (issue #21: analysts and admins).
        "runs-upload",
        "runs-upload-limits",
        "runs-upload-accepted",
        "runs-progress",
        "runs-status",
        "runs-error",
        "runs-body",
        "runs-mapping",
        "runs-mapping-pending",
        "runs-mapping-kind",
        "runs-mapping-customers",
        "runs-mapping-orders",
        "runs-mapping-preview",
        "runs-mapping-analyse",
        "runs-mapping-customers-customer-id",
        "runs-mapping-customers-gender",
        "runs-mapping-customers-age",
        "runs-mapping-customers-salary",
        "runs-mapping-customers-product-id",
        "runs-mapping-customers-price",
        "runs-mapping-customers-purchased",
        "runs-mapping-orders-customer-id",
        "runs-mapping-orders-order-date",
        "runs-mapping-orders-amount",
        "runs-mapping-orders-order-id",
        "runs-mapping-orders-product-id",
        "runs-mapping-orders-quantity",
        "runs-mapping-orders-status",
        "runs-mapping-orders-unit-price",
    ),
    "sales": (
        "wi-product",
        "whatif-customer",
        "wi-customer-ids",
        "wi-customer-note",
        "wi-why",
        "wi-contributions",
        "wi-price-sensitivity",
        "wi-counterfactual",
        "wi-segment",
        "wi-price-change",
        "wi-segment-result",
        "wi-repeat-run",
        "wi-repeat-customer",
        "wi-repeat-typical",
        "wi-repeat-picked",
        "wi-repeat-recency",
        "wi-repeat-orders",
        "wi-repeat-aov",
        "wi-repeat-tenure",
        "wi-repeat-propensity",
        "wi-repeat-value",
        "wi-repeat-sure",
        "wi-repeat-why",
        "wi-repeat-contributions",
        "wi-repeat-recency-curve",
        "wi-interval",
    ),
}


def test_the_roles_built_from_the_pages_are_the_hand_written_matrix():
    assert roles.PAGE_ROLES == HAND_WRITTEN_PAGE_ROLES
    assert list(roles.PAGE_ROLES) == list(HAND_WRITTEN_PAGE_ROLES)
    assert {
        component: role
        for role, components in HAND_WRITTEN_COMPONENTS.items()
        for component in components
    } == roles.COMPONENT_ROLES


def test_the_role_declarations_import_no_dash():
    """dashapp.hosting reads the pages' ids modules cheaply: they import nothing."""
    code = (
        "import sys; import dashapp.hosting.roles; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'pandas', 'flask')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_component_declared_twice_or_an_unknown_role_is_refused():
    first = types.SimpleNamespace(__name__="first", CALLBACK_ROLES={"x": "viewer"})
    again = types.SimpleNamespace(__name__="again", CALLBACK_ROLES={"x": "viewer"})
    with pytest.raises(ValueError, match="second time"):
        roles._component_roles([first, again])
    unknown = types.SimpleNamespace(__name__="unknown", CALLBACK_ROLES={"y": "owner"})
    with pytest.raises(ValueError, match="owner"):
        roles._component_roles([unknown])
