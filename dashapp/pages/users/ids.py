"""Component ids of the users page (admins only; read by dashapp.hosting.roles)."""

PATH = "/users"
# Its place in the navigation bar.
ORDER = 5
PAGE_ROLE = "admin"

USERS_TABLE = "users-table"
TOKENS_TABLE = "tokens-table"

# No callback: accounts change on the command line.
CALLBACK_ROLES: dict[str, str] = {}
