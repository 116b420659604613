"""The scatter selection of the segment explorer: reading Plotly's selection event, and which
points lie inside a box or a lasso."""

from collections.abc import Mapping

import numpy as np

# A lasso keeps at most this many vertices so that a shared link stays a reasonable length.
LASSO_VERTICES = 60

# The scatter selection, stored as {"kind": "box" | "lasso", "x": column, "y": column,
# "xs": [...], "ys": [...]}: a box keeps its two x and two y bounds, a lasso its vertices.


def selection_from_event(selected_data: Mapping | None, x: str, y: str) -> dict | None:
    """The selection of a Plotly `selectedData` event on an x/y scatter, or None if it has none."""
    if not selected_data:
        return None
    if box := selected_data.get("range"):
        xs, ys = box.get("x"), box.get("y")
        if xs and ys:
            return {
                "kind": "box",
                "x": x,
                "y": y,
                "xs": _rounded(sorted(xs)),
                "ys": _rounded(sorted(ys)),
            }
    if lasso := selected_data.get("lassoPoints"):
        xs, ys = lasso.get("x") or [], lasso.get("y") or []
        if len(xs) >= 3 and len(xs) == len(ys):
            spread = np.linspace(0, len(xs) - 1, min(len(xs), LASSO_VERTICES))
            keep = np.unique(spread.round().astype(int))
            return {
                "kind": "lasso",
                "x": x,
                "y": y,
                "xs": _rounded([xs[i] for i in keep]),
                "ys": _rounded([ys[i] for i in keep]),
            }
    return None


def inside_selection(selection: Mapping, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points (xs[i], ys[i]) lie in the selection; missing values never do."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    sx, sy = np.asarray(selection["xs"], dtype=float), np.asarray(selection["ys"], dtype=float)
    in_bounds = (xs >= sx.min()) & (xs <= sx.max()) & (ys >= sy.min()) & (ys <= sy.max())
    if selection["kind"] == "box":
        return in_bounds
    candidates = np.flatnonzero(in_bounds)
    inside = np.zeros(len(xs), dtype=bool)
    inside[candidates] = _in_polygon(xs[candidates], ys[candidates], sx, sy)
    return inside


def _in_polygon(px: np.ndarray, py: np.ndarray, vx: np.ndarray, vy: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside when a ray to its right crosses the edges an odd number
    of times."""
    inside = np.zeros(len(px), dtype=bool)
    previous = len(vx) - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        for current in range(len(vx)):
            x1, y1, x2, y2 = vx[current], vy[current], vx[previous], vy[previous]
            straddles = (y1 > py) != (y2 > py)
            crossing_x = (x2 - x1) * (py - y1) / (y2 - y1) + x1
            inside ^= straddles & (px < crossing_x)
            previous = current
    return inside


def _rounded(values: list[float]) -> list[float]:
    return [float(f"{float(v):.6g}") for v in values]
