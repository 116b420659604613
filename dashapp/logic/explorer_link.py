"""The segment explorer's shareable link: its filters and view as a query string, readable and
lenient on the way in (a value that does not fit this run falls back to its default rather than
failing the page)."""

from collections.abc import Mapping
from math import isfinite
from urllib.parse import parse_qs, urlencode

from dashapp.logic.explorer import (
    PURCHASE_CHOICES,
    Choices,
    Filters,
    View,
    active_ranges,
    default_filters,
    default_view,
    top_n_value,
)

# The link's names for an order-log run's filters (a customer-file run's columns go by their
# own names in lower case): a cell of the R × FM grid is `?r=5&fm=5`, a group `?rfm=Champions`.
PICK_PARAMS = {"rfm_group": "rfm", "r_score": "r", "fm_score": "fm"}
RANGE_PARAMS = {"expected_value": "value"}
PROBABILITY_PARAMS = {"p_repeat": "min_propensity"}
# An ignored value is named in the page's note up to this many characters.
MAX_SHOWN = 40


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
    if choices.has_probability and filters.top_n:
        params["top"] = str(filters.top_n)
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


def parameters(query: str) -> dict[str, str | list[str]]:
    """A query string's parameters ("?" optional) as Dash Pages passes them to a layout: a
    value, or a list of the values of a repeated name; blank values kept ("gender=": none)."""
    parsed = parse_qs(query.removeprefix("?"), keep_blank_values=True)
    return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}


def from_query(query: Mapping[str, str | list[str]], choices: Choices) -> tuple[Filters, View]:
    """Filters and view from query parameters (as Dash Pages passes them to a layout)."""
    filters, view, _ignored = read_query(query, choices)
    return filters, view


def read_query(
    query: Mapping[str, str | list[str]], choices: Choices
) -> tuple[Filters, View, list[str]]:
    """Filters and view from query parameters, and each value that was ignored as not valid for
    this run ("age=abc"), so that the page can say so rather than silently show its default."""
    ignored: list[str] = []

    def text(name: str) -> str | None:
        value = query.get(name)
        return ",".join(value) if isinstance(value, list) else value

    def ignore(name: str, value: str) -> None:
        shown = value if len(value) <= MAX_SHOWN else f"{value[:MAX_SHOWN]}…"
        ignored.append(f"{name}={shown}")

    def chosen_among(name: str, offered, default: tuple) -> tuple:
        """The offered values a comma list names (in lower case); an empty list chooses none,
        and one that names none of them is ignored."""
        given = text(name)
        if given is None:
            return default
        wanted = {part.strip().lower() for part in given.split(",")}
        chosen = tuple(v for v in offered if str(v).lower() in wanted)
        unknown = wanted - {str(v).lower() for v in offered} - {""}
        if unknown:
            ignore(name, ",".join(sorted(unknown)))
        return default if unknown and not chosen else chosen

    default, view = default_filters(choices), default_view(choices)
    genders = chosen_among("gender", choices.genders, default.genders)
    picks = dict(default.picks)
    for column, values in choices.picks.items():
        if text(PICK_PARAMS[column]) is not None:
            picks[column] = chosen_among(PICK_PARAMS[column], values, picks.get(column))
    ranges = dict(default.ranges)
    for column, slider in choices.sliders.items():
        given = text(_range_param(column))
        bounds = _numbers(given, "-")
        if bounds is not None and len(bounds) == 2:
            low, high = sorted(bounds)
            ranges[column] = (max(low, slider.low), min(high, slider.high))
        elif given is not None:
            ignore(_range_param(column), given)
    segments = chosen_among("segment", [s + 1 for s in choices.segments], None)
    segments = default.segments if segments is None else tuple(s - 1 for s in segments)
    purchased = text("purchased")
    if purchased is not None and not (
        choices.has_purchase_status and purchased in PURCHASE_CHOICES
    ):
        ignore("purchased", purchased)
        purchased = None
    selection = _parse_selection(text("sel"), choices)
    if selection is None and text("sel") is not None:
        ignore("sel", text("sel"))
    probability_text = text(_probability_param(choices))
    min_probability = _min_probability(probability_text, choices)
    # No minimum is 0, which a link may also say in so many words.
    said_none = _numbers(probability_text, ",") == [0]
    if probability_text is not None and not min_probability and not said_none:
        ignore(_probability_param(choices), probability_text)
    top_text = text("top")
    top_n = top_n_value(top_text) if choices.has_probability else None
    if top_text is not None and top_n is None:
        ignore("top", top_text)
    axes = []
    for name, default_axis in (("x", view.x), ("y", view.y)):
        axis = text(name)
        if axis is not None and axis not in choices.axes:
            ignore(name, axis)
        axes.append(axis if axis in choices.axes else default_axis)
    compare = [s - 1 for s in (_numbers(text("compare"), ",") or [])]
    if len(compare) != 2 or not set(compare) <= set(choices.segments):
        if text("compare") is not None:
            ignore("compare", text("compare"))
        compare = view.compare
    return (
        Filters(
            genders=genders,
            ranges=ranges,
            segments=segments,
            purchased=purchased or "all",
            selection=selection,
            min_probability=min_probability,
            picks=picks,
            top_n=top_n,
        ),
        View(axes[0], axes[1], (int(compare[0]), int(compare[1]))),
        ignored,
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
