"""Write the hostile-input corpus: small customer files that are broken, odd or malicious.

    python tests/data/hostile/make_corpus.py

Every file is made from seeded synthetic customers, so running this again gives the same bytes
(a test checks that). What the CLI must do with each file is in docs/reliability.md; the 200 MB
file is made at test time instead (tests/integration/test_hostile.py), not committed.
"""

import random
from pathlib import Path

from analytics.io.sample import COLUMNS, generate_customers

HERE = Path(__file__).resolve().parent
HEADER = list(COLUMNS)
# How exports spell a purchase and its absence.
WORDS = [("yes", "no"), ("TRUE", "false"), ("y", "N")]
# Below the model gate (50 rows), so accepted files are analysed in about a second.
ROWS = 30


def customers(rows: int = ROWS, seed: int = 1) -> list[list[str]]:
    frame = generate_customers(rows, seed=seed)
    return [[str(value) for value in record] for record in frame.itertuples(index=False)]


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",", eol="\n") -> str:
    """Plain CSV, quoting only what has to be quoted (a delimiter, quote or line break)."""

    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(map(cell, row)) + eol for row in [header, *rows])


def with_cell(rows: list[list[str]], changes: dict[str, dict[int, str]]) -> list[list[str]]:
    """A copy of `rows` with cells replaced: {column: {row index: new value}}."""
    changed = [list(row) for row in rows]
    for column, values in changes.items():
        for index, value in values.items():
            changed[index][HEADER.index(column)] = value
    return changed


def edited(rows: list[list[str]], changes: dict[str, dict[int, str]]) -> bytes:
    """`rows` under HEADER as UTF-8 CSV, with the cells `changes` names replaced."""
    return utf8(csv_text(HEADER, with_cell(rows, changes)))


def without_column(
    header: list[str], rows: list[list[str]], column: str
) -> tuple[list[str], list[list[str]]]:
    index = header.index(column)
    return header[:index] + header[index + 1 :], [row[:index] + row[index + 1 :] for row in rows]


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def corpus() -> dict[str, bytes]:
    """{file name: contents}; the rows and columns named in each comment are what matters."""
    base = customers()
    files = {
        "empty.csv": b"",
        "header_only.csv": utf8(csv_text(HEADER, [])),
        "single_row.csv": utf8(csv_text(HEADER, base[:1])),
        "missing_column.csv": utf8(csv_text(*without_column(HEADER, base, "Salary"))),
        "renamed_columns.csv": utf8(
            csv_text(
                ["User ID", "Sex", "Age", "EstimatedSalary", "Product ID", "Price", "Bought"],
                base,
            )
        ),
        # Three columns the analysis does not use.
        "extra_columns.csv": utf8(
            csv_text(
                [*HEADER, "Email", "Notes", "Loyalty Tier"],
                [[*r, f"c{r[0]}@example.com", "called twice", "gold"] for r in base],
            )
        ),
        # Text in Age, Salary and Price on 8 of 30 rows: too many to set aside.
        "text_in_numeric.csv": edited(
            base,
            {
                "Age": {1: "thirty", 4: "n/a", 15: "3O"},
                "Salary": {7: "50k", 9: "£40,000", 18: "unknown"},
                "Price": {12: "cheap", 21: "2.000.50"},
            },
        ),
        # Negative and absurd ages and salaries on 6 of 30 rows.
        "absurd_values.csv": edited(
            base,
            {
                "Age": {2: "250", 5: "-3", 8: "999"},
                "Salary": {11: "-5000", 14: "1e12"},
                "Price": {17: "-1"},
            },
        ),
        # Purchased as 2, blank, maybe, -1 and 0.5 on 5 of 30 rows.
        "purchased_invalid.csv": edited(
            base,
            {
                "Purchased": {3: "2", 6: "", 9: "maybe", 12: "-1", 15: "0.5"},
            },
        ),
        # Purchased as yes/no, TRUE/false and y/N on every row.
        "purchased_words.csv": utf8(
            csv_text(
                HEADER,
                [[*r[:6], WORDS[i % len(WORDS)][r[6] == "0"]] for i, r in enumerate(base)],
            )
        ),
        # Customer 7 again at the end with another salary (a conflict: the last row is kept),
        # and customer 12 again exactly (a harmless repeat).
        "duplicate_ids.csv": utf8(
            csv_text(HEADER, [*base, with_cell(base[6:7], {"Salary": {0: "99000"}})[0], base[11]])
        ),
        "bom.csv": b"\xef\xbb\xbf" + utf8(csv_text(HEADER, base)),
        "crlf.csv": utf8(csv_text(HEADER, base, eol="\r\n")),
        # As Excel writes CSV in many European locales: ';' between columns, decimal commas.
        "semicolon_decimal_comma.csv": utf8(
            csv_text(
                HEADER,
                [[*r[:3], f"{r[3]},50", r[4], f"{r[5]},99", r[6]] for r in base],
                delimiter=";",
            )
        ),
        # Accented product names in Latin-1, as older Windows exports write them.
        "latin1.csv": csv_text(HEADER, [[*r[:4], f"Crème {r[4]}", *r[5:]] for r in base]).encode(
            "latin-1"
        ),
        "utf16.csv": csv_text(HEADER, base).encode("utf-16"),
        # Product names with a line break, a comma and a quote inside quoted cells.
        "quoted_newlines.csv": edited(
            base,
            {
                "Product ID": {
                    2: "P01\nlimited edition",
                    5: 'P02, "blue"',
                    8: "P03\r\nsecond line\nthird line",
                },
            },
        ),
        # An unquoted comma inside Product ID shifts the rest of 6 of 30 rows.
        "ragged_rows.csv": utf8(
            "".join(
                ",".join(row) + "\n"
                for row in [
                    HEADER,
                    *with_cell(base, {"Product ID": dict.fromkeys(range(0, 30, 5), "P01,blue")}),
                ]
            )
        ),
        # Cells a spreadsheet would run as formulas, in the text columns; they are data.
        "formula_cells.csv": edited(
            base,
            {
                "Customer ID": {0: "=1+1", 1: "@SUM(A1:A9)"},
                "Product ID": {
                    2: '=HYPERLINK("http://example.com","P01")',
                    3: "+P02",
                    4: "-P03",
                    5: "=cmd|' /C calc'!A0",
                },
                "Age": {6: "+41"},
            },
        ),
        # All 60 customers bought nothing: segments, but no purchase model.
        "one_class.csv": utf8(csv_text(HEADER, [[*r[:6], "0"] for r in customers(60, seed=2)])),
        "wide_1000_columns.csv": utf8(
            csv_text(
                [*HEADER, *(f"Extra {i}" for i in range(len(HEADER) + 1, 1001))],
                [[*r, *["x"] * (1000 - len(HEADER))] for r in base[:3]],
            )
        ),
        "binary_garbage.csv": random.Random(8).randbytes(4096),
    }
    # One blank cell in each column in turn (on 1 of 30 rows).
    for column in HEADER:
        name = f"missing_{column.lower().replace(' ', '_')}.csv"
        files[name] = edited(base, {column: {9: ""}})
    return files


def main() -> None:
    for name, contents in corpus().items():
        (HERE / name).write_bytes(contents)
    print(f"wrote {len(corpus())} files to {HERE}")


if __name__ == "__main__":
    main()
