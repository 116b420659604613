import duckdb
import pandas as pd

from dashapp.logic import comparison
from dashapp.ui.figures.runs import segment_moves


def test_metric_changes_formats_each_kind():
    previous = {
        "rows": 3_000,
        "k": 4,
        "purchase_rate": 0.465,
        "model": "Random Forest",
        "cv_roc_auc": 0.867,
        "holdout_accuracy": 0.762,
    }
    current = {
        "rows": 1_000,
        "k": 8,
        "purchase_rate": 0.414,
        "model": "Random Forest",
        "cv_roc_auc": 0.892,
        "holdout_accuracy": None,
    }
    table = comparison.metric_changes(previous, current).set_index("figure")
    assert table.loc["Customers"].tolist() == ["3,000", "1,000", "-2,000"]
    assert table.loc["Purchase rate", "change"] == "-5.1 points"
    assert table.loc["Model", "change"] == "same"
    assert table.loc["CV ROC-AUC", "change"] == "+0.025"
    assert table.loc["Holdout accuracy"].tolist() == ["76.2%", "—", "—"]


def test_segment_moves_match_customers_by_id():
    before = pd.DataFrame({"Customer ID": ["a", "b", "c", "d"], "segment": [0, 0, 1, 1]})
    now = pd.DataFrame({"Customer ID": ["a", "b", "c", "e", "a"], "segment": [0, 1, 1, 0, 1]})
    database = duckdb.connect()
    for name, frame in (("before", before), ("now", now)):
        database.register(name, frame.assign(row_number=range(len(frame))))
    counts = database.execute(comparison.moves_query("before", "now")).df()
    moves = comparison.segment_moves(
        counts, {0: "1. A", 1: "2. B", 2: "3. C"}, {0: "1. X", 1: "2. Y"}
    )
    assert moves.loc["1. A", "1. X"] == 1 and moves.loc["1. A", "2. Y"] == 1
    assert moves.loc["2. B", "2. Y"] == 1
    assert moves.loc["3. C"].tolist() == [0, 0]  # a segment nobody stayed in still shows
    assert moves.to_numpy().sum() == 3  # d and e are in one run only; a counts once


def test_segment_moves_figure():
    moves = pd.DataFrame([[5, 1], [0, 7]], index=["1. A", "2. B"], columns=["1. X", "2. Y"])
    figure = segment_moves(moves)
    heatmap = figure.data[0]
    assert heatmap.z.tolist() == [[5, 1], [0, 7]]
    # Column titles on top, below the graph's toolbar (about 30 px high) rather than under it.
    assert figure.layout.xaxis.side == "top" and figure.layout.margin.t >= 60


def test_segment_moves_rows_are_named_short_enough_for_a_phone():
    long_name = "4. Middle-aged high earners, premium products"
    moves = pd.DataFrame([[5, 1], [0, 7]], index=["1. A", long_name], columns=["1. X", "2. Y"])
    yaxis = segment_moves(moves).layout.yaxis
    assert list(yaxis.tickvals) == ["1. A", long_name]  # the hover still names the whole row
    assert yaxis.ticktext[0] == "1. A"
    assert yaxis.ticktext[1] == "4. Middle-aged high…" and len(yaxis.ticktext[1]) <= 20
    empty = segment_moves(moves.iloc[0:0, 0:0])
    assert empty.layout.annotations[0].text == "No customers in common between the two runs"
