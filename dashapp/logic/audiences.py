"""Pure helpers of saved audiences (filters of the segment explorer under a name): the link
that reopens one, what an export of the filters holds, and an audience's size run by run."""

from collections.abc import Sequence
from urllib.parse import urlencode

from dashapp.logic import explorer_link
from dashapp.ui import theme

# The explorer's link parameter naming the audience its filters were opened from.
AUDIENCE_PARAM = "audience"
# The link's parameter of the segment choice (explorer_link.query_string writes it).
SEGMENT_PARAM = "segment"


def open_link(path: str, query: str, audience_id: int, run_id: int | None = None) -> str:
    """The explorer's address that reopens an audience: its filters' `query`, on the run named
    (an order-log run, which the explorer opens only by its id) or else the latest."""
    run = urlencode({"run": run_id}) + "&" if run_id is not None else ""
    filters = f"{query}&" if query else ""
    return f"{path}?{run}{filters}{urlencode({AUDIENCE_PARAM: audience_id})}"


def export_description(query: str) -> tuple[list[int], bool]:
    """What an export of the filters in `query` (the explorer's link) holds, for its file name:
    the segments chosen as shown (from 1; empty: all of them), and whether other filters narrow
    the customers."""
    parameters = explorer_link.parameters(query)
    chosen = parameters.get(SEGMENT_PARAM)
    segments = [int(number) for number in chosen.split(",") if number] if chosen else []
    return segments, bool(set(parameters) - {SEGMENT_PARAM})


def size_trail(run_ids: Sequence[int], sizes: Sequence[int | None]) -> str:
    """An audience's size on each run, oldest first: "run 3: 1,204 → run 5: 1,310"; a run its
    filters do not fit (None) is "run 5: n/a"."""
    if not run_ids:
        return "No published run yet"
    return " → ".join(
        f"run {run_id}: {'n/a' if size is None else theme.count(size)}"
        for run_id, size in zip(run_ids, sizes, strict=True)
    )
