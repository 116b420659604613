"""An upload whose header lacks required columns gets the mapping step on /runs in headless
Chromium: the dropdowns pre-filled from the best guess and the file's first rows, then the run
with that mapping, its stages named on the progress bar, published and listed."""

import pandas as pd
import pytest
from selenium.webdriver.common.by import By

from dashapp.data import queries
from dashapp.pages.runs import ids as runs_ids
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.browser
RENAMED = {"Customer ID": "Client", "Purchased": "Bought?"}


def test_renamed_columns_are_mapped_on_the_page_and_the_run_is_published(
    runs_page, own_db, tmp_path
):
    before = queries.latest_run(own_db).id
    customers = pd.read_csv(SAMPLE_CSV, dtype=str).head(600).rename(columns=RENAMED)
    customers.loc[0, "Product ID"] = '=HYPERLINK("http://evil")'
    path = tmp_path / "crm export.csv"
    customers.to_csv(path, index=False)

    runs_page.find_element(f"#{runs_ids.RUNS_UPLOAD} input[type=file]").send_keys(str(path))
    runs_page.wait_for_contains_text(
        f"#{runs_ids.RUNS_MAPPING_PREVIEW}", "crm export.csv does not have the columns", timeout=60
    )
    assert runs_page.find_element(f"#{runs_ids.RUNS_MAPPING}").is_displayed()
    preview = runs_page.find_element(f"#{runs_ids.RUNS_MAPPING_PREVIEW} table")
    rows = preview.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 5
    assert rows[0].text.split() == [
        "1",
        "Female",
        "63",
        "69000",
        '=HYPERLINK("http://evil")',
        "3500",
        "1",
    ]
    # Pre-filled from the guess: every field of a customer file found, the renamed ones too.
    chosen = {
        field: runs_page.find_element(f"#{runs_ids.mapping_field('customers', field)}").text
        for field in runs_ids.MAPPING_FIELDS["customers"]
    }
    assert chosen == {
        "customer_id": "Client",
        "gender": "Gender",
        "age": "Age",
        "salary": "Salary",
        "product_id": "Product ID",
        "price": "Price",
        "purchased": "Bought?",
    }
    assert not runs_page.find_element(f"#{runs_ids.RUNS_MAPPING_GROUPS['orders']}").is_displayed()
    assert runs_page.find_element(f"#{runs_ids.RUNS_ERROR}").text == ""

    runs_page.find_element(f"#{runs_ids.RUNS_MAPPING_ANALYSE}").click()
    # The bar names each stage as it comes, counted.
    runs_page.wait_for_contains_text(f"#{runs_ids.RUNS_PROGRESS}", "/17)", timeout=60)
    runs_page.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", "Published run", timeout=180)
    latest = queries.latest_run(own_db)
    assert latest.id > before and latest.input_name == "crm_export.csv"
    message = runs_page.find_element(f"#{runs_ids.RUNS_ERROR}").text
    assert message.startswith(f"Published run {latest.id}: 600 customers")
    history = runs_page.find_element(f"#{runs_ids.RUNS_TABLE} tbody tr").text
    assert history.startswith(f"{latest.id} ") and "crm_export.csv" in history
    assert history.endswith("published")
    assert not runs_page.find_element(f"#{runs_ids.RUNS_MAPPING}").is_displayed()
    assert runs_page.get_logs() == []


def test_a_file_rejected_after_its_mapping_gets_the_cli_message(runs_page, own_db, tmp_path):
    before = queries.latest_run(own_db).id
    customers = pd.read_csv(SAMPLE_CSV, dtype=str).head(60).rename(columns=RENAMED)
    customers.loc[2, "Age"] = "thirty"
    path = tmp_path / "typo.csv"
    customers.to_csv(path, index=False)

    runs_page.find_element(f"#{runs_ids.RUNS_UPLOAD} input[type=file]").send_keys(str(path))
    runs_page.wait_for_contains_text(f"#{runs_ids.RUNS_MAPPING_PREVIEW}", "typo.csv", timeout=60)
    runs_page.find_element(f"#{runs_ids.RUNS_MAPPING_ANALYSE}").click()
    runs_page.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", "Not analysed.", timeout=90)
    assert runs_page.find_element(f"#{runs_ids.RUNS_ERROR}").text == (
        "Not analysed. typo.csv: column 'Age' must be a number but line 4 has 'thirty'."
    )
    runs_page.wait_for_style_to_equal(f"#{runs_ids.RUNS_MAPPING}", "display", "none")
    assert queries.latest_run(own_db).id == before
    assert not any((tmp_path / "uploads").rglob("*.csv"))
    assert runs_page.get_logs() == []
