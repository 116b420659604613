"""Component ids of the segment explorer and who may use them (read by dashapp.hosting.roles)."""

PATH = "/segments"
# Its place in the navigation bar.
ORDER = 1
PAGE_ROLE = "analyst"
# The streamed CSV of the matching customers that the export button links to (not a page).
EXPORT_PATH = "/segments/export.csv"

SEG_GENDER = "seg-filter-gender"
SEG_AGE = "seg-filter-age"
SEG_SALARY = "seg-filter-salary"
SEG_PRICE = "seg-filter-price"
SEG_SEGMENTS = "seg-filter-segments"
SEG_PURCHASED = "seg-filter-purchased"
SEG_PROBABILITY = "seg-filter-probability"
SEG_TOP_N = "seg-filter-top-n"
# An order-log run's filters.
SEG_RFM_GROUP = "seg-filter-rfm-group"
SEG_R_SCORE = "seg-filter-r-score"
SEG_FM_SCORE = "seg-filter-fm-score"
SEG_VALUE = "seg-filter-value"
SEG_P_ALIVE = "seg-filter-p-alive"
SEG_RESET = "seg-filter-reset"
SEG_COUNT = "seg-count"
SEG_X_AXIS = "seg-x-axis"
SEG_Y_AXIS = "seg-y-axis"
SEG_SAMPLE_NOTE = "seg-sample-note"
SEG_PROFILE_TABLE = "seg-profile-table"
SEG_COMPARE_A = "seg-compare-a"
SEG_COMPARE_B = "seg-compare-b"
SEG_COMPARISON = "seg-comparison"
SEG_EXPORT = "seg-export"
SEG_URL = "seg-url"
SEG_SCATTER = "segments-scatter"
SEG_DISTRIBUTION = "segments-distribution"
SEG_RUN = "seg-run-id"
SEG_SELECTION = "seg-selection"
SEG_SELECTION_NOTE = "seg-selection-note"
SEG_CLEAR_SELECTION = "seg-clear-selection"
SEG_SELECTION_EVENT = "seg-selection-event"
# Values of the page's link that were ignored as not valid for the run.
SEG_LINK_NOTE = "seg-link-note"
# Saved audiences: a name, the save button and its message, the list, and (a store) the audience
# the filters were opened from or saved as, which names the export.
SEG_AUDIENCE_NAME = "seg-audience-name"
SEG_AUDIENCE_SAVE = "seg-audience-save"
SEG_AUDIENCE_MESSAGE = "seg-audience-message"
SEG_AUDIENCE_LIST = "seg-audience-list"
SEG_AUDIENCE = "seg-audience"
# The list's empty state (inside SEG_AUDIENCE_LIST, written by its callback).
SEG_AUDIENCES_EMPTY = "seg-audiences-empty"

# The filter controls, by the name explorer.Filters gives them: (component id, property).
FILTER_CONTROLS = {
    "gender": (SEG_GENDER, "value"),
    "age": (SEG_AGE, "value"),
    "salary": (SEG_SALARY, "value"),
    "price": (SEG_PRICE, "value"),
    "segments": (SEG_SEGMENTS, "value"),
    "purchased": (SEG_PURCHASED, "value"),
    "min_probability": (SEG_PROBABILITY, "value"),
    "selection": (SEG_SELECTION, "data"),
    "top_n": (SEG_TOP_N, "value"),
    "rfm_group": (SEG_RFM_GROUP, "value"),
    "r_score": (SEG_R_SCORE, "value"),
    "fm_score": (SEG_FM_SCORE, "value"),
    "value": (SEG_VALUE, "value"),
    "p_alive": (SEG_P_ALIVE, "value"),
}

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = dict.fromkeys(
    (
        SEG_GENDER,
        SEG_AGE,
        SEG_SALARY,
        SEG_PRICE,
        SEG_SEGMENTS,
        SEG_PURCHASED,
        SEG_PROBABILITY,
        SEG_TOP_N,
        SEG_RFM_GROUP,
        SEG_R_SCORE,
        SEG_FM_SCORE,
        SEG_VALUE,
        SEG_P_ALIVE,
        SEG_RESET,
        SEG_COUNT,
        SEG_X_AXIS,
        SEG_Y_AXIS,
        SEG_SAMPLE_NOTE,
        SEG_PROFILE_TABLE,
        SEG_COMPARE_A,
        SEG_COMPARE_B,
        SEG_COMPARISON,
        SEG_EXPORT,
        SEG_URL,
        SEG_SCATTER,
        SEG_DISTRIBUTION,
        SEG_RUN,
        SEG_SELECTION,
        SEG_SELECTION_NOTE,
        SEG_CLEAR_SELECTION,
        SEG_SELECTION_EVENT,
        SEG_LINK_NOTE,
        SEG_AUDIENCE_NAME,
        SEG_AUDIENCE_SAVE,
        SEG_AUDIENCE_MESSAGE,
        SEG_AUDIENCE_LIST,
        SEG_AUDIENCE,
    ),
    PAGE_ROLE,
)
