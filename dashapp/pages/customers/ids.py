"""Component ids of the Customers page (an order-log run's RFM groups, value and customers at
risk) and who may use them (read by dashapp.hosting.roles)."""

PATH = "/customers"
# Its place in the navigation bar: right after the overview (0), before the explorer (1).
ORDER = 0.5
PAGE_ROLE = "viewer"

CUSTOMERS_KPIS = "customers-kpis"
RFM_GRID = "rfm-grid"
# Under the grid: what clicking a cell does, then the cell clicked and its explorer link.
RFM_CELL = "rfm-cell"
# Navigates to the explorer when a cell is clicked.
CUSTOMERS_LOCATION = "customers-location"
CUSTOMERS_RUN = "customers-run-id"
RFM_GROUPS = "rfm-groups"
RFM_MOVES = "rfm-moves"
RFM_MOVES_EMPTY = "rfm-moves-empty"
SEGMENT_VALUE = "segment-value"
SEGMENT_VALUE_TABLE = "segment-value-table"
AT_RISK_TABLE = "at-risk-table"

# The segment explorer (another page, never imported): a clicked cell opens there as an
# audience, for those whose role may open it.
EXPLORER_PATH = "/segments"

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = dict.fromkeys((RFM_GRID, RFM_CELL, CUSTOMERS_LOCATION, CUSTOMERS_RUN), PAGE_ROLE)
