import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from analytics.steps import backtest
from analytics.steps.fairness import MIN_GROUP_SIZE, age_bands, fairness_report


def biased_holdout(female_selected: int, male_selected: int) -> tuple:
    """100 women and 100 men, half of each buying; the model selects the first
    `female_selected` women and `male_selected` men, buyers first."""
    rows = []
    for gender, selected in (("Female", female_selected), ("Male", male_selected)):
        for i in range(100):
            rows.append(
                {
                    "Gender": gender,
                    "Age": 20 + (i % 5) * 10,  # 20 of each band
                    "bought": int(i < 50),
                    "score": 0.9 if i < selected else 0.1,
                }
            )
    frame = pd.DataFrame(rows)
    return frame["bought"].to_numpy(), frame["score"].to_numpy(), frame[["Gender", "Age"]]


def test_a_model_that_selects_fewer_men_is_below_the_four_fifths_rule():
    y, scores, customers = biased_holdout(female_selected=70, male_selected=50)
    gender = fairness_report(y, scores, 0.5, customers)["attributes"]["gender"]
    assert gender["groups"]["Female"]["selection_rate"] == pytest.approx(0.7)
    assert gender["groups"]["Male"]["selection_rate"] == pytest.approx(0.5)
    assert gender["max_selection_rate_ratio"] == pytest.approx(0.5 / 0.7)
    assert gender["verdict"].startswith(
        "Selection rate for Male is 0.71× Female's: below the four-fifths rule."
    )
    # Women: all 50 buyers and 20 of 50 non-buyers selected; men: all 50 buyers and none else.
    assert gender["groups"]["Female"]["false_positive_rate"] == pytest.approx(0.4)
    assert gender["groups"]["Male"]["false_positive_rate"] == 0
    assert gender["max_tpr_gap"] == 0


def test_a_model_that_selects_both_alike_is_within_the_rule():
    y, scores, customers = biased_holdout(female_selected=60, male_selected=55)
    gender = fairness_report(y, scores, 0.5, customers)["attributes"]["gender"]
    assert gender["max_selection_rate_ratio"] == pytest.approx(55 / 60)
    assert "0.92× Female's: within the four-fifths rule" in gender["verdict"]


def test_groups_by_hand():
    y = np.array([1, 1, 0, 0, 1, 0])
    scores = np.array([0.8, 0.3, 0.6, 0.2, 0.9, 0.1])
    customers = pd.DataFrame({"Gender": ["F", "F", "F", "F", "M", "M"]})
    gender = fairness_report(y, scores, 0.5, customers)["attributes"]["gender"]
    female = gender["groups"]["F"]
    assert female == pytest.approx(
        {
            "size": 4,
            "base_rate": 0.5,
            "selection_rate": 0.5,
            "true_positive_rate": 0.5,
            "false_positive_rate": 0.5,
            "brier": (0.2**2 + 0.7**2 + 0.6**2 + 0.2**2) / 4,
        }
    )
    assert gender["max_tpr_gap"] == pytest.approx(0.5)


def test_a_group_without_buyers_has_no_true_positive_rate():
    y = np.array([1, 0, 0, 0])
    scores = np.array([0.9, 0.1, 0.8, 0.1])
    customers = pd.DataFrame({"Gender": ["F", "F", "M", "M"]})
    gender = fairness_report(y, scores, 0.5, customers)["attributes"]["gender"]
    assert gender["groups"]["M"]["true_positive_rate"] is None
    assert gender["max_tpr_gap"] == 0  # only one group has buyers to find


def test_small_age_bands_are_merged_with_a_neighbour_and_said_so():
    ages = pd.Series([20] * 40 + [30] * 40 + [40] * 40 + [50] * 20 + [60] * 15)
    labels, notes = age_bands(ages)
    assert labels.value_counts().to_dict() == {"under 25": 40, "25–34": 40, "35–44": 40, "45+": 35}
    assert notes == [
        f"Age bands 45–54 and 55+ are merged into 45+: 55+ has 15 holdout customers, fewer "
        f"than {MIN_GROUP_SIZE}."
    ]


def test_age_bands_are_listed_youngest_first():
    ages = pd.Series([60] * 40 + [20] * 40 + [30] * 40)
    y = np.tile([0, 1], 60)
    report = fairness_report(y, np.full(120, 0.6), 0.5, pd.DataFrame({"Age": ages}))
    assert list(report["attributes"]["age_band"]["groups"]) == ["under 25", "25–54", "55+"]


def test_an_attribute_the_file_lacks_is_left_out_and_said_so():
    y, scores, customers = biased_holdout(70, 50)
    report = fairness_report(y, scores, 0.5, customers[["Age"]])
    assert list(report["attributes"]) == ["age_band"]
    assert report["notes"] == ["No fairness by gender: the file has no Gender."]


def test_nobody_selected_has_no_ratio():
    y, _, customers = biased_holdout(0, 0)
    gender = fairness_report(y, np.zeros(200), 0.5, customers)["attributes"]["gender"]
    assert gender["max_selection_rate_ratio"] is None
    assert "selects no one" in gender["verdict"]


def test_every_metric_equals_its_row_by_row_definition_on_a_large_holdout():
    rng = np.random.default_rng(4)
    rows = 50_000
    customers = pd.DataFrame(
        {"Gender": rng.choice(["Female", "Male"], rows), "Age": rng.integers(18, 70, rows)}
    )
    scores = rng.random(rows)
    y = (rng.random(rows) < scores).astype(int)
    report = fairness_report(y, scores, 0.5, customers)["attributes"]["gender"]
    for name, stats in report["groups"].items():
        member = customers["Gender"].to_numpy() == name
        bought, chosen = y[member] == 1, scores[member] >= 0.5
        assert stats == pytest.approx(
            {
                "size": member.sum(),
                "base_rate": bought.mean(),
                "selection_rate": chosen.mean(),
                "true_positive_rate": chosen[bought].mean(),
                "false_positive_rate": chosen[~bought].mean(),
                "brier": brier_score_loss(y[member], scores[member]),
            }
        )


def test_an_order_log_backtest_reports_the_repeat_propensity_by_every_small_attribute():
    """Label: at least one holdout order (customers without any are missing from `actual`);
    selected: p_repeat >= 0.5. Women are selected at 60 %, men at 40 %; Region (3 values) is
    compared too, a free-text column (200 values) is not."""
    index = pd.Index([f"c{i}" for i in range(200)], name="customer_id")
    position = np.arange(200) % 100
    gender = np.where(np.arange(200) < 100, "Female", "Male")
    selected = np.where(gender == "Female", position < 60, position < 40)
    predicted = pd.DataFrame({"p_repeat": np.where(selected, 0.8, 0.2)}, index=index)
    ordered = position < 50  # half of each gender orders again in the holdout
    actual = pd.Series(np.arange(1, 201)[ordered], index=index[ordered])
    attributes = pd.DataFrame(
        {
            "Gender": gender,
            "Age": 20.0 + (position % 5) * 10,
            "Region": np.array(["North", "South", "West"])[np.arange(200) % 3],
            "Note": [f"note {i}" for i in range(200)],
        },
        index=index,
    ).iloc[::-1]  # attributes in another order than the predictions: aligned by customer

    report = backtest.holdout_fairness(predicted, actual, attributes)

    assert report["threshold"] == 0.5
    assert list(report["attributes"]) == ["gender", "age_band", "region"]
    gender_report = report["attributes"]["gender"]
    assert gender_report["groups"]["Female"]["selection_rate"] == pytest.approx(0.6)
    assert gender_report["groups"]["Male"]["selection_rate"] == pytest.approx(0.4)
    assert gender_report["groups"]["Male"]["base_rate"] == pytest.approx(0.5)
    # Women: all 50 who ordered and 10 of the 50 others selected; men: 40 of the 50 who did.
    assert gender_report["groups"]["Female"]["true_positive_rate"] == pytest.approx(1.0)
    assert gender_report["groups"]["Female"]["false_positive_rate"] == pytest.approx(0.2)
    assert gender_report["groups"]["Male"]["true_positive_rate"] == pytest.approx(0.8)
    assert gender_report["max_selection_rate_ratio"] == pytest.approx(0.4 / 0.6)
    assert "below the four-fifths rule" in gender_report["verdict"]
    assert list(report["attributes"]["age_band"]["groups"]) == [
        "under 25",
        "25–34",
        "35–44",
        "45–54",
        "55+",
    ]
    assert set(report["attributes"]["region"]["groups"]) == {"North", "South", "West"}


def test_an_order_log_without_attributes_says_there_is_no_fairness_by_group():
    predicted = pd.DataFrame({"p_repeat": [0.2, 0.8]}, index=pd.Index(["a", "b"]))
    report = backtest.holdout_fairness(predicted, pd.Series({"b": 1}), pd.DataFrame(index=["a"]))
    assert report["attributes"] == {}
    assert report["notes"] == ["No fairness by group: the log has no customer attributes."]
