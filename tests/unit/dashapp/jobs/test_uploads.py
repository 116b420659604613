"""Saving an upload: a safe name in a folder of its own, and refusals before anything is kept."""

import base64
import stat

import pytest

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
