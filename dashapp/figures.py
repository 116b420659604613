"""Pure figure builders: DataFrames in, `go.Figure` out; no database, no Dash."""

import pandas as pd
import plotly.graph_objects as go

from dashapp import theme


def empty_figure(message: str) -> go.Figure:
    """A designed placeholder for when there is nothing to draw."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#6c757d"})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return theme.base_layout(figure)


def age_distribution(bands: pd.DataFrame) -> go.Figure:
    """Stacked bars of customers per age band (age_from, age_to, purchased, not_purchased)."""
    if bands.empty:
        return empty_figure("No ages to show")
    labels = [f"{a}–{b - 1}" for a, b in zip(bands["age_from"], bands["age_to"], strict=True)]
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=bands["purchased"],
                name="Purchased",
                marker_color=theme.PURCHASED_COLOUR,
                hovertemplate="Age %{x}: %{y:,} buyers<extra></extra>",
            ),
            go.Bar(
                x=labels,
                y=bands["not_purchased"],
                name="Did not purchase",
                marker_color=theme.NOT_PURCHASED_COLOUR,
                hovertemplate="Age %{x}: %{y:,} non-buyers<extra></extra>",
            ),
        ]
    )
    figure.update_layout(barmode="stack", xaxis_title="Age", yaxis_title="Customers")
    return theme.base_layout(figure)


def salary_by_purchase(stats: pd.DataFrame) -> go.Figure:
    """Box plots drawn from stored quartiles, fences, mean and count per purchase status."""
    if stats.empty:
        return empty_figure("No salaries to show")
    figure = go.Figure()
    for row in stats.sort_values("purchased").itertuples():
        bought = row.purchased == 1
        label = f"{'Purchased' if bought else 'Did not purchase'} ({row.count:,})"
        figure.add_trace(
            go.Box(
                name=label,
                x=[label],
                q1=[row.q1],
                median=[row.median],
                q3=[row.q3],
                mean=[row.mean],
                lowerfence=[row.lower_fence],
                upperfence=[row.upper_fence],
                marker_color=theme.PURCHASED_COLOUR if bought else theme.NOT_PURCHASED_COLOUR,
                boxmean=True,
                hoverinfo="y",
            )
        )
    figure.update_layout(
        showlegend=False, yaxis_title="Salary", yaxis_tickprefix="$", yaxis_tickformat=",.0f"
    )
    return theme.base_layout(figure)


def correlation_heatmap(correlation: pd.DataFrame) -> go.Figure:
    """Annotated heatmap of a square correlation matrix, from −1 (blue) to +1 (red)."""
    if correlation.empty:
        return empty_figure("No correlations to show")
    figure = go.Figure(
        go.Heatmap(
            z=correlation.to_numpy(),
            x=list(correlation.columns),
            y=list(correlation.index),
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale="RdBu_r",
            texttemplate="%{z:.2f}",
            hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>",
            colorbar={"title": {"text": "r"}, "thickness": 12},
        )
    )
    figure.update_yaxes(autorange="reversed")
    return theme.base_layout(figure)


def segment_distribution(segments: pd.DataFrame) -> go.Figure:
    """Customers per segment, one colour per segment; columns segment, name, size, share."""
    if segments.empty:
        return empty_figure("No segments to show")
    labels = [
        theme.segment_label(s, n)
        for s, n in zip(segments["segment"], segments["name"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=segments["size"],
            y=labels,
            orientation="h",
            marker_color=[theme.segment_colour(s) for s in segments["segment"]],
            text=[
                f"{size:,} · {share:.0%}"
                for size, share in zip(segments["size"], segments["share"], strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}<br>%{x:,} customers<extra></extra>",
        )
    )
    figure.update_layout(xaxis_title="Customers", showlegend=False)
    figure.update_yaxes(autorange="reversed", automargin=True)
    return theme.base_layout(figure)


def cluster_scatter(
    points: pd.DataFrame,
    segments: pd.DataFrame,
    total_customers: int,
    x: str = "Age",
    y: str = "Salary",
) -> go.Figure:
    """WebGL scatter of a customer sample coloured by segment; the title says how many are shown."""
    if points.empty:
        return empty_figure("No customers to show")
    names = dict(zip(segments["segment"], segments["name"], strict=True))
    figure = go.Figure()
    for segment, members in points.groupby("segment", sort=True):
        figure.add_trace(
            go.Scattergl(
                x=members[x],
                y=members[y],
                mode="markers",
                name=theme.segment_label(segment, names.get(segment, f"Segment {segment + 1}")),
                marker={"color": theme.segment_colour(segment), "size": 6, "opacity": 0.7},
                hovertemplate=f"{x} %{{x:,}}<br>{y} %{{y:,}}<extra>%{{fullData.name}}</extra>",
            )
        )
    shown = len(points)
    note = (
        f"all {shown:,} customers"
        if shown >= total_customers
        else f"random sample of {shown:,} of {total_customers:,} customers"
    )
    theme.base_layout(figure)
    # Below the plot, so that long segment names never sit under the mode bar.
    figure.update_layout(
        xaxis_title=x,
        yaxis_title=y,
        legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0},
    )
    figure.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#6c757d"},
    )
    return figure
