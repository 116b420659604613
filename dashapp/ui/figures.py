"""Pure figure builders: DataFrames in, `go.Figure` out; no database, no Dash."""

import pandas as pd
import plotly.graph_objects as go

from dashapp.ui import theme


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
    # Room above the matrix for the toolbar, which otherwise covers its top row and the colour
    # bar's title.
    return theme.base_layout(figure).update_layout(margin={"t": 36})


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
            # Each bar sits just below its name, which is written inside the plot above it, so
            # long names never squeeze the bars in a narrow card.
            width=0.45,
            offset=0.05,
            textposition="outside",
            textangle=0,
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x:,} customers<extra></extra>",
        )
    )
    figure.update_layout(showlegend=False)
    figure.update_yaxes(
        autorange="reversed", ticklabelposition="inside top", ticks="", showgrid=False
    )
    # Each bar states its count, so no axis; room to the right of the longest for its text.
    figure.update_xaxes(visible=False, range=[0, segments["size"].max() * 1.35])
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


def segment_moves(moves: pd.DataFrame) -> go.Figure:
    """Customers per (segment before, segment now) as an annotated heatmap."""
    if moves.empty:
        return empty_figure("No customers in common between the two runs")
    figure = go.Figure(
        go.Heatmap(
            z=moves.to_numpy(),
            x=[str(label) for label in moves.columns],
            y=[str(label) for label in moves.index],
            colorscale="Blues",
            xgap=1,
            ygap=1,
            texttemplate="%{z:,}",
            hovertemplate="before: %{y}<br>now: %{x}<br>%{z:,} customers<extra></extra>",
            showscale=False,
        )
    )
    # Columns are labelled by segment number only; the hover and the rows carry the names.
    figure.update_xaxes(
        title_text="Segment now",
        side="top",
        automargin=True,
        tickvals=[str(label) for label in moves.columns],
        ticktext=[str(label).split(".", 1)[0] for label in moves.columns],
    )
    figure.update_yaxes(title_text="Segment before", autorange="reversed", automargin=True)
    # The column titles sit on top: room above them keeps the graph's toolbar off the title.
    return theme.base_layout(figure).update_layout(margin={"t": 80})


def _model_reference_line(x: list[float], y: list[float], name: str) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        line={"color": theme.REFERENCE_COLOUR, "dash": "dash", "width": 1.5},
        hoverinfo="skip",
    )


def _model_unit_axes(figure: go.Figure, x_title: str, y_title: str) -> go.Figure:
    """Both axes from 0 to 100 %, for curves of rates and probabilities. The legend goes below
    the plot: above it, it would sit under the mode bar, and inside it, over the curve on a
    phone."""
    figure.update_xaxes(title_text=x_title, range=[-0.01, 1.02], tickformat=".0%", automargin=True)
    figure.update_yaxes(title_text=y_title, range=[-0.01, 1.02], tickformat=".0%", automargin=True)
    theme.base_layout(figure)
    figure.update_layout(margin_t=30, legend={"y": -0.22, "yanchor": "top"})
    return figure


def model_roc(roc: pd.DataFrame, roc_auc: float) -> go.Figure:
    """The holdout ROC curve (columns fpr, tpr, threshold) against the chance diagonal."""
    if roc.empty:
        return empty_figure("No ROC curve stored for this model")
    figure = go.Figure(
        [
            go.Scatter(
                x=roc["fpr"],
                y=roc["tpr"],
                customdata=roc["threshold"],
                mode="lines",
                name=f"Model (ROC-AUC {theme.number(roc_auc, 3)})",
                line={"color": theme.MODEL_COLOUR, "width": 2.5},
                hovertemplate="Threshold %{customdata:.2f}<br>%{y:.0%} of buyers reached<br>"
                "%{x:.0%} of non-buyers contacted<extra></extra>",
            ),
            _model_reference_line([0, 1], [0, 1], "Chance"),
        ]
    )
    return _model_unit_axes(figure, "Non-buyers contacted (FPR)", "Buyers reached (TPR)")


def model_precision_recall(
    pr: pd.DataFrame, average_precision: float, base_rate: float
) -> go.Figure:
    """The holdout precision-recall curve against a random ordering (the purchase rate)."""
    if pr.empty:
        return empty_figure("No precision-recall curve stored for this model")
    figure = go.Figure(
        [
            go.Scatter(
                x=pr["recall"],
                y=pr["precision"],
                mode="lines",
                name=f"Model (PR-AUC {theme.number(average_precision, 3)})",
                line={"color": theme.MODEL_COLOUR, "width": 2.5},
                hovertemplate="%{x:.0%} of buyers reached<br>"
                "%{y:.0%} of those contacted buy<extra></extra>",
            ),
            _model_reference_line(
                [0, 1], [base_rate, base_rate], f"Random (purchase rate {theme.percent(base_rate)})"
            ),
        ]
    )
    return _model_unit_axes(figure, "Buyers reached (recall)", "Contacts who buy (precision)")


def model_calibration(calibration: pd.DataFrame) -> go.Figure:
    """Observed purchase rate per bin of predicted probability (columns predicted, observed)."""
    if calibration.empty:
        return empty_figure("No calibration curve stored for this model")
    figure = go.Figure(
        [
            go.Scatter(
                x=calibration["predicted"],
                y=calibration["observed"],
                mode="lines+markers",
                name="Model (holdout, 10 equal-sized bins)",
                line={"color": theme.MODEL_COLOUR, "width": 2.5},
                marker={"size": 8},
                hovertemplate="Predicted %{x:.0%}<br>actually bought %{y:.0%}<extra></extra>",
            ),
            _model_reference_line([0, 1], [0, 1], "Perfectly calibrated"),
        ]
    )
    return _model_unit_axes(figure, "Predicted probability", "Share who bought")


def model_lift(lift: pd.DataFrame) -> go.Figure:
    """Lift bars and the cumulative share of buyers by score decile (decile 1 scores highest);
    columns decile, customers, buyers, rate, lift, cumulative_gain."""
    if lift.empty:
        return empty_figure("No lift table stored for this model")
    deciles = [str(decile) for decile in lift["decile"]]
    figure = go.Figure(
        [
            go.Bar(
                x=deciles,
                y=lift["lift"],
                name="Lift (× the purchase rate)",
                marker_color=theme.MODEL_COLOUR,
                customdata=lift[["buyers", "customers", "rate"]].to_numpy(),
                text=[f"{value:.1f}×" for value in lift["lift"]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="Decile %{x}: %{customdata[0]:,} of %{customdata[1]:,} bought "
                "(%{customdata[2]:.0%}), lift %{y:.2f}<extra></extra>",
            ),
            go.Scatter(
                x=deciles,
                y=lift["cumulative_gain"],
                yaxis="y2",
                mode="lines+markers",
                name="Buyers reached so far",
                line={"color": theme.PURCHASED_COLOUR, "width": 2.5},
                hovertemplate="Top %{x} deciles reach %{y:.0%} of buyers<extra></extra>",
            ),
        ]
    )
    theme.base_layout(figure)
    figure.update_layout(
        # Below the plot: above it, the legend would sit under the mode bar on a phone.
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0},
        xaxis_title="Score decile (1 = most likely to buy)",
        # Room above the bars for the mode bar.
        margin_t=30,
        yaxis={"title": {"text": "Lift"}, "rangemode": "tozero", "automargin": True},
        # The legend names this axis: a title would be cut off at the card's edge on a phone.
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "tickformat": ".0%",
            "showgrid": False,
            "automargin": True,
        },
    )
    return figure


def model_importance(importance: pd.DataFrame) -> go.Figure:
    """Permutation importance (columns feature, mean, std) as bars with ±1 std error bars."""
    if importance.empty:
        return empty_figure("No feature importance stored for this model")
    ranked = importance.sort_values("mean", ascending=False)
    figure = go.Figure(
        go.Bar(
            x=ranked["mean"],
            y=ranked["feature"],
            orientation="h",
            error_x={"type": "data", "array": ranked["std"], "color": theme.REFERENCE_COLOUR},
            marker_color=theme.MODEL_COLOUR,
            customdata=ranked["std"],
            hovertemplate="%{y}: ROC-AUC drops by %{x:.3f} ± %{customdata:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="ROC-AUC drop when shuffled")
    figure.update_yaxes(autorange="reversed", automargin=True)
    theme.base_layout(figure)
    # Room above the bars for the mode bar.
    figure.update_layout(showlegend=False, margin_t=36)
    return figure


def model_confusion_cells(matrix: pd.DataFrame, threshold: float) -> dict:
    """The parts of `model_confusion`'s heatmap that depend on the threshold (z, x and text), so
    that a page can patch just these when the threshold moves."""
    counts = matrix.to_numpy().tolist()
    captions = [
        ["correctly skipped", "wasted contacts"],
        ["missed buyers", "buyers reached"],
    ]
    return {
        "z": counts,
        # Two lines, so that the labels stay level in a phone-wide card.
        "x": [f"Not contacted<br>(< {threshold:.2f})", f"Contacted<br>(≥ {threshold:.2f})"],
        "text": [
            [
                f"<b>{theme.count(count)}</b><br>{caption}"
                for count, caption in zip(row, labels, strict=True)
            ]
            for row, labels in zip(counts, captions, strict=True)
        ],
    }


def model_confusion(matrix: pd.DataFrame, threshold: float) -> go.Figure:
    """An annotated 2×2 confusion matrix laid out as `modelview.Confusion.as_frame()`: rows did
    not buy / bought, columns not contacted / contacted (score ≥ threshold)."""
    if not matrix.to_numpy().sum():
        return empty_figure("No holdout customers stored for this model")
    figure = go.Figure(
        go.Heatmap(
            **model_confusion_cells(matrix, threshold),
            y=list(matrix.index),
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale="Blues",
            showscale=False,
            hovertemplate="%{y}, %{x}: %{z:,} holdout customers<extra></extra>",
        )
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(autorange="reversed", automargin=True)
    theme.base_layout(figure)
    # Room above the matrix for the mode bar.
    figure.update_layout(margin_t=36)
    return figure


def whatif_contributions(contributions: pd.Series, baseline: float) -> go.Figure:
    """Horizontal bars of each input's Shapley contribution (a probability difference, indexed
    by feature) in percentage points against the reference customer, the largest at the top."""
    if contributions.empty:
        return empty_figure("No contributions to show")
    ordered = contributions.reindex(contributions.abs().sort_values(ascending=False).index)
    points = ordered * 100
    figure = go.Figure(
        go.Bar(
            x=points.to_numpy(),
            y=list(ordered.index),
            orientation="h",
            marker_color=[
                theme.RAISES_COLOUR if value >= 0 else theme.LOWERS_COLOUR for value in points
            ],
            text=[f"{value:+.1f} pts".replace("-", "−") for value in points],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.1f} percentage points<extra></extra>",
        )
    )
    theme.base_layout(figure)
    # Room above the bars for the mode bar, and beside them for the outside labels.
    low, high = min(float(points.min()), 0.0), max(float(points.max()), 0.0)
    padding = max(high - low, 1.0) * 0.35
    figure.update_layout(
        showlegend=False,
        margin={"t": 36},
        xaxis={
            "title": {"text": f"Points vs a typical customer ({baseline:.0%})"},
            "range": [low - padding * (low < 0), high + padding * (high > 0)],
            "zeroline": True,
            "zerolinecolor": theme.REFERENCE_COLOUR,
            "zerolinewidth": 1,
        },
        yaxis={"autorange": "reversed", "automargin": True, "ticksuffix": " "},
    )
    return figure


def price_sensitivity(
    curve: pd.DataFrame, current_price: float, current_probability: float, threshold: float
) -> go.Figure:
    """Purchase probability against price (columns price, probability) for one customer, with
    the customer's current price marked and the buy threshold as a dashed line."""
    if curve.empty:
        return empty_figure("No prices to show")
    figure = go.Figure(
        [
            go.Scatter(
                x=curve["price"],
                y=curve["probability"],
                mode="lines",
                name="Probability at each price",
                line={"color": theme.PRICE_CURVE_COLOUR, "width": 2.5},
                hovertemplate="$%{x:,.0f}: %{y:.1%}<extra></extra>",
            ),
            go.Scatter(
                x=[current_price],
                y=[current_probability],
                mode="markers",
                name=f"Now: {theme.money(current_price)} → {theme.percent(current_probability)}",
                marker={"color": theme.CURRENT_PRICE_COLOUR, "size": 12, "symbol": "diamond"},
                hovertemplate="Current price $%{x:,.0f}: %{y:.1%}<extra></extra>",
            ),
        ]
    )
    theme.base_layout(figure)
    # One layout update with plain shapes: add_hline and per-axis updates validate the figure
    # again each, which costs this per-keystroke figure several milliseconds.
    figure.update_layout(
        xaxis={"title": {"text": "Price"}, "tickprefix": "$", "tickformat": ",.0f"},
        yaxis={"title": {"text": "Purchase probability"}, "range": [0, 1], "tickformat": ".0%"},
        # Below the plot, so that the legend never sits under the mode bar on a phone.
        legend={"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": threshold,
                "y1": threshold,
                "line": {"color": theme.THRESHOLD_COLOUR, "dash": "dash", "width": 1.5},
            }
        ],
        annotations=[
            {
                "text": f"Buy threshold {threshold:.0%}",
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "y": threshold,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": theme.THRESHOLD_COLOUR, "size": 11},
            }
        ],
    )
    return figure


def explorer_scatter(
    points: pd.DataFrame,
    segments: pd.DataFrame,
    total_customers: int,
    x: str,
    y: str,
    selection: dict | None = None,
) -> go.Figure:
    """cluster_scatter for exploring: dragging selects (box; lasso from the mode bar); with a
    selection, `points` has a boolean `selected` column whose points are highlighted, and the
    selection is drawn when it was made on these axes."""
    figure = cluster_scatter(points, segments, total_customers, x, y)
    if points.empty:
        return figure
    # Zoom and the chosen drag mode survive filter changes; the selection follows the filters.
    figure.update_layout(
        dragmode="select",
        uirevision=f"{x}/{y}",
        selectionrevision=str(selection),
        selections=[],
    )
    if selection is None:
        return figure
    for trace, (_, members) in zip(figure.data, points.groupby("segment", sort=True), strict=True):
        trace.selectedpoints = members["selected"].to_numpy().nonzero()[0]
    figure.update_traces(unselected={"marker": {"opacity": 0.12}})
    if (selection["x"], selection["y"]) == (x, y):
        figure.update_layout(selections=[_selection_shape(selection)])
    return figure


def _selection_shape(selection: dict) -> dict:
    """A stored box or lasso selection as a Plotly layout `selections` item."""
    xs, ys = selection["xs"], selection["ys"]
    line = {"color": "#212529", "width": 1}
    if selection["kind"] == "box":
        return {"type": "rect", "x0": xs[0], "x1": xs[1], "y0": ys[0], "y1": ys[1], "line": line}
    path = "L".join(f"{x},{y}" for x, y in zip(xs, ys, strict=True))
    return {"type": "path", "path": f"M{path}Z", "line": line}


def explorer_distribution(counts: pd.DataFrame, chosen: list[int]) -> go.Figure:
    """segment_distribution of the customers matching every filter but the segment choice, the
    chosen segments solid and the others faded; each bar carries its segment for clicks."""
    if counts.empty or counts["size"].sum() == 0:
        return empty_figure("No customers match these filters")
    figure = segment_distribution(counts)
    figure.update_traces(
        # A plain list: Dash reads a clicked point's customdata by index, which a packed numpy
        # array (sent base64-encoded) does not support.
        customdata=counts["segment"].tolist(),
        marker_opacity=[1.0 if segment in chosen else 0.3 for segment in counts["segment"]],
        hovertemplate="%{y}<br>%{x:,} customers<br>Click to show only this segment<extra></extra>",
    )
    return figure
