"""The segment explorer's shareable link: its filters and view as a query string, readable and
lenient on the way in (a value that does not fit this run falls back to its default rather than
failing the page)."""

from collections.abc import Mapping
from math import isfinite
from urllib.parse import urlencode

from dashapp.logic.explorer import (
    PURCHASE_CHOICES,
    Choices,
    Filters,
    View,
    active_ranges,
    default_filters,
    default_view,
)

# The link's names for an order-log run's filters (a customer-file run's columns go by their
# own names in lower case): a cell of the R × FM grid is `?r=5&fm=5`, a group `?rfm=Champions`.
PICK_PARAMS = {"rfm_group": "rfm", "r_score": "r", "fm_score": "fm"}
RANGE_PARAMS = {"expected_value": "value"}
PROBABILITY_PARAMS = {"p_repeat": "min_propensity"}


def query_string(filters: Filters, view: View, choices: Choices, run_id: int | None = None) -> str:
    """`?…` holding whatever differs from the defaults, or '' when nothing does; `run_id`, when
    given (an order-log run, which the explorer opens only by its id), comes first."""
    default = default_filters(choices)
    params = {} if run_id is None else {"run": str(run_id)}
    if set(filters.genders) != set(default.genders):
        params["gender"] = ",".join(g for g in choices.genders if g in filters.genders)
    for column, values in choices.picks.items():
        chosen = filters.picks.get(column)
        if chosen is not None and set(chosen) != set(values):
            params[PICK_PARAMS[column]] = ",".join(str(v) for v in values if v in chosen)
    for column, (low, high) in active_ranges(filters, choices).items():
        params[_range_param(column)] = f"{_plain(low)}-{_plain(high)}"
    if set(filters.segments) != set(default.segments):
        params["segment"] = ",".join(str(s + 1) for s in sorted(filters.segments))
    if filters.purchased != "all":
        params["purchased"] = filters.purchased
    if choices.has_probability and filters.min_probability > 0:
        params[_probability_param(choices)] = _plain(filters.min_probability)
    if filters.selection:
        params["sel"] = _selection_text(filters.selection)
    default_axes = default_view(choices)
    if view.x != default_axes.x:
        params["x"] = view.x
    if view.y != default_axes.y:
        params["y"] = view.y
    if tuple(view.compare) != default_axes.compare:
        params["compare"] = f"{view.compare[0] + 1},{view.compare[1] + 1}"
    return f"?{urlencode(params, safe=',')}" if params else ""


def from_query(query: Mapping[str, str | list[str]], choices: Choices) -> tuple[Filters, View]:
    """Filters and view from query parameters (as Dash Pages passes them to a layout)."""

    def text(name: str) -> str | None:
        value = query.get(name)
        return ",".join(value) if isinstance(value, list) else value

    default, view = default_filters(choices), default_view(choices)
    genders = default.genders
    if (gender := text("gender")) is not None:
        wanted = {g.strip().lower() for g in gender.split(",")}
        genders = tuple(g for g in choices.genders if g.lower() in wanted)
    picks = dict(default.picks)
    for column, values in choices.picks.items():
        if (chosen := text(PICK_PARAMS[column])) is not None:
            wanted = {part.strip().lower() for part in chosen.split(",")}
            picks[column] = tuple(v for v in values if str(v).lower() in wanted)
    ranges = dict(default.ranges)
    for column, slider in choices.sliders.items():
        bounds = _numbers(text(_range_param(column)), "-")
        if bounds is not None and len(bounds) == 2:
            low, high = sorted(bounds)
            ranges[column] = (max(low, slider.low), min(high, slider.high))
    segments = default.segments
    if (segment := text("segment")) is not None:
        numbers = _numbers(segment, ",") or []
        segments = tuple(s for s in choices.segments if s + 1 in numbers)
    purchased = text("purchased")
    x, y = text("x"), text("y")
    compare = [s - 1 for s in (_numbers(text("compare"), ",") or [])]
    if len(compare) != 2 or not set(compare) <= set(choices.segments):
        compare = view.compare
    return (
        Filters(
            genders=genders,
            ranges=ranges,
            segments=segments,
            purchased=purchased
            if choices.has_purchase_status and purchased in PURCHASE_CHOICES
            else "all",
            selection=_parse_selection(text("sel"), choices),
            min_probability=_min_probability(text(_probability_param(choices)), choices),
            picks=picks,
        ),
        View(
            x if x in choices.axes else view.x,
            y if y in choices.axes else view.y,
            (int(compare[0]), int(compare[1])),
        ),
    )


def _min_probability(text: str | None, choices: Choices) -> float:
    """A probability from 0 to 1 when the run has probabilities; otherwise no minimum."""
    values = _numbers(text, ",")
    if not choices.has_probability or not values or len(values) > 1 or not 0 <= values[0] <= 1:
        return 0.0
    return values[0]


def _range_param(column: str) -> str:
    return RANGE_PARAMS.get(column, column.lower())


def _probability_param(choices: Choices) -> str:
    return PROBABILITY_PARAMS.get(choices.probability_column, "min_probability")


def _plain(value: float) -> str:
    """A number as people write it: 30000, not 30000.0 or 3e+04."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def _numbers(text: str | None, separator: str) -> list[float] | None:
    if not text:
        return None
    try:
        values = [float(part) for part in text.split(separator)]
    except ValueError:
        return None
    return values if all(isfinite(v) for v in values) else None


def _selection_text(selection: Mapping) -> str:
    if selection["kind"] == "box":
        numbers = [*selection["xs"], *selection["ys"]]
    else:
        numbers = [n for xy in zip(selection["xs"], selection["ys"], strict=True) for n in xy]
    return ",".join([selection["kind"], selection["x"], selection["y"], *map(_plain, numbers)])


def _parse_selection(text: str | None, choices: Choices) -> dict | None:
    parts = (text or "").split(",")
    if len(parts) < 3 or parts[0] not in ("box", "lasso"):
        return None
    kind, x, y = parts[:3]
    numbers = _numbers(",".join(parts[3:]), ",")
    if x not in choices.axes or y not in choices.axes or numbers is None:
        return None
    if kind == "box" and len(numbers) == 4:
        return {"kind": kind, "x": x, "y": y, "xs": sorted(numbers[:2]), "ys": sorted(numbers[2:])}
    if kind == "lasso" and len(numbers) >= 6 and len(numbers) % 2 == 0:
        return {"kind": kind, "x": x, "y": y, "xs": numbers[0::2], "ys": numbers[1::2]}
    return None
