"""Component ids of the users page (admins only; read by dashapp.hosting.roles)."""

PATH = "/users"
# Its place in the navigation bar.
ORDER = 5
PAGE_ROLE = "admin"
# Sign-in accounts exist in hosted mode only: local mode has no login, so no link to this page.
HOSTED_ONLY = True

USERS_TABLE = "users-table"
TOKENS_TABLE = "tokens-table"

# No callback: accounts change on the command line.
CALLBACK_ROLES: dict[str, str] = {}
