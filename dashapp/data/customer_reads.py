"""What the pages ask of a customer-file run's customers, each answered by a query over them
(dashapp.data.customer_store): the explorer's choices, counts, profiles, scatter sample and
audience, a customer by id, products' usual prices and a segment's sample for a what-if. Small
answers that depend on the run alone are cached per run like the other reads."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from math import ceil

import pandas as pd

from dashapp.data import cache, customer_store, queries
from dashapp.logic import comparison, explorer, explorer_sql, pricing
from dashapp.logic.explorer_sql import name, text

CUSTOMERS = "{customers}"
# The columns a customer has on the pages (the copy's bookkeeping columns left out).
CUSTOMER_COLUMNS = (
    '"Customer ID", "Gender", "Age", "Salary", "Product ID", "Price", "Purchased", segment, '
    "purchase_probability, purchase_probability_low, purchase_probability_high"
)
INPUT_COLUMNS = ("Customer ID", "Gender", "Age", "Salary", "Product ID", "Price", "Purchased")
# An audience file is written from pieces of this many customers.
AUDIENCE_PIECE_ROWS = 10_000
# The scatter sample looks among this many times the customers it expects to need.
SAMPLE_MARGIN = 1.25


@cache.per_run
def explorer_choices(url: str, run_id: int) -> explorer.Choices:
    """What the segment explorer offers to filter a run's customers on (explorer.choices_for)."""
    ranges = ", ".join(
        f"min({name(c)}) AS {name(c + ' low')}, max({name(c)}) AS {name(c + ' high')}, "
        f"bool_and({name(c)} = floor({name(c)})) AS {name(c + ' whole')}"
        for c in explorer.RANGE_COLUMNS
    )
    facts = customer_store.frame(
        url, run_id, f"SELECT {ranges}, count(purchase_probability) AS scored FROM {CUSTOMERS}"
    ).iloc[0]
    sliders = {
        column: explorer.slider_between(
            float(facts[f"{column} low"]),
            float(facts[f"{column} high"]),
            bool(facts[f"{column} whole"]),
        )
        for column in explorer.RANGE_COLUMNS
        if pd.notna(facts[f"{column} low"])
    }
    genders = customer_store.frame(
        url,
        run_id,
        f'SELECT "Gender" FROM {CUSTOMERS} WHERE "Gender" IS NOT NULL '
        'GROUP BY "Gender" ORDER BY count(*) DESC, min(row_number)',
    )["Gender"]
    segments = queries.overview(url, run_id).segments["segment"]
    axes = tuple(column for column in explorer.RANGE_COLUMNS if column in sliders)
    return explorer.Choices(
        tuple(str(g) for g in genders),
        tuple(sorted(int(s) for s in segments)),
        sliders,
        bool(facts["scored"]),
        axes,
    )


def _matching(
    url: str, run_id: int, where: explorer_sql.Conditions, *, segments: bool = True, **options
) -> str:
    """explorer_sql.matching over the run's customers, its top N found first when it has one."""
    top = explorer_sql.top_cut(where, CUSTOMERS, segments=segments)
    cut = None if top is None else _top_cut(url, run_id, top)
    return explorer_sql.matching(where, CUSTOMERS, segments=segments, cut=cut, **options)


def matching_count(url: str, run_id: int, filters: explorer.Filters) -> int:
    """How many of a run's customers match every filter (a saved audience's size)."""
    where = explorer_sql.conditions(filters, explorer_choices(url, run_id))
    query = f"SELECT count(*) AS matching FROM ({_matching(url, run_id, where)})"
    return int(customer_store.frame(url, run_id, query)["matching"].iat[0])


@cache.process_local(maxsize=64)
def _top_cut(url: str, run_id: int, query: str) -> tuple | None:
    """The answer of an explorer_sql.top_cut query; kept, since the explorer's callbacks ask the
    same one together (a summary, the scatter, the comparison, the export link)."""
    found = customer_store.frame(url, run_id, query)
    return None if found.empty else (found["p"].iat[0], found["r"].iat[0])


@dataclass(frozen=True)
class Summary:
    matches: int
    total: int
    # explorer.segment_counts of the customers matching all but the segment choice.
    counts: pd.DataFrame
    # explorer.segment_profiles of the matching customers.
    profiles: pd.DataFrame


def summary(url: str, run_id: int, filters: explorer.Filters, segments: pd.DataFrame) -> Summary:
    """The count, segment sizes and profiles of the explorer, in one pass over the customers
    (after finding the top N's last customers, with a top N)."""
    where = explorer_sql.conditions(filters, explorer_choices(url, run_id))
    cuts = [
        None if top is None else _top_cut(url, run_id, top)
        for top in (
            explorer_sql.top_cut(where, CUSTOMERS, segments=False),
            explorer_sql.top_cut(where, CUSTOMERS),
        )
    ]
    if where.top_n is None:
        # The matching customers are those of the chosen segments among all segments'.
        every = explorer_sql.matching(where, CUSTOMERS, segments=False)
        sums = customer_store.frame(url, run_id, explorer_sql.profile_sums(every))
        profiles = explorer_sql.profiles(sums[sums["segment"].isin(filters.segments)])
    else:
        query = explorer_sql.summary_sums(where, CUSTOMERS, *cuts)
        sums = customer_store.frame(url, run_id, query)
        profiles = explorer_sql.profiles(sums)
    return Summary(
        int(profiles["customers"].sum()),
        customer_count(url, run_id),
        explorer_sql.segment_counts(sums[["segment", "size"]], segments),
        profiles,
    )


def _profile_sums(url: str, run_id: int, query: str) -> pd.DataFrame:
    return customer_store.frame(url, run_id, explorer_sql.profile_sums(query))


def profiles_of(url: str, run_id: int, query: str) -> pd.DataFrame:
    """explorer.segment_profiles of the customers a query over `{customers}` gives."""
    return explorer_sql.profiles(_profile_sums(url, run_id, query))


def pair_profiles(
    url: str, run_id: int, filters: explorer.Filters, pair: tuple[int, int]
) -> pd.DataFrame:
    """The profiles of two segments among the customers matching all but the segment choice."""
    where = explorer_sql.conditions(filters, explorer_choices(url, run_id))
    query = _matching(url, run_id, where, segments=False)
    return profiles_of(url, run_id, f"SELECT * FROM ({query}) WHERE segment IN {tuple(pair)}")


@cache.per_run
def customer_count(url: str, run_id: int) -> int:
    return int(customer_store.value(url, run_id, f"SELECT count(*) FROM {CUSTOMERS}"))


def scatter_sample(
    url: str, run_id: int, filters: explorer.Filters, limit: int = explorer.SCATTER_LIMIT
) -> tuple[pd.DataFrame, int]:
    """At most `limit` of the customers matching all but the scatter selection (the first in the
    run's random order, so narrowing the filters keeps the points that stay), in file order, with
    their axes, segment and, with a selection, whether they are in it; and how many match."""
    choices = explorer_choices(url, run_id)
    where = explorer_sql.conditions(filters, choices)
    shown = _matching(url, run_id, where, selection=False)
    total = int(customer_store.value(url, run_id, f"SELECT count(*) FROM ({shown})"))
    columns = ", ".join(name(c) for c in (*choices.axes, "segment"))
    selected = f", {where.selection} AS selected" if filters.selection else ""

    def first_ranked(below: int | None) -> pd.DataFrame:
        bound = "" if below is None else f"WHERE sample_rank < {below}"
        return customer_store.frame(
            url,
            run_id,
            f"SELECT * FROM (SELECT {columns}{selected}, row_number FROM ({shown}) {bound} "
            f"ORDER BY sample_rank LIMIT {int(limit)}) ORDER BY row_number",
        )

    if total <= limit:
        points = first_ranked(None)
    else:
        # Ranks are a random order of all customers, so the first `limit` of the matching ones
        # lie, all but surely, below this bound, which spares sorting every matching customer;
        # when they do not, the sample is drawn again without it.
        everyone = customer_count(url, run_id)
        points = first_ranked(ceil(limit * SAMPLE_MARGIN * everyone / total))
        if len(points) < limit:
            points = first_ranked(None)
    return points.drop(columns="row_number"), total


def audience(url: str, run_id: int, filters: explorer.Filters) -> Iterator[pd.DataFrame]:
    """The matching customers (as queries.customers has them), in file order, in pieces."""
    where = explorer_sql.conditions(filters, explorer_choices(url, run_id))
    query = _matching(url, run_id, where, columns=CUSTOMER_COLUMNS)
    return customer_store.pieces(url, run_id, query, AUDIENCE_PIECE_ROWS)


@cache.per_run
def audience_columns(url: str, run_id: int) -> dict:
    """Of the run's customers: the optional input columns with no value at all ("absent") and the
    numeric columns whose every value is a whole number ("whole"), which an audience file leaves
    out and writes as integers, the same in each of its pieces."""
    optional = ("Gender", "Age", "Salary", "Product ID", "Price")
    numeric = ("Age", "Salary", "Price")
    facts = customer_store.frame(
        url,
        run_id,
        "SELECT "
        + ", ".join(
            [f"count({name(c)}) AS {name(c)}" for c in optional]
            + [
                f"bool_and({name(c)} = round({name(c)}) AND abs({name(c)}) < 2 ** 53) "
                f"AS {name(c + ' whole')}"
                for c in numeric
            ]
        )
        + f" FROM {CUSTOMERS}",
    ).iloc[0]
    return {
        "absent": [c for c in optional if not facts[c]],
        # A column without values has no value to write either way.
        "whole": [c for c in numeric if _true_or_unknown(facts[f"{c} whole"])],
    }


def _true_or_unknown(value) -> bool:
    return True if pd.isna(value) else bool(value)


def customer_by_id(url: str, run_id: int, customer_id: str) -> pd.Series | None:
    """The run's first customer with this id (as queries.customers has them), or None."""
    found = customer_store.frame(
        url,
        run_id,
        f'SELECT {CUSTOMER_COLUMNS} FROM {CUSTOMERS} WHERE "Customer ID" = {text(customer_id)} '
        "ORDER BY row_number LIMIT 1",
    )
    return None if found.empty else found.iloc[0]


@cache.per_run
def first_ids(url: str, run_id: int, count: int) -> list[str]:
    """The ids of the run's first `count` customers, in file order."""
    ids = customer_store.frame(
        url, run_id, f'SELECT "Customer ID" FROM {CUSTOMERS} ORDER BY row_number LIMIT {int(count)}'
    )
    return ids["Customer ID"].astype(str).tolist()


@cache.per_run
def typical_prices(url: str, run_id: int) -> pd.DataFrame:
    """Per product its customers and most common price, the most common first (pricing)."""
    prices = customer_store.frame(url, run_id, pricing.typical_prices_query(CUSTOMERS))
    return prices.astype({"customers": "int64", "price": float})


def segment_sample(
    url: str, run_id: int, segment: int | None, features: list[str], limit: int
) -> tuple[pd.DataFrame, int]:
    """The model's `features` of at most `limit` customers of a segment (None: of the run), the
    first in the run's random order (a uniform sample) in file order, and how many customers
    the segment has.
    Features that are not the customer file's usual columns come from the run's own columns."""
    where = "TRUE" if segment is None else f"segment = {int(segment)}"
    size = customer_store.value(url, run_id, f"SELECT count(*) FROM {CUSTOMERS} WHERE {where}")
    usual = [f for f in features if f in INPUT_COLUMNS]
    columns = [name(f) for f in usual] + (["attributes"] if len(usual) < len(features) else [])
    rows = customer_store.frame(
        url,
        run_id,
        f"SELECT * FROM (SELECT {', '.join([*columns, 'row_number'])} FROM {CUSTOMERS} "
        f"WHERE {where} ORDER BY sample_rank LIMIT {int(limit)}) ORDER BY row_number",
    ).drop(columns="row_number")
    if "attributes" in rows:
        own = [f for f in features if f not in INPUT_COLUMNS]
        stored = [json.loads(value) if value else {} for value in rows.pop("attributes")]
        rows = rows.join(pd.DataFrame.from_records(stored, index=rows.index).reindex(columns=own))
    return rows[features], int(size)


def segment_page(
    url: str, run_id: int, segment: int, offset: int, limit: int
) -> tuple[pd.DataFrame, int]:
    """One page of a segment's customers in file order, and how many the segment has."""
    where = f"segment = {int(segment)}"
    size = customer_store.value(url, run_id, f"SELECT count(*) FROM {CUSTOMERS} WHERE {where}")
    rows = customer_store.frame(
        url,
        run_id,
        f"SELECT {CUSTOMER_COLUMNS} FROM {CUSTOMERS} WHERE {where} ORDER BY row_number "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
    )
    return rows, int(size)


def moves_between(url: str, previous_id: int, run_id: int) -> pd.DataFrame:
    """comparison.moves_query's counts of the customers of two runs."""
    query = comparison.moves_query("{first}", "{second}")
    return customer_store.frame_of_two(url, previous_id, run_id, query)
