"""Saving an upload: a safe name in a folder of its own, and refusals before anything is kept;
the mapping step's pending uploads; the progress stages; a broken worker pool retried once."""

import base64
import os
import stat
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from analytics.config import Settings
from analytics.validation.customer_file import InputError
from dashapp.jobs import uploads


def payload(text: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(text).decode()


def test_save_upload_keeps_a_safe_name(tmp_path):
    path = uploads.save_upload(payload(b"a,b\n1,2\n"), "../../etc/My shop.csv", tmp_path, 1_000)
    assert path.name == "My_shop.csv" and path.parent.parent == tmp_path
    assert path.read_bytes() == b"a,b\n1,2\n"


def test_save_upload_refuses_large_empty_and_non_csv_files(tmp_path):
    with pytest.raises(InputError, match=r"larger than the upload limit of 0\.0 MB"):
        uploads.save_upload(payload(b"x" * 5_000), "big.csv", tmp_path, 1_000)
    with pytest.raises(InputError, match=r"^model.pkl: only CSV files \(\.csv\) can be analysed"):
        uploads.save_upload(payload(b"x"), "model.pkl", tmp_path, 1_000)
    with pytest.raises(InputError, match=r"^empty.csv: the file is empty"):
        uploads.save_upload(payload(b""), "empty.csv", tmp_path, 1_000)
    assert list(tmp_path.iterdir()) == []


def test_the_refusals_the_browser_shows_name_the_limit_in_megabytes():
    refused = uploads.refusals(3 * 1024 * 1024)
    assert refused["max_bytes"] == 3 * 1024 * 1024
    assert "upload limit of 3.0 MB" in refused["too_large"]
    assert "UPLOAD_MAX_MB" in refused["too_large"]
    assert "CSV files (.csv)" in refused["wrong_type"]


def test_uploads_are_saved_in_folders_only_this_user_can_read(tmp_path):
    path = uploads.save_upload(payload(b"a,b\n1,2\n"), "shop.csv", tmp_path / "uploads", 1_000)
    assert stat.S_IMODE((tmp_path / "uploads").stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def settings_in(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", upload_dir=tmp_path / "up")


CUSTOMERS_CSV = b"Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n1,Male,30,1,P1,2,1\n"


def breaking(times: int, calls: list):
    """A stand-in for the pipeline whose worker pool breaks the first `times` calls."""

    def run(kind, path, settings, columns, progress):
        calls.append(path)
        progress("segmenting customers: scoring k = 2..10")
        if len(calls) <= times:
            raise BrokenProcessPool("A process in the process pool was terminated abruptly")
        return {"run_id": 7, "rows": 1, "k": 2, "notes": [], "quarantined": {"count": 0}}

    return run


def test_a_broken_worker_pool_is_retried_once_in_a_fresh_pool(tmp_path, monkeypatch):
    calls, discarded, steps = [], [], []
    monkeypatch.setattr(uploads, "_run", breaking(1, calls))
    monkeypatch.setattr(uploads, "discard_worker_pool", lambda: discarded.append(True))
    result = uploads.run_upload(
        settings_in(tmp_path), payload(CUSTOMERS_CSV), "shop.csv", lambda *step: steps.append(step)
    )
    assert result["run_id"] == 7 and len(calls) == 2 and discarded == [True]
    # The bar starts again from the first stage, saying why.
    assert [text for _, text in steps] == [
        "Segmenting customers (1/17)",
        "The analysis worker stopped; starting again in a fresh one",
        "Segmenting customers (1/17)",
    ]


def test_a_pool_that_breaks_again_gets_a_plain_message_and_the_file_is_not_kept(
    tmp_path, monkeypatch
):
    calls = []
    monkeypatch.setattr(uploads, "_run", breaking(2, calls))
    monkeypatch.setattr(uploads, "discard_worker_pool", lambda: None)
    settings = settings_in(tmp_path)
    result = uploads.run_upload(settings, payload(CUSTOMERS_CSV), "shop.csv", print)
    assert result == {
        "error": "The analysis worker stopped unexpectedly; the published run is unchanged. Try "
        "again; if it keeps happening, restart the dashboard."
    }
    assert len(calls) == 2 and list(settings.upload_dir.rglob("*.csv")) == []


@pytest.mark.parametrize(
    ("step", "number", "expected", "shown"),
    [
        ("segmenting customers: scoring k = 2..10", 3, 17, "Segmenting customers (3/17)"),
        ("cross-validated SVM: ROC-AUC 0.853", 9, 17, "Cross-validated SVM (9/17)"),
        (
            "saving 3,000 customers and results",
            16,
            17,
            "Saving 3,000 customers and results (16/17)",
        ),
    ],
)
def test_the_progress_bar_names_the_stage_and_counts_the_stages(step, number, expected, shown):
    assert uploads.stage_name(step, number, expected) == shown


def test_a_header_lacking_required_columns_is_kept_pending_with_its_first_rows(tmp_path):
    rows = "".join(f"{i},=1+{i},<b>{i}</b>\n" for i in range(8))
    settings = settings_in(tmp_path)
    result = uploads.run_upload(
        settings, payload(f"Client,Note,Bought?\n{rows}".encode()), "our file.csv", print
    )
    proposal = result["mapping"]
    assert proposal["filename"] == "our file.csv" and proposal["kind"] == "customers"
    assert proposal["header"] == ["Client", "Note", "Bought?"]
    assert proposal["rows"][:2] == [["0", "=1+0", "<b>0</b>"], ["1", "=1+1", "<b>1</b>"]]
    assert len(proposal["rows"]) == uploads.PREVIEW_ROWS
    assert proposal["guesses"]["customers"] == {"customer_id": "Client", "purchased": "Bought?"}
    pending = settings.upload_dir / uploads.PENDING / proposal["upload_id"]
    assert (pending / "our_file.csv").is_file()
    assert stat.S_IMODE((settings.upload_dir / uploads.PENDING).stat().st_mode) == 0o700


def test_pending_uploads_nobody_mapped_within_a_day_are_removed(tmp_path):
    settings = settings_in(tmp_path)
    header_only_names = payload(b"Client,Bought?\n1,0\n")
    first = uploads.run_upload(settings, header_only_names, "a.csv", print)["mapping"]
    stale = settings.upload_dir / uploads.PENDING / first["upload_id"]
    day_ago = time.time() - uploads.PENDING_SECONDS - 60
    os.utime(stale, (day_ago, day_ago))
    second = uploads.run_upload(settings, header_only_names, "b.csv", print)["mapping"]
    assert not stale.exists()
    assert (settings.upload_dir / uploads.PENDING / second["upload_id"]).is_dir()


def test_a_file_refused_from_its_first_bytes_gets_no_mapping_step(tmp_path):
    settings = settings_in(tmp_path)
    result = uploads.run_upload(settings, payload(b"Client\0,Bought\n1,0\n"), "x.csv", print)
    assert result["error"].startswith("x.csv: not a CSV text file (byte 6 is a NUL byte")
    assert list(settings.upload_dir.rglob("*.csv")) == []
