"""Component ids, in one place: tests and users rely on them staying stable."""

RUN_STORE = "run-id"
RUN_BADGE = "run-badge"
# The signed-in user's name and role in the navigation bar (hosted mode).
NAV_USER = "nav-user"
# Phones see the page links behind a menu button.
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"
NAV_LINK = "nav-link"  # pattern-matching type: {"type": NAV_LINK, "page": path}

KPI_CARDS = "kpi-cards"
AGE_DISTRIBUTION = "age-distribution"
SALARY_BY_PURCHASE = "salary-by-purchase"
CORRELATION_HEATMAP = "correlation-heatmap"
SEGMENT_DISTRIBUTION = "segment-distribution"
CLUSTER_SCATTER = "cluster-scatter"
SEGMENT_TABLE = "segment-table"

WHATIF_AGE = "whatif-age"
WHATIF_SALARY = "whatif-salary"
WHATIF_PRICE = "whatif-price"
WHATIF_GENDER = "whatif-gender"
WHATIF_PROBABILITY = "whatif-probability"
WHATIF_BAND = "whatif-band"

EMPTY_STATE = "empty-state"
ERROR_STATE = "error-state"

# /segments: the segment explorer
SEG_GENDER = "seg-filter-gender"
SEG_AGE = "seg-filter-age"
SEG_SALARY = "seg-filter-salary"
SEG_PRICE = "seg-filter-price"
SEG_SEGMENTS = "seg-filter-segments"
SEG_PURCHASED = "seg-filter-purchased"
SEG_PROBABILITY = "seg-filter-probability"
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
SEG_DOWNLOAD = "seg-download"
SEG_URL = "seg-url"

# /model
MODEL_TABLE = "model-comparison"
MODEL_ROC = "model-roc"
MODEL_PR = "model-pr"
MODEL_CALIBRATION = "model-calibration"
MODEL_LIFT = "model-lift"
MODEL_IMPORTANCE = "model-importance"
MODEL_THRESHOLD = "model-threshold"
MODEL_CONFUSION = "model-confusion"
MODEL_REACH = "model-reach"

# /what-if
WI_PRODUCT = "wi-product"
WI_CONTRIBUTIONS = "wi-contributions"
WI_SENSITIVITY = "wi-price-sensitivity"
WI_COUNTERFACTUAL = "wi-counterfactual"
WI_SEGMENT = "wi-segment"
WI_PRICE_CHANGE = "wi-price-change"
WI_SEGMENT_RESULT = "wi-segment-result"

# /runs
RUNS_TABLE = "runs-table"
RUNS_COMPARE = "runs-compare"
RUNS_UPLOAD = "runs-upload"
RUNS_PROGRESS = "runs-progress"
RUNS_STATUS = "runs-status"
RUNS_ERROR = "runs-error"
RUNS_WEBHOOKS = "runs-webhooks"
RUNS_BODY = "runs-body"
RUNS_COMPARISON = "runs-comparison"

# /model: the designed state of a run that has no purchase model
MODEL_MISSING = "model-missing"

# /segments, continued
SEG_SCATTER = "segments-scatter"
SEG_DISTRIBUTION = "segments-distribution"
SEG_RUN = "seg-run-id"
SEG_SELECTION = "seg-selection"
SEG_SELECTION_NOTE = "seg-selection-note"
SEG_CLEAR_SELECTION = "seg-clear-selection"
WI_WHY = "wi-why"
SEG_SELECTION_EVENT = "seg-selection-event"
# /runs: the rows a run set aside (quarantined)
RUNS_SET_ASIDE = "runs-set-aside"
RUNS_SET_ASIDE_EXPORT = "runs-set-aside-export"
RUNS_SET_ASIDE_DOWNLOAD = "runs-set-aside-download"

# /users (admins)
USERS_TABLE = "users-table"
TOKENS_TABLE = "tokens-table"
