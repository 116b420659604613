"""Customers page charts of an order-log run: the R × FM grid, the ten RFM groups, how customers
moved between groups since the previous run, and expected value by behaviour segment. Pure: the
stored aggregates (analytics.steps.order_summaries) in, `go.Figure` out."""

import plotly.graph_objects as go

from dashapp.ui import theme
from dashapp.ui.figures.common import empty_figure

_SCORE_AXIS = {"tickmode": "array", "tickvals": [1, 2, 3, 4, 5], "showgrid": False}


def rfm_grid_heatmap(grid: dict) -> go.Figure:
    """Customers per (R, FM) cell, with revenue and share of customers on hover.

    `grid` is the stored rfm_grid: r_scores, fm_scores, and customers and revenue as 5 × 5 lists
    indexed [r - 1][fm - 1]. The figure's only z values are the stored counts, so the cells add
    up to the run's customers (the acceptance check reads them so).
    """
    counts = grid["customers"]
    total = sum(map(sum, counts))
    if total == 0:
        return empty_figure("No customers to place on the grid")
    hover = [
        [[revenue, customers / total] for customers, revenue in zip(c_row, r_row, strict=True)]
        for c_row, r_row in zip(counts, grid["revenue"], strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=grid["fm_scores"],
            y=grid["r_scores"],
            customdata=hover,
            colorscale=theme.COUNT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            texttemplate="%{z:,}",
            # Each cell states its count, so a colour bar would only take room.
            showscale=False,
            hovertemplate=(
                "R %{y} × FM %{x}<br>%{z:,} customers (%{customdata[1]:.1%})"
                "<br>Revenue $%{customdata[0]:,.0f}<extra></extra>"
            ),
        )
    )
    figure.update_xaxes(title="FM score: frequency & spend")
    figure.update_yaxes(title="R score: recency")
    figure.update_layout(xaxis=_SCORE_AXIS, yaxis=_SCORE_AXIS)
    return theme.base_layout(figure)


def rfm_group_bars(groups: list[dict], cells: dict[str, str] | None = None) -> go.Figure:
    """Each of the ten groups' share of customers (solid) beside its share of revenue (hatched,
    so the two differ without colour), one colour per group, its name above its bars.

    `groups` is the stored rfm_groups (group, customers, revenue, share) in rule order;
    `cells` names where each group sits on the R × FM grid, for the hover."""
    if not groups:
        return empty_figure("No RFM groups to show")
    names = [g["group"] for g in groups]
    colours = [theme.rfm_group_colour(name) for name in names]
    revenue = sum(g["revenue"] for g in groups)
    revenue_share = [g["revenue"] / revenue if revenue else 0.0 for g in groups]
    where = [(cells or {}).get(name, "") for name in names]
    figure = go.Figure(
        [
            go.Bar(
                name="Share of customers",
                x=[g["share"] for g in groups],
                y=names,
                orientation="h",
                marker={"color": colours, "line": {"color": colours, "width": 1}},
                customdata=[[g["customers"], cell] for g, cell in zip(groups, where, strict=True)],
                text=[f"{g['customers']:,} · {g['share']:.0%}" for g in groups],
                hovertemplate=(
                    "%{y} (%{customdata[1]})<br>%{customdata[0]:,} customers, "
                    "%{x:.1%} of all<extra></extra>"
                ),
            ),
            go.Bar(
                name="Share of revenue",
                x=revenue_share,
                y=names,
                orientation="h",
                marker={
                    "color": "white",
                    "line": {"color": colours, "width": 1.5},
                    "pattern": {"shape": "/", "fgcolor": colours, "solidity": 0.5},
                },
                customdata=[g["revenue"] for g in groups],
                text=[
                    f"{theme.money(g['revenue'])} · {share:.0%}"
                    for g, share in zip(groups, revenue_share, strict=True)
                ],
                hovertemplate="%{y}<br>Revenue $%{customdata:,.0f}, %{x:.1%} of all<extra></extra>",
            ),
        ]
    )
    figure.update_traces(
        textposition="outside",
        cliponaxis=False,
        textangle=0,
        width=0.2,
        constraintext="none",
        textfont={"size": 11},
    )
    # Both bars sit just below their group's name, which is written inside the plot above them,
    # so long names never squeeze the bars in a narrow card.
    figure.data[0].offset, figure.data[1].offset = 0.04, 0.26
    figure.update_layout(barmode="overlay")
    figure.update_yaxes(
        autorange="reversed", ticklabelposition="inside top", ticks="", showgrid=False
    )
    most = max([g["share"] for g in groups] + revenue_share) or 1
    figure.update_xaxes(visible=False, range=[0, most * 1.4])
    return theme.base_layout(figure)


def rfm_moves_heatmap(moves: list[dict], groups: list[str]) -> go.Figure:
    """Customers per (group in the previous run → group now), for customers in both runs.

    `moves` is the stored rfm_moves' list of {from, to, customers}; `groups` orders both axes
    (the ten groups in rule order). Cells no customer took stay blank."""
    if not moves:
        return empty_figure("No customer is in both runs")
    counts = {(m["from"], m["to"]): m["customers"] for m in moves}
    before_total = {
        before: sum(n for (b, _), n in counts.items() if b == before) for before in groups
    }
    z = [[counts.get((before, after)) for after in groups] for before in groups]
    share = [
        [(n / before_total[before]) if n else None for n in row]
        for before, row in zip(groups, z, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=groups,
            y=groups,
            customdata=share,
            colorscale=theme.COUNT_SCALE,
            zmin=0,
            xgap=1,
            ygap=1,
            hoverongaps=False,
            texttemplate="%{z:,}",
            # Each cell states its count, so a colour bar would only take room.
            showscale=False,
            hovertemplate=(
                "From %{y} to %{x}<br>%{z:,} customers"
                " (%{customdata:.0%} of the group's)<extra></extra>"
            ),
        )
    )
    # The names lie flat, slanted or upright, whichever the card's width leaves room for.
    figure.update_xaxes(title="Group now", autotickangles=[0, 35, 90], showgrid=False)
    figure.update_yaxes(title="Group in the previous run", autorange="reversed", showgrid=False)
    return theme.base_layout(figure)


def segment_value_bars(segments: list[dict]) -> go.Figure:
    """Expected value of each behaviour segment's customers over the horizon, one colour per
    segment; `segments` is the stored value_by_segment (segment, name, customers,
    expected_value, p_alive, p_repeat)."""
    if not segments:
        return empty_figure("No segments to show")
    labels = [theme.segment_label(s["segment"], s["name"]) for s in segments]
    figure = go.Figure(
        go.Bar(
            x=[s["expected_value"] for s in segments],
            y=labels,
            orientation="h",
            marker_color=[theme.segment_colour(s["segment"]) for s in segments],
            customdata=[[s["customers"], s["p_alive"], s["p_repeat"]] for s in segments],
            text=[theme.money(s["expected_value"]) for s in segments],
            width=0.45,
            offset=0.05,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "%{y}<br>Expected value $%{x:,.0f} from %{customdata[0]:,} customers"
                "<br>P(alive) %{customdata[1]:.0%} · P(repeat) %{customdata[2]:.0%}"
                "<extra></extra>"
            ),
        )
    )
    figure.update_layout(showlegend=False)
    figure.update_yaxes(
        autorange="reversed", ticklabelposition="inside top", ticks="", showgrid=False
    )
    most = max(s["expected_value"] for s in segments) or 1
    figure.update_xaxes(visible=False, range=[0, most * 1.35])
    return theme.base_layout(figure)
