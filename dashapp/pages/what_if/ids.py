"""Component ids of the what-if page and who may use them (read by dashapp.hosting.roles)."""

PATH = "/what-if"
# Its place in the navigation bar.
ORDER = 3
PAGE_ROLE = "sales"

# Only on /what-if: the explanation, the price curve and segment pricing. The customer's inputs
# and probability are app-wide (dashapp.ui.ids), since the overview shows them too.
WI_PRODUCT = "wi-product"
WI_WHY = "wi-why"
WI_CONTRIBUTIONS = "wi-contributions"
WI_SENSITIVITY = "wi-price-sensitivity"
WI_COUNTERFACTUAL = "wi-counterfactual"
WI_SEGMENT = "wi-segment"
WI_PRICE_CHANGE = "wi-price-change"
WI_SEGMENT_RESULT = "wi-segment-result"
# The probability's 90 % interval, beside it (only on /what-if).
WI_INTERVAL = "wi-interval"

# The role a callback needs for each component of this page it reads or writes.
CALLBACK_ROLES = dict.fromkeys(
    (
        WI_PRODUCT,
        WI_WHY,
        WI_CONTRIBUTIONS,
        WI_SENSITIVITY,
        WI_COUNTERFACTUAL,
        WI_SEGMENT,
        WI_PRICE_CHANGE,
        WI_SEGMENT_RESULT,
        WI_INTERVAL,
    ),
    PAGE_ROLE,
)
