"""What a customer file must and may hold: the reference column names (and the `--columns`
names for them), the required and optional columns, plausible bounds, and the spellings read as
missing or as a Purchased 0/1. Any other column may be named as a feature (`--features`): see
analytics.validation.columns (finding it) and analytics.validation.checks (typing it)."""

import itertools

# The names `--columns` accepts, and the reference column each stands for.
CANONICAL_COLUMNS = {
    "customer_id": "Customer ID",
    "gender": "Gender",
    "age": "Age",
    "salary": "Salary",
    "product_id": "Product ID",
    "price": "Price",
    "purchased": "Purchased",
}
REQUIRED_COLUMNS = ["Customer ID", "Purchased"]
# A run leaves an absent optional column out and says so in its notes.
OPTIONAL_COLUMNS = ["Gender", "Age", "Salary", "Product ID", "Price"]
# Names a run gives columns of its own: a file's column named so cannot be a feature.
RUN_COLUMN_NAMES = frozenset({"segment", "sample_rank", "purchase_probability", "fields"})
# A categorical feature with more values than this is more likely an identifier or free text
# (e.g. an e-mail address) than a category: one-hot encoding it would only memorise rows.
MAX_CATEGORIES = 50
# A feature column is read as numbers when at least this share of its non-blank cells in the
# first rows (FEATURE_TYPING_ROWS) are numbers; its other cells are then wrong values.
NUMERIC_FEATURE_SHARE = 0.9
FEATURE_TYPING_ROWS = 10_000
# Plausible bounds, inclusive; a value outside them is almost always a unit or typing mistake.
NUMERIC_BOUNDS = {"Age": (0, 120), "Salary": (0, 1e9), "Price": (0, 1e9)}
# Spellings of Purchased that exports of yes/no or boolean columns produce (compared in lower case).
PURCHASED_WORDS = {"yes": 1, "y": 1, "true": 1, "no": 0, "n": 0, "false": 0}
# What exports and spreadsheets write for a missing value (compared in upper case); such a cell
# is treated as blank, as pandas and Excel users expect.
MISSING_MARKERS = frozenset({"NA", "N/A", "#N/A", "NULL", "NONE", "NAN"})
# Every spelling whose upper case is a marker, so that a million cells are looked up rather than
# upper-cased. Only ASCII letters upper-case to the markers' characters (a unit test checks all
# of Unicode), so these are all such spellings.
MISSING_SPELLINGS = frozenset(
    "".join(spelling)
    for marker in MISSING_MARKERS
    for spelling in itertools.product(*({c, c.lower()} for c in marker))
)
# Columns read as numbers (Purchased too: 0/1 is the common spelling, words the exception).
NUMBER_COLUMNS = [*NUMERIC_BOUNDS, "Purchased"]
