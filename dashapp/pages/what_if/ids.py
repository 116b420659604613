"""Component ids of the what-if page and who may use them (read by dashapp.hosting.roles)."""

PATH = "/what-if"
# Its place in the navigation bar.
ORDER = 3
PAGE_ROLE = "sales"

# Only on /what-if: the explanation, the price curve and segment pricing. The customer's inputs
# and probability are app-wide (dashapp.ui.ids), since the overview shows them too.
WI_PRODUCT = "wi-product"
# The customer lookup: a customer id of the run (with the run's ids as suggestions) fills every
# input with that customer's stored values; the note says whom they describe.
WI_CUSTOMER = "whatif-customer"
WI_CUSTOMER_IDS = "wi-customer-ids"
WI_CUSTOMER_NOTE = "wi-customer-note"
WI_WHY = "wi-why"
WI_CONTRIBUTIONS = "wi-contributions"
WI_SENSITIVITY = "wi-price-sensitivity"
WI_COUNTERFACTUAL = "wi-counterfactual"
WI_SEGMENT = "wi-segment"
WI_PRICE_CHANGE = "wi-price-change"
WI_SEGMENT_RESULT = "wi-segment-result"
# The probability's 90 % interval, beside it (only on /what-if).
WI_INTERVAL = "wi-interval"

# The repeat-customer what-if of an order-log run (dashapp.pages.what_if.orders): the run, a
# customer to start from (by id, or the typical one), the four numbers that describe them and
# the answers.
WI_REPEAT = "wi-repeat"
WI_REPEAT_RUN = "wi-repeat-run"
WI_REPEAT_CUSTOMER = "wi-repeat-customer"
WI_REPEAT_TYPICAL = "wi-repeat-typical"
WI_REPEAT_PICKED = "wi-repeat-picked"
WI_REPEAT_RECENCY = "wi-repeat-recency"
WI_REPEAT_ORDERS = "wi-repeat-orders"
WI_REPEAT_AOV = "wi-repeat-aov"
WI_REPEAT_TENURE = "wi-repeat-tenure"
WI_REPEAT_PROPENSITY = "wi-repeat-propensity"
WI_REPEAT_VALUE = "wi-repeat-value"
WI_REPEAT_SURE = "wi-repeat-sure"
WI_REPEAT_WHY = "wi-repeat-why"
WI_REPEAT_CONTRIBUTIONS = "wi-repeat-contributions"
WI_REPEAT_RECENCY_CURVE = "wi-repeat-recency-curve"
# The line that says what an order log would add, when no order-log run exists.
WI_ORDER_LOG_HINT = "wi-order-log-hint"

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = dict.fromkeys(
    (
        WI_PRODUCT,
        WI_CUSTOMER,
        WI_CUSTOMER_IDS,
        WI_CUSTOMER_NOTE,
        WI_WHY,
        WI_CONTRIBUTIONS,
        WI_SENSITIVITY,
        WI_COUNTERFACTUAL,
        WI_SEGMENT,
        WI_PRICE_CHANGE,
        WI_SEGMENT_RESULT,
        WI_REPEAT_RUN,
        WI_REPEAT_CUSTOMER,
        WI_REPEAT_TYPICAL,
        WI_REPEAT_PICKED,
        WI_REPEAT_RECENCY,
        WI_REPEAT_ORDERS,
        WI_REPEAT_AOV,
        WI_REPEAT_TENURE,
        WI_REPEAT_PROPENSITY,
        WI_REPEAT_VALUE,
        WI_REPEAT_SURE,
        WI_REPEAT_WHY,
        WI_REPEAT_CONTRIBUTIONS,
        WI_REPEAT_RECENCY_CURVE,
        WI_INTERVAL,
    ),
    PAGE_ROLE,
)
