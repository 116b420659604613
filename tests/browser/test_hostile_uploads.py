"""Hostile files through the /runs upload in a real browser: the CLI's outcome, the rows set aside
shown with their reasons, and user text (a file name, cells) never rendered as HTML."""

import pytest

from analytics.io.sample import generate_customers
from dashapp.data import queries
from dashapp.pages.runs import ids as runs_ids
from dashapp.ui import ids
from tests.integration.test_hostile import CORPUS

pytestmark = pytest.mark.browser
HOSTILE_HTML = '<img src=x onerror="window.injected=1">'


def upload(dash_duo, path, outcome: str) -> str:
    """Upload the file; the outcome's text once it contains `outcome`."""
    dash_duo.find_element(f"#{runs_ids.RUNS_UPLOAD} input[type=file]").send_keys(str(path))
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", outcome, timeout=90)
    return dash_duo.find_element(f"#{runs_ids.RUNS_ERROR}").text


def injected(dash_duo) -> bool:
    return dash_duo.driver.execute_script(
        "return window.injected === 1 || document.querySelector('img[src=x]') !== null"
    )


def test_rejected_files_show_the_cli_message_and_keep_the_published_run(runs_page, own_db):
    published = queries.latest_run(own_db).id
    for name, part in [
        ("binary_garbage.csv", "not a CSV text file"),
        ("wide_1000_columns.csv", "1,000 columns, more than the limit of 200"),
        ("purchased_invalid.csv", "column 'Purchased' must be 0 or 1 but line 5 has 2"),
    ]:
        message = upload(runs_page, CORPUS / name, f"Not analysed. {name}")
        assert message.startswith(f"Not analysed. {name}: "), message
        assert part in message and "Traceback" not in message
        assert queries.latest_run(own_db).id == published
    assert runs_page.get_logs() == []


def test_quarantined_rows_are_counted_and_explained(runs_page, own_db):
    message = upload(runs_page, CORPUS / "duplicate_ids.csv", "Published run")
    latest = queries.latest_run(own_db)
    assert message.startswith(f"Published run {latest.id}: 30 customers")
    assert "1 row was set aside (quarantined)" in message
    assert "1 row was dropped for repeating a later row exactly" in message
    runs_page.wait_for_contains_text(f"#{runs_ids.RUNS_SET_ASIDE}", f"Run {latest.id} set 1 row")
    panel = runs_page.find_element(f"#{runs_ids.RUNS_SET_ASIDE}").text
    assert "column 'Customer ID' repeats later in the file with different data 1" in panel
    assert runs_page.find_element(f"#{runs_ids.RUNS_SET_ASIDE_EXPORT}").is_displayed()
    history = runs_page.find_element(f"#{runs_ids.RUNS_TABLE} tbody tr").text
    assert history.startswith(str(latest.id)) and " 1 published" in history
    assert runs_page.get_logs() == []


def test_user_text_is_never_rendered_as_html(runs_page, own_db, tmp_path):
    folder = tmp_path / "hostile names"
    folder.mkdir()
    rejected = folder / f"{HOSTILE_HTML}.csv"
    rejected.write_bytes((CORPUS / "text_in_numeric.csv").read_bytes())
    message = upload(runs_page, rejected, "Not analysed")
    assert f"{HOSTILE_HTML}.csv: column 'Age'" in message
    assert not injected(runs_page)

    customers = generate_customers(40, seed=4)
    customers["Gender"] = customers["Gender"].map({"Female": HOSTILE_HTML, "Male": "<b>M</b>"})
    customers["Product ID"] = "<script>window.injected=1</script>"
    accepted = folder / "cells.csv"
    customers.to_csv(accepted, index=False)
    runs_page.driver.refresh()
    runs_page.wait_for_element(f"#{runs_ids.RUNS_UPLOAD}")
    upload(runs_page, accepted, "Published run")
    for path in ("/", "/segments"):
        runs_page.wait_for_page(url=f"{runs_page.server_url}{path}")
        runs_page.wait_for_element(f"#{ids.RUN_BADGE}")
        assert HOSTILE_HTML in runs_page.find_element("body").text or path == "/"
        assert not injected(runs_page)
    assert runs_page.get_logs() == []
