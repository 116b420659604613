"""The model page's study cards: fairness by group with its verdicts, and the sampling table."""

from dashapp.pages.model import ids
from dashapp.pages.model.study import fairness_card, sampling_card

FAIRNESS = {
    "threshold": 0.5,
    "attributes": {
        "gender": {
            "groups": {
                name: {
                    "size": 100,
                    "base_rate": 0.5,
                    "selection_rate": rate,
                    "true_positive_rate": 0.9,
                    "false_positive_rate": None,
                    "brier": 0.12,
                }
                for name, rate in (("Female", 0.7), ("Male", 0.5))
            },
            "max_selection_rate_ratio": 0.71,
            "max_tpr_gap": 0.0,
            "verdict": "Selection rate for Male is 0.71× Female's: below the four-fifths rule.",
        }
    },
    "notes": ["No fairness by age band: the file has no Age."],
}


def texts(component) -> list[str]:
    """Every string in a component tree, depth first."""
    if isinstance(component, str | int | float):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [text for child in component for text in texts(child)]
    children = getattr(component, "children", None)
    return [] if children is None else texts(children)


def find(component, component_id: str):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_fairness_table_shows_each_group_and_the_verdict():
    card = fairness_card(FAIRNESS, 0.5)
    table = texts(find(card, ids.MODEL_FAIRNESS))
    assert table[:2] == ["Attribute", "Group"]
    assert table[8:16] == ["Gender", "Female", "100", "50.0%", "70.0%", "90.0%", "—", "0.120"]
    assert table[16:18] == ["", "Male"]
    verdict = " ".join(texts(find(card, ids.MODEL_FAIRNESS_VERDICT)))
    assert "0.71× Female's: below the four-fifths rule" in verdict
    assert "No fairness by age band: the file has no Age." in texts(card)


def test_runs_stored_before_the_study_say_so():
    assert "Analyse the file again" in " ".join(
        texts(find(fairness_card(None, 0.5), ids.MODEL_FAIRNESS))
    )
    assert "Analyse the file again" in " ".join(
        texts(find(sampling_card(None), ids.MODEL_SAMPLING))
    )


def test_the_sampling_table_lists_every_part_and_fold():
    sampling = {
        "population_rate": 0.414,
        "train_rate": 0.41375,
        "test_rate": 0.415,
        "fold_rates": [0.4125, 0.41875],
        "population_rows": 1000,
        "train_rows": 800,
        "test_rows": 200,
        "fold_rows": [400, 400],
    }
    rows = texts(find(sampling_card(sampling), ids.MODEL_SAMPLING))[3:]
    assert rows == [
        "Population", "1,000", "41.4%",
        "Training part", "800", "41.4%",
        "Holdout", "200", "41.5%",
        "CV fold 1", "400", "41.2%",
        "CV fold 2", "400", "41.9%",
    ]  # fmt: skip
