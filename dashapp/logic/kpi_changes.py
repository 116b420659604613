"""How each KPI moved since the previous published run of the same kind, in numbers and in the
words of its card, and how long ago a run refreshed the data: pure Python, no Dash
(dashapp.ui.kpi_changes draws them on the KPI cards of the overview and /customers).

The direction is never told by colour alone: an arrow and the signed difference say it, and
the card's colour (its `tone`) repeats it."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from dashapp.ui import theme

UP, DOWN, SAME = "up", "down", "same"
# The tones are theme.CHANGE_COLOURS' keys.
GOOD, BAD, NEUTRAL = "good", "bad", "neutral"
ARROWS = {UP: "▲", DOWN: "▼"}
FIRST_RUN = "first run"
FIRST_RUN_TITLE = "No earlier published run of this kind to compare with"
_MINUS = "−"  # a true minus sign, as everywhere else in the app

# The smallest change the cards can show, by kind of KPI: counts and amounts are shown in whole
# units, rates to a tenth of a percentage point and scores (ROC-AUC) to two decimals; a smaller
# change reads as no change rather than as an arrow beside "+0".
RESOLUTION = {"count": 0.5, "money": 0.5, "rate": 0.0005, "score": 0.005}


@dataclass(frozen=True)
class Kpi:
    """How to compare a KPI: its kind (a key of RESOLUTION) and which way is better, UP or DOWN,
    only where that is clear (more revenue); None where it is not (a bigger file, a higher
    average price), so that its change is shown without praise or blame."""

    kind: str
    better: str | None = None


# The customer-file overview's KPIs (its stored kpis, with the run's k as "segments" and the
# purchase model's holdout ROC-AUC as "roc_auc").
CUSTOMER_FILE_KPIS = {
    "customers": Kpi("count"),
    "purchase_rate": Kpi("rate", UP),
    "revenue": Kpi("money", UP),
    "average_price": Kpi("money"),
    "segments": Kpi("count"),
    "roc_auc": Kpi("score", UP),
}
# An order-log run's stored order_kpis.
ORDER_LOG_KPIS = {
    "customers": Kpi("count"),
    "orders": Kpi("count", UP),
    "revenue": Kpi("money", UP),
    "repeat_rate": Kpi("rate", UP),
    "expected_orders": Kpi("count", UP),
    "expected_revenue": Kpi("money", UP),
}


@dataclass(frozen=True)
class KpiChange:
    """One KPI against the previous run of its kind. `previous_run` is None for the first run;
    `difference` and `direction` are None when either run has no value for it."""

    kind: str
    previous_run: int | None
    previous: float | None
    difference: float | None
    direction: str | None
    tone: str

    @property
    def first_run(self) -> bool:
        return self.previous_run is None

    @property
    def relative(self) -> float | None:
        """The difference as a share of the previous value; None from zero or without one."""
        if self.difference is None or not self.previous:
            return None
        return self.difference / abs(self.previous)

    @property
    def text(self) -> str:
        """What the card says: "▲ +2.1 pts since run 4", "no change since run 4", "first run"."""
        if self.first_run:
            return FIRST_RUN
        run = f"run {self.previous_run}"
        if self.direction is None:
            if self.previous is None:
                return f"not in {run}"
            return f"{shown(self.kind, self.previous)} in {run}"
        if self.direction == SAME:
            return f"no change since {run}"
        return f"{ARROWS[self.direction]} {signed_difference(self)} since {run}"

    @property
    def title(self) -> str:
        """The hover title: the previous run's value."""
        if self.first_run:
            return FIRST_RUN_TITLE
        return f"Previous run ({self.previous_run}): {shown(self.kind, self.previous)}"


def shown(kind: str, value: float | None) -> str:
    """A KPI's value as its card shows it."""
    if kind == "rate":
        return theme.percent(value)
    if kind == "money":
        return theme.money(value)
    if kind == "score":
        return theme.number(value, 2)
    return theme.count(value)


def _signed(text: str, negative: bool) -> str:
    return f"{_MINUS if negative else '+'}{text}"


def signed_difference(change: KpiChange) -> str:
    """The difference as the card says it: "+1,204 (+4.5%)", "−$310 (−1.2%)", "+2.1 pts",
    "+0.03"."""
    difference, negative = abs(change.difference), change.difference < 0
    if change.kind == "rate":
        return _signed(f"{difference * 100:.1f} pts", negative)
    if change.kind == "score":
        return _signed(f"{difference:.2f}", negative)
    amount = _signed(shown(change.kind, difference), negative)
    relative = change.relative
    if relative is None:
        return amount
    return f"{amount} ({_signed(f'{abs(relative):.1%}', relative < 0)})"


def _known(value) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def kpi_change(kpi: Kpi, current, previous, previous_run: int | None) -> KpiChange:
    """How `current` moved from `previous`, the value of `previous_run` (None: no earlier run)."""
    now, before = _known(current), _known(previous)
    if previous_run is None or now is None or before is None:
        return KpiChange(kpi.kind, previous_run, before, None, None, NEUTRAL)
    difference = now - before
    if abs(difference) < RESOLUTION[kpi.kind]:
        return KpiChange(kpi.kind, previous_run, before, difference, SAME, NEUTRAL)
    direction = UP if difference > 0 else DOWN
    tone = NEUTRAL if kpi.better is None else GOOD if direction == kpi.better else BAD
    return KpiChange(kpi.kind, previous_run, before, difference, direction, tone)


def kpi_changes(
    kpis: Mapping[str, Kpi],
    current: Mapping,
    previous: Mapping | None,
    previous_run: int | None,
) -> dict[str, KpiChange]:
    """Every KPI of `kpis` of this run (`current`) against `previous`, the KPIs of the previous
    run of the same kind (None, as `previous_run`, when there is none)."""
    before = previous or {}
    return {
        name: kpi_change(kpi, current.get(name), before.get(name), previous_run)
        for name, kpi in kpis.items()
    }


def _utc(moment: datetime) -> datetime:
    # SQLite hands back the stored UTC times without their zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_ago(then: datetime, now: datetime) -> str:
    """`then` in words from `now`: "just now", "5 minutes ago", "2 hours ago", "3 days ago",
    then the date. A time in the future (clocks apart) reads as just now."""
    seconds = (_utc(now) - _utc(then)).total_seconds()
    for unit, size, up_to in (
        ("minute", 60, 60),
        ("hour", 3600, 24),
        ("day", 86_400, 31),
    ):
        count = int(seconds // size)
        if count < up_to:
            if count < 1:
                return "just now"
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return f"on {_utc(then):%d %b %Y}"


def exact_time(moment: datetime) -> str:
    return f"{_utc(moment):%d %b %Y %H:%M} UTC"
