"""The model page's pure parts: the confusion matrix at a threshold, its sentences, its figures."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from sklearn.metrics import confusion_matrix

from dashapp.logic import modelview
from dashapp.ui import theme
from dashapp.ui.figures.model import (
    model_calibration,
    model_confusion,
    model_confusion_cells,
    model_importance,
    model_lift,
    model_precision_recall,
    model_roc,
)

LABELS = [0, 0, 0, 1, 1, 1, 1, 0]
SCORES = [0.1, 0.5, 0.7, 0.5, 0.9, 0.2, 0.6, 0.49]


def test_confusion_counts_scores_at_or_above_the_threshold_as_contacted():
    confusion = modelview.confusion_at(LABELS, SCORES, 0.5)
    # contacted: 0.5 (non-buyer), 0.7 (non-buyer), 0.5, 0.9, 0.6 (buyers); 0.49 is not.
    assert (confusion.tn, confusion.fp, confusion.fn, confusion.tp) == (2, 2, 1, 3)
    assert (confusion.customers, confusion.contacted, confusion.buyers) == (8, 5, 4)
    assert confusion.threshold == 0.5


def test_confusion_follows_the_threshold_to_both_ends():
    everyone = modelview.confusion_at(LABELS, SCORES, 0.05)
    nobody = modelview.confusion_at(LABELS, SCORES, 0.95)
    assert (everyone.tn, everyone.fp, everyone.fn, everyone.tp) == (0, 4, 0, 4)
    assert (nobody.tn, nobody.fp, nobody.fn, nobody.tp) == (4, 0, 4, 0)


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.71, 0.95])
def test_confusion_equals_scikit_learn_on_random_scores(threshold):
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, 1_000)
    scores = np.round(rng.random(1_000), 2)
    expected = confusion_matrix(labels, scores >= threshold, labels=[0, 1]).ravel()
    confusion = modelview.confusion_at(pd.Series(labels), pd.Series(scores), threshold)
    assert (confusion.tn, confusion.fp, confusion.fn, confusion.tp) == tuple(expected)


def test_confusion_refuses_labels_and_scores_of_different_lengths():
    with pytest.raises(ValueError, match="3 labels but 2 scores"):
        modelview.confusion_at([0, 1, 1], [0.2, 0.8], 0.5)


def test_confusion_frame_has_the_layout_the_heatmap_expects():
    frame = modelview.Confusion(0.5, tn=10, fp=2, fn=3, tp=7).as_frame()
    assert list(frame.index) == ["Did not buy", "Bought"]
    assert list(frame.columns) == ["Not contacted", "Contacted"]
    assert frame.to_numpy().tolist() == [[10, 2], [3, 7]]


def test_reach_sentence_counts_contacts_buyers_reached_and_missed():
    confusion = modelview.Confusion(0.5, tn=96, fp=20, fn=19, tp=64)
    assert modelview.reach_sentence(confusion) == (
        "At 0.50: contact 84 of 199 holdout customers, reaching 64 of 83 buyers (77.1%) and "
        "missing 19; 20 of those contacted would not buy."
    )


def test_reach_sentence_without_buyers_shows_no_percentage():
    sentence = modelview.reach_sentence(modelview.Confusion(0.3, tn=5, fp=1, fn=0, tp=0))
    assert f"reaching 0 of 0 buyers ({theme.MISSING})" in sentence


def test_choice_sentence_names_the_winner_and_the_runner_up():
    comparison = pd.DataFrame(
        {
            "name": ["Random Forest", "KNN", "Decision Tree"],
            "roc_auc": [0.8921, 0.8780, 0.8830],
            "selected": [True, False, False],
        }
    )
    assert modelview.choice_sentence(comparison) == (
        "Random Forest was chosen because it had the highest cross-validated ROC-AUC (0.892) of "
        "the 3 candidates; next best: Decision Tree (0.883)."
    )
    alone = comparison.iloc[:1]
    assert modelview.choice_sentence(alone).endswith("of the 1 candidates.")


def test_calibration_sentence_gives_the_brier_scores_either_way():
    metrics = {"brier": 0.125, "uncalibrated_brier": 0.131}
    assert "lowered the Brier score from 0.131 to 0.125" in modelview.calibration_sentence(
        True, metrics
    )
    kept = modelview.calibration_sentence(False, {"brier": 0.128, "uncalibrated_brier": 0.128})
    assert kept.startswith("Its probabilities are used as they are") and "(0.128)" in kept


def test_no_model_reason_reads_the_pipeline_note():
    notes = [
        "The file has no 'Price' column; it is left out of this run.",
        "No purchase model was published: 30 rows; at least 50 are needed.",
    ]
    assert modelview.no_model_reason(notes) == "30 rows; at least 50 are needed."
    assert modelview.no_model_reason(["Something else."]) == "Something else."
    assert modelview.no_model_reason([]) == "the run did not record why."


def test_roc_figure_draws_the_curve_and_the_chance_diagonal():
    roc = pd.DataFrame({"fpr": [0, 0.1, 1], "tpr": [0, 0.6, 1], "threshold": [1, 0.5, 0]})
    curve, chance = model_roc(roc, 0.8512).data
    assert isinstance(curve, go.Scatter) and list(curve.x) == [0, 0.1, 1]
    assert list(curve.y) == [0, 0.6, 1] and list(curve.customdata) == [1, 0.5, 0]
    assert curve.name == "Model (ROC-AUC 0.851)" and curve.line.color == theme.MODEL_COLOUR
    assert (list(chance.x), list(chance.y)) == ([0, 1], [0, 1])
    assert chance.line.color == theme.REFERENCE_COLOUR and chance.line.dash == "dash"


def test_precision_recall_figure_has_a_baseline_at_the_purchase_rate():
    pr = pd.DataFrame({"precision": [0.4, 0.8, 1.0], "recall": [1.0, 0.5, 0.0]})
    curve, baseline = model_precision_recall(pr, 0.77, 0.4).data
    assert list(curve.x) == [1.0, 0.5, 0.0] and list(curve.y) == [0.4, 0.8, 1.0]
    assert curve.name == "Model (PR-AUC 0.770)"
    assert list(baseline.y) == [0.4, 0.4] and baseline.name == "Random (purchase rate 40.0%)"


def test_calibration_figure_draws_bins_and_the_diagonal():
    calibration = pd.DataFrame({"predicted": [0.1, 0.5, 0.9], "observed": [0.15, 0.45, 0.92]})
    bins, diagonal = model_calibration(calibration).data
    assert bins.mode == "lines+markers" and list(bins.y) == [0.15, 0.45, 0.92]
    assert diagonal.name == "Perfectly calibrated" and list(diagonal.y) == [0, 1]


def test_lift_figure_has_bars_per_decile_and_the_cumulative_gain_on_a_second_axis():
    lift = pd.DataFrame(
        {
            "decile": [1, 2, 3],
            "customers": [10, 10, 10],
            "buyers": [9, 5, 1],
            "rate": [0.9, 0.5, 0.1],
            "lift": [1.8, 1.0, 0.2],
            "cumulative_gain": [0.6, 0.93, 1.0],
        }
    )
    figure = model_lift(lift)
    bars, gain = figure.data
    assert isinstance(bars, go.Bar) and list(bars.x) == ["1", "2", "3"]
    assert list(bars.y) == [1.8, 1.0, 0.2] and list(bars.text) == ["1.8×", "1.0×", "0.2×"]
    assert gain.yaxis == "y2" and list(gain.y) == [0.6, 0.93, 1.0]
    assert gain.line.color == theme.PURCHASED_COLOUR
    assert figure.layout.yaxis2.overlaying == "y" and figure.layout.yaxis2.tickformat == ".0%"


def test_importance_figure_ranks_features_with_std_error_bars():
    importance = pd.DataFrame(
        {"feature": ["Age", "Price", "Gender"], "mean": [0.05, 0.2, 0.0], "std": [0.01, 0.02, 0.0]}
    )
    bar = model_importance(importance).data[0]
    assert bar.orientation == "h" and list(bar.y) == ["Price", "Age", "Gender"]
    assert list(bar.x) == [0.2, 0.05, 0.0]
    assert bar.error_x.type == "data" and list(bar.error_x.array) == [0.02, 0.01, 0.0]


def test_confusion_figure_annotates_each_cell_with_its_count():
    frame = modelview.Confusion(0.35, tn=1200, fp=2, fn=3, tp=7).as_frame()
    heatmap = model_confusion(frame, 0.35).data[0]
    assert isinstance(heatmap, go.Heatmap)
    assert [list(row) for row in heatmap.z] == [[1200, 2], [3, 7]]
    assert list(heatmap.x) == ["Not contacted<br>(< 0.35)", "Contacted<br>(≥ 0.35)"]
    assert list(heatmap.y) == ["Did not buy", "Bought"]
    assert heatmap.text[0][0] == "<b>1,200</b><br>correctly skipped"
    assert heatmap.text[1][1] == "<b>7</b><br>buyers reached"


def test_confusion_cells_are_what_the_page_patches_when_the_threshold_moves():
    frame = modelview.Confusion(0.6, tn=5, fp=1, fn=2, tp=3).as_frame()
    cells = model_confusion_cells(frame, 0.6)
    heatmap = model_confusion(frame, 0.6).data[0]
    assert cells["z"] == [[5, 1], [2, 3]]
    assert cells["x"] == list(heatmap.x) == ["Not contacted<br>(< 0.60)", "Contacted<br>(≥ 0.60)"]
    assert cells["text"] == [list(row) for row in heatmap.text]


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (model_roc(pd.DataFrame(), 0.5), "No ROC curve stored for this model"),
        (model_lift(pd.DataFrame()), "No lift table stored for this model"),
        (
            model_confusion(modelview.Confusion(0.5, 0, 0, 0, 0).as_frame(), 0.5),
            "No holdout customers stored for this model",
        ),
    ],
)
def test_nothing_stored_draws_a_designed_placeholder(figure, message):
    assert figure.data == ()
    assert figure.layout.annotations[0].text == message


@pytest.mark.parametrize("threshold", [0.05, 0.5, 0.71])
def test_counted_holdout_gives_the_confusion_of_its_customers(threshold):
    from analytics.steps.classifier import holdout_counts

    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, 5_000)
    scores = np.round(rng.random(5_000), 2)
    counted = pd.DataFrame(holdout_counts(labels, scores))
    assert len(counted) <= 202
    each = modelview.confusion_at(labels, scores, threshold)
    assert modelview.holdout_confusion(counted, threshold) == each
    assert modelview.holdout_purchase_rate(counted) == pytest.approx(labels.mean())
