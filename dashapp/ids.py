"""Component ids, in one place: tests and users rely on them staying stable."""

RUN_STORE = "run-id"
RUN_BADGE = "run-badge"

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
WHATIF_BAR = "whatif-bar"

EMPTY_STATE = "empty-state"
ERROR_STATE = "error-state"
