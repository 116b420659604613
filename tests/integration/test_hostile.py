"""The hostile-input corpus (tests/data/hostile) through the CLI, against a database that already
has a published run: every file gets exactly the outcome docs/reliability.md documents, never a
traceback or a half-written run, and a rejection leaves the published run as the latest."""

import csv
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analytics import cli
from analytics.config import MAX_COLUMNS, MAX_INPUT_BYTES, MAX_ROWS, InputLimits, input_limits
from analytics.db import quarantine_repository, repository
from analytics.db.models import Customer, Run
from analytics.db.session import session_factory
from analytics.errors import InputError
from analytics.io.sample import generate_customers
from analytics.io.spreadsheet import neutralise
from analytics.runs import customer_file
from analytics.validation.customer_file import read_customers
from tests.conftest import ROOT
from tests.integration.test_faults import assert_runs_whole

CORPUS = ROOT / "tests" / "data" / "hostile"
RELIABILITY_DOC = ROOT / "docs" / "reliability.md"
NO_MODEL = "No purchase model was published"


@dataclass(frozen=True)
class Rejected:
    """Exit status 2; the message names the file and contains each part."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Accepted:
    """Published with `rows` customers, one note per part (in order, before the note that there
    is no model: every accepted corpus file is too small or one-sided for one), and these rows
    set aside: {reason: rows}."""

    rows: int
    notes: tuple[str, ...] = ()
    quarantined: dict[str, int] = field(default_factory=dict)


def rejected(*parts: str) -> Rejected:
    return Rejected(parts)


def one_blank(reason: str) -> Accepted:
    return Accepted(29, ("1 of 30 data rows was set aside (quarantined)",), {reason: 1})


OUTCOMES = {
    "empty.csv": rejected("the file is empty"),
    "header_only.csv": rejected("the file has a header but no data rows"),
    "single_row.csv": rejected("1 usable data row is too few to segment; at least 10"),
    # Only Customer ID and Purchased are required (issue 19): the run says what it left out.
    "missing_column.csv": Accepted(
        30,
        (
            "The file has no 'Salary' column; it is left out of this run.",
            "Segments use age, price (not age, salary, price)",
        ),
    ),
    "renamed_columns.csv": rejected(
        "missing required columns 'Customer ID', 'Purchased'",
        "'User ID', 'Sex', 'Age', 'EstimatedSalary'",
        "--columns",
    ),
    "extra_columns.csv": Accepted(30, ("ignored: 'Email', 'Notes', 'Loyalty Tier'",)),
    "text_in_numeric.csv": rejected(
        "column 'Age' is empty on line 6",  # n/a means missing
        "column 'Age' must be a number but line 3 has 'thirty', line 17 has '3O'",
        "column 'Salary' must be a number but line 9 has '50k'",
        "column 'Price' must be a number but line 14 has 'cheap'",
    ),
    "absurd_values.csv": rejected(
        "column 'Age' must be between 0 and 120 but line 4 has 250, line 7 has -3",
        "column 'Salary' must be between 0 and 1e+09 but line 13 has -5000, line 16 has 1e+12",
        "column 'Price' must be between 0 and 1e+09 but line 19 has -1",
    ),
    "purchased_invalid.csv": rejected(
        "column 'Purchased' is empty on line 8",
        "column 'Purchased' must be 0 or 1 but line 5 has 2, line 11 has 'maybe', line 14 has -1",
    ),
    "purchased_words.csv": Accepted(30, ("'Purchased' was written as a word",)),
    "duplicate_ids.csv": Accepted(
        30,
        ("1 row was dropped for repeating a later row exactly", "1 of 32 data rows was set aside"),
        {"column 'Customer ID' repeats later in the file with different data": 1},
    ),
    "missing_customer_id.csv": one_blank("column 'Customer ID' is blank"),
    "missing_gender.csv": one_blank("column 'Gender' is blank"),
    "missing_age.csv": one_blank("column 'Age' is empty"),
    "missing_salary.csv": one_blank("column 'Salary' is empty"),
    "missing_price.csv": one_blank("column 'Price' is empty"),
    "missing_purchased.csv": one_blank("column 'Purchased' is empty"),
    "missing_product_id.csv": Accepted(30),
    "bom.csv": Accepted(30),
    "crlf.csv": Accepted(30),
    "semicolon_decimal_comma.csv": Accepted(30, ("separates columns with ';'",)),
    "latin1.csv": Accepted(30, ("read as Windows-1252 (Latin-1)",)),
    "utf16.csv": rejected("UTF-16", "save it as UTF-8"),
    "quoted_newlines.csv": Accepted(30),
    "ragged_rows.csv": rejected(
        "problems in 6 of 30 data rows",
        "rows must have as many fields as the header (7) but line 2 has 8, line 7 has 8",
    ),
    "formula_cells.csv": Accepted(30),
    "one_class.csv": Accepted(60),
    "wide_1000_columns.csv": rejected("1,000 columns", "limit of 200", "ANALYTICS_MAX_COLUMNS"),
    "binary_garbage.csv": rejected("not a CSV text file", "NUL byte"),
}
# Run as real subprocesses too (each costs ~3 s of imports): one of each kind of outcome.
THROUGH_A_SUBPROCESS = [
    "empty.csv",
    "binary_garbage.csv",
    "wide_1000_columns.csv",
    "text_in_numeric.csv",
    "latin1.csv",
    "missing_age.csv",
]


def database_with_one_run(folder: Path) -> str:
    """A SQLite database in `folder` with one published run of 40 customers."""
    first = folder / "first.csv"
    generate_customers(40, seed=3).to_csv(first, index=False)
    url = f"sqlite:///{folder / 'analytics.db'}"
    customer_file.run(first, url)
    return url


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """A database with one published run, shared by every case (rejections must leave it the
    latest; an accepted case publishes its own run over it)."""
    return database_with_one_run(tmp_path_factory.mktemp("hostile"))


def latest_published_id(url: str) -> int:
    with session_factory(url)() as session:
        return repository.latest_published_run(session).id


def run_count(url: str) -> int:
    with session_factory(url)() as session:
        return session.scalar(select(func.count()).select_from(Run))


def assert_accepted(summary: dict, expected: Accepted, url: str, before: int) -> list:
    """What every accepted file's run summary shows, whether the CLI or an upload analysed it:
    its rows, its notes (no model), its set-aside reasons, and a newly published run. Returns
    the set-aside rows stored for it."""
    assert summary["rows"] == expected.rows
    *input_notes, model_note = summary["notes"]
    assert model_note.startswith(NO_MODEL)
    assert len(input_notes) == len(expected.notes), input_notes
    for note, part in zip(input_notes, expected.notes, strict=True):
        assert part in note, (part, note)
    assert summary["quarantined"] == {
        "count": sum(expected.quarantined.values()),
        "reasons": expected.quarantined,
    }
    assert latest_published_id(url) == summary["run_id"] != before
    with session_factory(url)() as session:
        return quarantine_repository.bad_rows(session, summary["run_id"])


def check_outcome(url: str, name: str, status: int, stdout: str, stderr: str, before: int):
    """The documented outcome, and the database as a user must find it afterwards."""
    expected = OUTCOMES[name]
    assert "Traceback" not in stdout + stderr
    assert_runs_whole(url)
    if isinstance(expected, Rejected):
        assert status == 2, stderr
        message = stderr.strip().splitlines()[-1]
        assert message.startswith(f"error: {name}: "), message
        for part in expected.parts:
            assert part in message, (part, message)
        assert latest_published_id(url) == before
        return

    assert status == 0, stderr
    stored = assert_accepted(json.loads(stdout), expected, url, before)
    assert [reason for row in stored for reason in row.reasons] == [
        reason for reason, count in expected.quarantined.items() for _ in range(count)
    ]


def test_every_corpus_file_has_a_documented_outcome():
    files = {path.name for path in CORPUS.glob("*.csv")}
    assert files == set(OUTCOMES)
    documented = RELIABILITY_DOC.read_text()
    assert [name for name in sorted(files) if f"`{name}`" not in documented] == []


def test_the_corpus_is_what_its_generator_makes():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    made = generator.corpus()
    assert {name: (CORPUS / name).read_bytes() for name in made} == made
    assert all(len(contents) < 20_000 for contents in made.values())


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_documented_outcome(db, name, capsys):
    before, runs = latest_published_id(db), run_count(db)
    status = cli.main(["run", "--input", str(CORPUS / name), "--db", db, "--json"])
    out, err = capsys.readouterr()
    check_outcome(db, name, status, out, err, before)
    if isinstance(OUTCOMES[name], Rejected):
        assert run_count(db) == runs, "a rejected file must not leave even a failed run"


@pytest.mark.parametrize("name", THROUGH_A_SUBPROCESS)
def test_documented_outcome_through_the_real_cli(db, name):
    before = latest_published_id(db)
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "run", "--json", "--db", db, "--input", CORPUS / name],
        capture_output=True,
        text=True,
        timeout=300,
    )
    check_outcome(db, name, result.returncode, result.stdout, result.stderr, before)


def test_accepted_values_are_stored_as_read(db, capsys):
    """Formula-looking cells are data (never evaluated or altered); a quoted line break, a BOM,
    decimal commas and Latin-1 letters come through as the file meant them."""

    def stored(name: str) -> dict[str, list]:
        assert cli.main(["run", "--input", str(CORPUS / name), "--db", db, "--json"]) == 0
        run_id = json.loads(capsys.readouterr().out)["run_id"]
        with session_factory(db)() as session:
            rows = session.execute(
                select(Customer.customer_id, Customer.product_id, Customer.age, Customer.salary)
                .where(Customer.run_id == run_id)
                .order_by(Customer.row_number)
            ).all()
        columns = map(list, zip(*rows, strict=True))
        return dict(zip(("id", "product", "age", "salary"), columns, strict=True))

    formulas = stored("formula_cells.csv")
    assert formulas["id"][:2] == ["=1+1", "@SUM(A1:A9)"]
    assert formulas["product"][2:6] == [
        '=HYPERLINK("http://example.com","P01")',
        "+P02",
        "-P03",
        "=cmd|' /C calc'!A0",
    ]
    assert formulas["age"][6] == 41
    newlines = stored("quoted_newlines.csv")["product"]
    assert newlines[2] == "P01\nlimited edition" and newlines[5] == 'P02, "blue"'
    assert stored("bom.csv")["id"][0] == "1"
    assert stored("semicolon_decimal_comma.csv")["salary"][0] % 1 == 0.5
    assert stored("latin1.csv")["product"][0].startswith("Crème ")


def test_quarantined_rows_download_with_formulas_neutralised(db, tmp_path, capsys):
    base = generate_customers(40, seed=6).astype(str)
    base.loc[3, ["Age", "Product ID"]] = ["", '=HYPERLINK("http://evil")']
    base.loc[9, ["Gender", "Product ID"]] = ["", "-5"]
    path = tmp_path / "two_bad_rows.csv"
    base.to_csv(path, index=False)
    assert cli.main(["run", "--input", str(path), "--db", db, "--json"]) == 0
    run_id = json.loads(capsys.readouterr().out)["run_id"]

    out = tmp_path / "quarantined.csv"
    assert cli.main(["quarantine", "--db", db, "--run-id", str(run_id), "--out", str(out)]) == 0
    assert f"2 rows set aside by run {run_id}" in capsys.readouterr().err
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["line"], row["reasons"]) for row in rows] == [
        ("5", "column 'Age' is empty"),
        ("11", "column 'Gender' is blank"),
    ]
    assert rows[0]["Product ID"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["Product ID"] == "'-5"
    # The database keeps the rows exactly as read; only the export is neutralised.
    with session_factory(db)() as session:
        stored = quarantine_repository.bad_rows(session, run_id)
    assert stored[1].raw["Product ID"] == "-5"


def test_neutralise():
    for cell in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("plain") == "plain" and neutralise("") == ""


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path):
    path = tmp_path / "lines.csv"
    header = "Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n"
    path.write_text(
        header
        + '1,Female,30,50000,"P01\nsecond line",2000,1\n'
        + "\n"
        + "2,Male,abc,50000,P01,2000,0\n"
    )
    with pytest.raises(InputError, match=r"line 5 has 'abc'"):
        read_customers(path)


def test_input_limits_come_from_the_environment():
    assert input_limits({}) == InputLimits(MAX_INPUT_BYTES, MAX_ROWS, MAX_COLUMNS)
    assert input_limits(
        {"ANALYTICS_MAX_INPUT_MB": "1.5", "ANALYTICS_MAX_ROWS": "10", "ANALYTICS_MAX_COLUMNS": "9"}
    ) == InputLimits(1_572_864, 10, 9)
    for value in ("abc", "0", "-3", "inf", "nan"):
        with pytest.raises(ValueError, match=f"ANALYTICS_MAX_ROWS must be .* got '{value}'"):
            input_limits({"ANALYTICS_MAX_ROWS": value})


def test_limits_stop_reading_early(tmp_path):
    path = tmp_path / "twelve.csv"
    generate_customers(12, seed=1).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"more than 10 data rows \(line 12 is the first beyond"):
        read_customers(path, limits=InputLimits(max_rows=10))
    with pytest.raises(
        InputError, match=r"the header \(line 1\) has 7 columns, more than the limit"
    ):
        read_customers(path, limits=InputLimits(max_columns=6))
    with pytest.raises(InputError, match=r"larger than the limit of 0\.0 MB"):
        read_customers(path, limits=InputLimits(max_bytes=100))


@pytest.fixture(scope="module")
def file_of_200_mb(tmp_path_factory) -> Iterator[Path]:
    """Generated at test time in 1 MB blocks, never committed: valid rows all the way down."""
    path = tmp_path_factory.mktemp("big") / "customers_200mb.csv"
    block = generate_customers(30_000, seed=7).to_csv(index=False, header=False).encode()
    with path.open("wb") as handle:
        handle.write(b"Customer ID,Gender,Age,Salary,Product ID,Price,Purchased\n")
        while handle.tell() < 200 * 1024 * 1024:
            handle.write(block)
    yield path
    path.unlink()  # pytest keeps the last few temporary folders; 200 MB each is too much


def run_measured(path: Path, db: str, environment: dict[str, str]) -> tuple[int, str, float, float]:
    """The CLI in a fresh process: exit status, stderr, seconds, peak memory in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the peak of
    # the pytest process that started the CLI (over 400 MB late in a full run) instead of the CLI's.
    measure = (
        "import sys; from analytics.cli import main; status = main(sys.argv[1:]); "
        "peak = next(line.split()[1] for line in open('/proc/self/status') "
        "if line.startswith('VmHWM')); "
        "print('peak', peak, file=sys.stderr); sys.exit(status)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", measure, "run", "--input", str(path), "--db", db],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **environment},
    )
    seconds = time.perf_counter() - started
    *output, peak = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    return result.returncode, "\n".join(output), seconds, int(peak.split()[1]) / 1024


def test_a_200_mb_file_is_refused_by_size_at_once(db, file_of_200_mb):
    before = latest_published_id(db)
    status, stderr, seconds, peak_mb = run_measured(file_of_200_mb, db, {})
    assert status == 2
    assert re.search(
        r"customers_200mb.csv: the file is 20\d\.\d MB, larger than the limit of 100\.0 MB", stderr
    )
    assert "ANALYTICS_MAX_INPUT_MB" in stderr
    assert seconds < 30 and peak_mb < 400, (seconds, peak_mb)
    assert latest_published_id(db) == before


def test_with_a_higher_size_limit_the_row_limit_stops_it_in_bounded_memory(db, file_of_200_mb):
    before = latest_published_id(db)
    status, stderr, seconds, peak_mb = run_measured(
        file_of_200_mb, db, {"ANALYTICS_MAX_INPUT_MB": "300", "ANALYTICS_MAX_ROWS": "100000"}
    )
    assert status == 2
    assert "more than 100,000 data rows (line 100,002 is the first beyond the limit)" in stderr
    # Reading the whole file into pandas would take well over a gigabyte.
    assert seconds < 60 and peak_mb < 400, (seconds, peak_mb)
    assert latest_published_id(db) == before
