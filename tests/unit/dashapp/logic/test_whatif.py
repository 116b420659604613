from dashapp.logic import whatif


def test_input_problems_are_sentences():
    assert whatif.input_problem(None, 1, 1) == "Enter the age to see a prediction."
    assert whatif.input_problem(30, 50_000, 2_000) is None
    assert whatif.input_problem(250, 50_000, 2_000) == "Age must be between 0 and 120."
    assert whatif.input_problem(30, None, 2_000) == "Enter the salary to see a prediction."


def test_bands():
    assert whatif.band(0.1) == ("Low", "danger")
    assert whatif.band(0.45) == ("Medium", "warning")
    assert whatif.band(0.6) == ("High", "success")
    assert whatif.band(1.0) == ("High", "success")


def test_model_quality_in_plain_words():
    assert whatif.model_quality(0.894) == ("Good — ranks a buyer above a non-buyer 89% of the time")
    assert whatif.model_quality(0.93).startswith("Excellent")
    assert whatif.model_quality(0.65).startswith("Weak")


def test_price_is_only_needed_when_the_model_uses_it():
    assert whatif.input_problem(30, 50_000, None, needs_price=False) is None
    assert whatif.input_problem(30, 50_000, None) == "Enter the price to see a prediction."


def test_explain_names_the_largest_contributions():
    text = whatif.explain(0.45, {"Age": 0.01, "Salary": 0.08, "Price": -0.12, "Gender": 0.0})
    assert text == (
        "Against a typical customer (45%): price lowers it by 12 points; "
        "salary raises it by 8 points."
    )
    assert whatif.explain(0.3, {"Age": 0.001}) == "About the same as a typical customer (30%)."


def test_only_the_inputs_the_model_reads_are_needed():
    # A run of a file without Salary: its model reads age and price.
    assert whatif.input_problem(30, None, 2_000, features=["Age", "Price", "Gender"]) is None
    assert whatif.input_problem(None, None, 2_000, features=["Age", "Price"]) == (
        "Enter the age to see a prediction."
    )
    assert whatif.input_problem(30, None, None, features=["Age", "Price"]) == (
        "Enter the price to see a prediction."
    )


def test_the_inputs_a_what_if_does_not_ask_for_are_named_with_their_values():
    reference = {"Age": 40.0, "tenure_months": 30.0, "channel": "app", "Gender": "Female"}
    features = ["Age", "Gender", "tenure_months", "channel"]
    assert whatif.held_inputs_note(features, reference) == (
        "The model also reads tenure_months 30, channel 'app': held at a typical customer's values."
    )
    assert whatif.held_inputs_note(["Age", "Gender"], reference) is None


RANGES = {
    "Age": {"min": 18.0, "median": 40.0, "max": 64.0},
    "Salary": {"min": 20_000.0, "median": 59_000.0, "max": 100_000.0},
    "Price": {"min": 2_000.0, "median": 5_000.0, "max": 7_000.0},
    "genders": ["Female", "Male"],
}


def test_a_customer_fills_every_input_and_the_median_stands_in_for_a_missing_value():
    customer = {"Age": 49, "Salary": 61_000, "Price": float("nan"), "Gender": "Male"}
    assert whatif.customer_inputs(customer, RANGES) == {
        "Age": 49.0,
        "Gender": "Male",
        "Salary": 61_000.0,
        "Price": 5_000.0,
    }
    # A file without Gender or Price columns: the most common gender, and nothing for price.
    ranges = {key: value for key, value in RANGES.items() if key != "Price"}
    assert whatif.customer_inputs({"Age": 30}, ranges | {"genders": []}) == {
        "Age": 30.0,
        "Gender": None,
        "Salary": 59_000.0,
        "Price": None,
    }


def test_inputs_outside_the_training_range_are_named_with_the_range():
    inside = {"Age": 18, "Salary": 100_000, "Price": 2_500}
    assert whatif.outside_training_range(inside, RANGES) is None
    warning = whatif.outside_training_range({"Age": 70, "Salary": 1_000_000, "Price": None}, RANGES)
    assert warning.startswith(
        "Age 70 is outside the range the model was trained on (18 to 64); Salary 1,000,000 "
        "is outside the range the model was trained on (20,000 to 100,000)."
    )
    assert "extrapolation" in warning
    # An input the run has no range for (a file without Price) is not judged.
    assert whatif.outside_training_range({"Price": 1e8}, {"genders": []}) is None


def test_a_contribution_is_named_by_its_input_and_value():
    assert whatif.input_label("Salary", 1_000_000.0) == "Salary = 1,000,000"
    assert whatif.input_label("Age", 49.5) == "Age = 49.5"
    assert whatif.input_label("Gender", "Female") == "Gender = Female"


def test_an_interval_wider_than_20_points_is_called_uncertain():
    assert whatif.interval_text(0.58, 0.66, uncertain=False) == "90 % interval 58%–66%."
    assert whatif.interval_text(0.4, 0.7, uncertain=True) == (
        "Uncertain: 90 % interval 40%–70%, wider than 20 points."
    )
