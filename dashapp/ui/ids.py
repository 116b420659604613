"""App-wide component ids (each page keeps its own in dashapp/pages/<page>/ids.py): tests and
users rely on them staying stable."""

RUN_STORE = "run-id"
RUN_BADGE = "run-badge"
# The signed-in user's name and role in the navigation bar (hosted mode).
NAV_USER = "nav-user"
# Its sign-out form (a POST with the CSRF token).
NAV_SIGN_OUT = "nav-sign-out"
# Phones see the page links behind a menu button.
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"
NAV_LINK = "nav-link"  # pattern-matching type: {"type": NAV_LINK, "page": path}

# The customer what-if: one customer's inputs and purchase probability, on the overview and on
# /what-if (whose callbacks answer both).
WHATIF_AGE = "whatif-age"
WHATIF_SALARY = "whatif-salary"
WHATIF_PRICE = "whatif-price"
WHATIF_GENDER = "whatif-gender"
WHATIF_PROBABILITY = "whatif-probability"
WHATIF_BAND = "whatif-band"
# Shown whenever an entered number is outside the range the model was trained on.
WHATIF_RANGE_WARNING = "whatif-range-warning"

EMPTY_STATE = "empty-state"
# The page shown at an address that is no page.
NOT_FOUND = "not-found"
ERROR_STATE = "error-state"

# The role a callback needs for each app-wide component it reads or writes (see
# dashapp.hosting.roles): the run store and the customer what-if are on pages viewers open.
CALLBACK_ROLES = dict.fromkeys(
    (
        RUN_STORE,
        WHATIF_AGE,
        WHATIF_SALARY,
        WHATIF_PRICE,
        WHATIF_GENDER,
        WHATIF_PROBABILITY,
        WHATIF_BAND,
        WHATIF_RANGE_WARNING,
    ),
    "viewer",
)
