"""Open a user's CSV defensively: limits, binary detection, encoding, delimiter, and records with
the line each starts on.

Everything that can be decided from the file's size or its first bytes is decided before any
parsing, and rows are streamed, so a huge or wrong file is refused quickly and in bounded memory.
"""

import codecs
import csv
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from analytics.config import InputLimits
from analytics.errors import InputError

UTF8 = "utf-8-sig"  # a byte-order mark, if present, is not part of the first column's name
# What Excel writes on Windows in Western locales; it agrees with Latin-1 on every printable
# character, and the few bytes it leaves undefined are a sign of a file that is not text at all.
FALLBACK_ENCODING = "cp1252"
DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 64 * 1024
_BLOCK_BYTES = 1024 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str


def inspect(path: Path, limits: InputLimits) -> CsvFormat:
    """The file's encoding and delimiter, after refusing a file that is absent, empty, over the
    size limit, binary or not text in any encoding accepted."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(
            f"{path.name}: the file is empty; expected a header row and at least one data row."
        )
    if size > limits.max_bytes:
        raise InputError(
            f"{path.name}: the file is {_megabytes(size)}, larger than the limit of "
            f"{_megabytes(limits.max_bytes)}; split it, or raise the limit with "
            "ANALYTICS_MAX_INPUT_MB."
        )
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    if sample.startswith(_UTF16_BOMS):
        raise InputError(f"{path.name}: the file is UTF-16 text; save it as UTF-8 CSV.")
    nul = sample.find(b"\0")
    if nul >= 0:
        raise InputError(
            f"{path.name}: not a CSV text file (byte {nul:,} is a NUL byte, as in binary files "
            "such as spreadsheets or archives); export the data as CSV."
        )
    encoding = _encoding(path)
    return CsvFormat(encoding, _delimiter(sample.decode(encoding, errors="replace")))


def _encoding(path: Path) -> str:
    """UTF-8 if the whole file decodes as UTF-8, else the fallback if it decodes as that."""
    first_failure = None
    for encoding in (UTF8, FALLBACK_ENCODING):
        failed_line = _first_undecodable_line(path, encoding)
        if failed_line is None:
            return encoding
        first_failure = first_failure or failed_line
    raise InputError(
        f"{path.name}: line {first_failure:,} is not UTF-8 text (nor Windows-1252/Latin-1); "
        "save the file as UTF-8 CSV."
    )


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK_BYTES):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                return lines_before + block.count(b"\n", 0, max(error.start, 0)) + 1
            lines_before += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines_before + 1
    return None


def _delimiter(sample: str) -> str:
    """The candidate that splits the header into the most fields (a comma when none does)."""
    lines = sample.splitlines() or [""]
    header = next((line for line in lines if line.strip()), "")

    def width(delimiter: str) -> int:
        return len(next(csv.reader([header], delimiter=delimiter), []))

    return max(DELIMITERS, key=width)


def read_batches(
    path: Path, csv_format: CsvFormat, limits: InputLimits, batch_rows: int
) -> Iterator[tuple[list[int], list[list[str]]]]:
    """Batches of (lines, records) of the records that are not blank; the first batch holds the
    header alone. A record that spans several lines (quoted newlines) has the line it starts on.

    Stops with an InputError when the header is wider than the column limit or the data rows
    pass the row limit. Records come in batches because per-record work dominates otherwise.
    """
    with path.open(encoding=csv_format.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=csv_format.delimiter)
        lines: list[int] = []
        records: list[list[str]] = []
        data_rows = -1  # the header is not a data row
        next_line = 1
        try:
            for fields in reader:
                line, next_line = next_line, reader.line_num + 1
                if not (fields and (fields[0].strip() or "".join(fields).strip())):
                    continue
                data_rows += 1
                if data_rows > limits.max_rows:
                    raise InputError(
                        f"{path.name}: more than {limits.max_rows:,} data rows (line {line:,} "
                        "is the first beyond the limit); split the file, or raise the limit "
                        "with ANALYTICS_MAX_ROWS."
                    )
                lines.append(line)
                records.append(fields)
                if data_rows == 0:
                    _check_width(path, line, fields, limits)
                if data_rows == 0 or len(records) == batch_rows:
                    yield lines, records
                    lines, records = [], []
        except csv.Error as error:
            raise InputError(
                f"{path.name}: line {next_line:,} is not valid CSV ({error})."
            ) from None
        if records:
            yield lines, records


def read_head(path: Path, limits: InputLimits, rows: int) -> tuple[list[str], list[list[str]]]:
    """The header and the first `rows` data records, after `inspect`'s refusals and the column
    limit: what a person needs to see to say which column is which. ([], []) for a blank file."""
    with closing(read_batches(path, inspect(path, limits), limits, rows)) as batches:
        _, header = next(batches, ([], [[]]))
        _, records = next(batches, ([], []))
    return header[0], records


def _check_width(path: Path, line: int, header: list[str], limits: InputLimits) -> None:
    if len(header) > limits.max_columns:
        raise InputError(
            f"{path.name}: the header (line {line}) has {len(header):,} columns, more than the "
            f"limit of {limits.max_columns:,}; keep the columns the analysis needs, or raise "
            "the limit with ANALYTICS_MAX_COLUMNS."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
