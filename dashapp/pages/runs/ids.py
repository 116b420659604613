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
# Uploading a file starts a run, which only admins may do.
RUNS_UPLOAD = "runs-upload"
# The upload's limits for the browser's own check, and the file once that check accepted it:
# a file of the wrong type, empty or over the limit is refused with a message before it is sent.
RUNS_UPLOAD_LIMITS = "runs-upload-limits"
RUNS_UPLOAD_ACCEPTED = "runs-upload-accepted"
RUNS_PROGRESS = "runs-progress"
RUNS_STATUS = "runs-status"
RUNS_ERROR = "runs-error"
RUNS_BODY = "runs-body"
UPLOAD_ROLE = "admin"

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
        ),
        UPLOAD_ROLE,
    ),
}
