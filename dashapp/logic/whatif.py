"""Pure helpers behind the what-if predictor."""

from collections.abc import Collection, Mapping

from analytics.validation.schema import NUMERIC_BOUNDS

BANDS = [(0.3, "Low", "danger"), (0.6, "Medium", "warning"), (1.01, "High", "success")]


def input_problem(
    age: float | None,
    salary: float | None,
    price: float | None,
    needs_price: bool = True,
    features: Collection[str] | None = None,
) -> str | None:
    """What is wrong with the inputs, in words, or None when a prediction can be made.
    `features`, the model's, limits the inputs needed to those it reads (a file may lack Age
    or Salary); without them, age and salary are needed, and price with `needs_price`."""
    given = [("Age", age), ("Salary", salary), ("Price", price)]
    if features is None:
        given = given[:2] + (given[2:] if needs_price else [])
    else:
        given = [(name, value) for name, value in given if name in features]
    for name, value in given:
        low, high = NUMERIC_BOUNDS[name]
        if value is None:
            return f"Enter the {name.lower()} to see a prediction."
        if not low <= value <= high:
            return f"{name} must be between {low:,.0f} and {high:,.0f}."
    return None


def held_inputs_note(features: Collection[str], reference: Mapping[str, object]) -> str | None:
    """A sentence naming the model's inputs a what-if does not ask for (columns of the run's
    own file) and the typical values they are held at, or None when there are none."""
    asked = (*NUMERIC_BOUNDS, "Gender")
    held = [f"{name} {_shown(reference.get(name))}" for name in features if name not in asked]
    if not held:
        return None
    return f"The model also reads {', '.join(held)}: held at a typical customer's values."


def _shown(value: object) -> str:
    return f"{value:,.4g}" if isinstance(value, int | float) else repr(str(value))


def band(probability: float) -> tuple[str, str]:
    """The band name and its Bootstrap colour: below 30 % low, below 60 % medium, else high."""
    for upper, name, colour in BANDS:
        if probability < upper:
            return name, colour
    return BANDS[-1][1], BANDS[-1][2]


def interval_text(low: float, high: float, uncertain: bool) -> str:
    """A probability's 90 % interval in words, flagged when it is too wide to rely on."""
    interval = f"90 % interval {low:.0%}–{high:.0%}"
    return f"Uncertain: {interval}, wider than 20 points." if uncertain else f"{interval}."


def model_quality(roc_auc: float) -> str:
    """ROC-AUC in plain words for managers."""
    word = (
        "Excellent"
        if roc_auc >= 0.9
        else "Good"
        if roc_auc >= 0.8
        else "Fair"
        if roc_auc >= 0.7
        else "Weak"
    )
    return f"{word} — ranks a buyer above a non-buyer {roc_auc:.0%} of the time"


def explain(baseline: float, contributions: dict[str, float], top: int = 2) -> str:
    """The largest contributions in percentage points, against the reference customer."""
    ranked = sorted(contributions.items(), key=lambda item: abs(item[1]), reverse=True)
    parts = [
        f"{feature.lower()} {'raises' if value > 0 else 'lowers'} it by {abs(value) * 100:.0f} "
        f"point{'' if round(abs(value) * 100) == 1 else 's'}"
        for feature, value in ranked[:top]
        if round(abs(value) * 100) >= 1
    ]
    if not parts:
        return f"About the same as a typical customer ({baseline:.0%})."
    return f"Against a typical customer ({baseline:.0%}): {'; '.join(parts)}."


# The inputs a customer what-if asks for, in the order the page shows them.
ASKED_INPUTS = ("Age", "Gender", "Salary", "Price")


def customer_inputs(customer: Mapping[str, object], ranges: Mapping[str, object]) -> dict:
    """A stored customer's what-if inputs (Age, Gender, Salary, Price): their own values, and
    the run's median (or most common gender) where their file has none, so that the overview
    and /what-if start from the same customer with the same numbers."""
    inputs = {}
    for name in ASKED_INPUTS:
        value = customer.get(name)
        if _blank(value):
            if name == "Gender":
                value = next(iter(ranges.get("genders") or []), None)
            else:
                value = ranges[name]["median"] if name in ranges else None
        inputs[name] = value if name == "Gender" or value is None else float(value)
    return inputs


def _blank(value: object) -> bool:
    # NaN is the one value not equal to itself.
    return value is None or value != value


def outside_training_range(
    values: Mapping[str, object], ranges: Mapping[str, object]
) -> str | None:
    """A sentence naming each entered number outside the range the model was trained on (the
    run's feature_ranges) and saying the probability is an extrapolation, or None when all are
    within it."""
    outside = []
    for name in ("Age", "Salary", "Price"):
        value, known = values.get(name), ranges.get(name)
        if not isinstance(value, int | float) or _blank(value) or not known:
            continue
        if not known["min"] <= value <= known["max"]:
            outside.append(
                f"{name} {_number(value)} is outside the range the model was trained on "
                f"({_number(known['min'])} to {_number(known['max'])})"
            )
    if not outside:
        return None
    return (
        f"{'; '.join(outside)}. The probability is an extrapolation beyond the data: "
        "treat it with caution."
    )


def input_label(name: str, value: object) -> str:
    """An input and the value it was given, as a contribution bar names it: "Salary = 61,000"."""
    return f"{name} = {_number(value) if isinstance(value, int | float) else value}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"
