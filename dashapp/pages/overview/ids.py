"""Component ids of the overview page and who may open it (read by dashapp.hosting.roles).

The quick what-if on this page uses the app-wide customer what-if ids (dashapp.ui.ids), which
the what-if page's callbacks answer."""

PATH = "/"
# Its place in the navigation bar.
ORDER = 0
PAGE_ROLE = "viewer"

KPI_CARDS = "kpi-cards"
# When the data was last refreshed (the newest run shown), by which run and from which file.
LAST_REFRESHED = "overview-last-refreshed"
AGE_DISTRIBUTION = "age-distribution"
SALARY_BY_PURCHASE = "salary-by-purchase"
CORRELATION_HEATMAP = "correlation-heatmap"
SEGMENT_DISTRIBUTION = "segment-distribution"
CLUSTER_SCATTER = "cluster-scatter"
SEGMENT_TABLE = "segment-table"
# The latest order-log run's repeat rate and expected revenue, or what an order log would add.
ORDER_LOG_SUMMARY = "overview-order-log"

# No callback of this page's own: everything is drawn with the page.
CALLBACK_ROLES: dict[str, str] = {}
