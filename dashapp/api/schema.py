"""What /api/v1 accepts, defined once: the routes (dashapp.api.routes) check requests against
these limits and fields, and the OpenAPI document (dashapp.api.openapi) describes them."""

from analytics.db.models import CUSTOMER_FILE, ORDER_LOG
from analytics.steps.rfm import GROUPS

MAX_CUSTOMERS_PER_PREDICTION = 1000
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# The request's names for the model's inputs; gender may be left out (the model imputes it).
# The numbers are bounded by analytics.validation.customer_file.NUMERIC_BOUNDS.
INPUTS = {"age": "Age", "salary": "Salary", "price": "Price", "gender": "Gender"}
MAX_GENDER_LENGTH = 32
OUTPUT_FORMATS = ("json", "csv")
# The runs listed: customer files and order logs (a run's input_kind).
INPUT_KINDS = (CUSTOMER_FILE, ORDER_LOG)
# An order-log run's customers can be filtered by these (analytics.steps.rfm).
RFM_GROUPS = GROUPS
