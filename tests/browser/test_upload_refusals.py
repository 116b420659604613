"""Every refused upload on /runs says why in headless Chromium, and the published run stays: a
file of another type, an empty one and one over the limit are refused by the browser before
they are sent (nothing reaches the upload folder), an unreadable encoding by the job's first
check."""

import pytest

from analytics.config import InputLimits, Settings
from dashapp.app import create_app
from dashapp.data import queries
from dashapp.pages.runs import ids as runs_ids

pytestmark = pytest.mark.browser
HEADER = "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n"
LIMIT_MB = 1


@pytest.fixture
def runs_page(dash_duo, own_db, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    limits = InputLimits(max_bytes=LIMIT_MB * 1024 * 1024)
    dash_duo.start_server(create_app(Settings(database_url=own_db, upload_limits=limits)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/runs")
    return dash_duo


def refusal(dash_duo, path) -> str:
    """Upload the file; the message it gets."""
    dash_duo.find_element(f"#{runs_ids.RUNS_UPLOAD} input[type=file]").send_keys(str(path))
    dash_duo.wait_for_contains_text(f"#{runs_ids.RUNS_ERROR}", f"{path.name}: ", timeout=30)
    return dash_duo.find_element(f"#{runs_ids.RUNS_ERROR}").text


def test_other_types_empty_files_and_files_over_the_limit_never_leave_the_browser(
    runs_page, own_db, tmp_path
):
    published = queries.latest_run(own_db).id
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\nnot a table\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    big = tmp_path / "big.csv"
    row = "1,Female,30,50000,P01,2000,1\n"
    big.write_text(HEADER + row * (2 * 1024 * 1024 // len(row)))

    message = refusal(runs_page, notes)
    assert message.startswith("Not analysed. notes.txt: only CSV files (.csv) can be analysed")
    message = refusal(runs_page, empty)
    assert message == (
        "Not analysed. empty.csv: the file is empty; expected a header row and at least one "
        "data row."
    )
    message = refusal(runs_page, big)
    assert message.startswith(
        "Not analysed. big.csv: the file is 2.0 MB, larger than the upload limit of 1.0 MB"
    )
    assert "UPLOAD_MAX_MB" in message
    # Refused in the browser: nothing was sent, saved or run.
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").rglob("*.csv"))
    assert queries.latest_run(own_db).id == published
    assert runs_page.get_logs() == []


def test_an_unreadable_encoding_is_named_and_nothing_is_kept(runs_page, own_db, tmp_path):
    published = queries.latest_run(own_db).id
    utf16 = tmp_path / "excel-unicode.csv"
    utf16.write_bytes((HEADER + "1,Female,30,50000,P01,2000,1\n").encode("utf-16"))
    message = refusal(runs_page, utf16)
    assert message == (
        "Not analysed. excel-unicode.csv: the file is UTF-16 text; save it as UTF-8 CSV."
    )
    # 0x81 is text in neither UTF-8 nor Windows-1252.
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(HEADER.encode() + b"1,Female,30,50000,P\x81,2000,1\n")
    message = refusal(runs_page, garbled)
    assert message.startswith("Not analysed. garbled.csv: line 2 is not UTF-8 text")
    assert not any((tmp_path / "uploads").rglob("*.csv"))
    assert queries.latest_run(own_db).id == published
    assert runs_page.get_logs() == []
