"""Component ids of the runs page and who may use them (read by dashapp.hosting.roles)."""

PATH = "/runs"
# Its place in the navigation bar.
ORDER = 4
PAGE_ROLE = "analyst"

RUNS_TABLE = "runs-table"
RUNS_COMPARE = "runs-compare"
RUNS_COMPARISON = "runs-comparison"
RUNS_MOVES = "runs-moves"
RUNS_WEBHOOKS = "runs-webhooks"
# The rows a run set aside (quarantined).
RUNS_SET_ASIDE = "runs-set-aside"
RUNS_SET_ASIDE_EXPORT = "runs-set-aside-export"
RUNS_SET_ASIDE_DOWNLOAD = "runs-set-aside-download"
# Uploading a file starts a run, which analysts and the roles above them may do (issue #21).
RUNS_UPLOAD = "runs-upload"
# The upload's limits for the browser's own check, and the file once that check accepted it:
# a file of the wrong type, empty or over the limit is refused with a message before it is sent.
RUNS_UPLOAD_LIMITS = "runs-upload-limits"
RUNS_UPLOAD_ACCEPTED = "runs-upload-accepted"
RUNS_PROGRESS = "runs-progress"
RUNS_STATUS = "runs-status"
RUNS_ERROR = "runs-error"
RUNS_BODY = "runs-body"
# The mapping step, for an upload whose header lacks required columns: the panel, the pending
# upload's server-made id, which kind of input it is, a dropdown per field of each kind (in
# groups, one shown at a time), the first rows and the button that starts the run.
RUNS_MAPPING = "runs-mapping"
RUNS_MAPPING_PENDING = "runs-mapping-pending"
RUNS_MAPPING_KIND = "runs-mapping-kind"
RUNS_MAPPING_GROUPS = {"customers": "runs-mapping-customers", "orders": "runs-mapping-orders"}
RUNS_MAPPING_PREVIEW = "runs-mapping-preview"
RUNS_MAPPING_ANALYSE = "runs-mapping-analyse"
# The fields of each kind (analytics.validation.column_guess.FIELDS; a unit test holds them equal).
MAPPING_FIELDS = {
    "customers": ("customer_id", "gender", "age", "salary", "product_id", "price", "purchased"),
    "orders": (
        "customer_id",
        "order_date",
        "amount",
        "order_id",
        "product_id",
        "quantity",
        "status",
        "unit_price",
    ),
}


def mapping_field(kind: str, field: str) -> str:
    """The id of the dropdown that picks the file's column for `field` of `kind`."""
    return f"runs-mapping-{kind}-{field.replace('_', '-')}"


MAPPING_DROPDOWNS = [mapping_field(k, f) for k, fields in MAPPING_FIELDS.items() for f in fields]
UPLOAD_ROLE = "analyst"

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = {
    **dict.fromkeys(
        (
            RUNS_COMPARE,
            RUNS_COMPARISON,
            RUNS_SET_ASIDE,
            RUNS_SET_ASIDE_EXPORT,
            RUNS_SET_ASIDE_DOWNLOAD,
        ),
        PAGE_ROLE,
    ),
    **dict.fromkeys(
        (
            RUNS_UPLOAD,
            RUNS_UPLOAD_LIMITS,
            RUNS_UPLOAD_ACCEPTED,
            RUNS_PROGRESS,
            RUNS_STATUS,
            RUNS_ERROR,
            RUNS_BODY,
            RUNS_MAPPING,
            RUNS_MAPPING_PENDING,
            RUNS_MAPPING_KIND,
            *RUNS_MAPPING_GROUPS.values(),
            RUNS_MAPPING_PREVIEW,
            RUNS_MAPPING_ANALYSE,
            *MAPPING_DROPDOWNS,
        ),
        UPLOAD_ROLE,
    ),
}
