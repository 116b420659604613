"""What a customer file's checks add up to: the tally of problems over its batches (with the
first examples of each), and the notes a run carries about what was normalised or set aside."""

import pandas as pd

from analytics.io import csvfile
from analytics.validation.checks import CheckedRows, Problem
from analytics.validation.messages import SHOWN_PER_PROBLEM, lines_text, values_text
from analytics.validation.quarantine import BadRow


class Tally:
    """What the batches of one file add up to: good rows, problem counts, first examples."""

    def __init__(self) -> None:
        self.data_rows = 0
        self.purchased_words = 0
        self.good: list[pd.DataFrame] = []
        self.counts: dict[Problem, int] = {}
        self.examples: dict[Problem, list[tuple[int, str]]] = {}
        self.bad_flags: list[pd.DataFrame] = []

    def add(self, checked: CheckedRows) -> None:
        self.data_rows += len(checked.typed)
        self.purchased_words += checked.purchased_words
        index = checked.typed.index
        flags = pd.DataFrame(
            {p.reason: index.isin(shown.index) for p, shown in checked.problems.items()},
            index=index,
        )
        bad = flags.any(axis=1)
        self.good.append(checked.typed[~bad])
        self.bad_flags.append(flags[bad])
        for problem, shown in checked.problems.items():
            self._count(problem, shown)

    def flag_lines(self, problem: Problem, lines: pd.Index) -> None:
        """Rows found bad after they were counted as good (by a check across the whole file)."""
        self.bad_flags.append(pd.DataFrame({problem.reason: True}, index=lines))
        self._count(problem, pd.Series("", index=lines))

    def _count(self, problem: Problem, shown: pd.Series) -> None:
        self.counts[problem] = self.counts.get(problem, 0) + len(shown)
        examples = self.examples.setdefault(problem, [])
        examples.extend(shown.iloc[: SHOWN_PER_PROBLEM - len(examples)].items())

    @property
    def has_wrong_values(self) -> bool:
        return any(count and not problem.may_set_aside for problem, count in self.counts.items())

    @property
    def bad_lines(self) -> pd.Index:
        return pd.concat(self.bad_flags).index if self.bad_flags else pd.Index([])

    def reasons_by_line(self) -> dict[int, tuple[str, ...]]:
        """Every bad row's reasons, in line order."""
        flags = pd.concat(self.bad_flags).eq(True).sort_index()
        reasons = flags.columns.to_numpy()
        rows = zip(flags.index, flags.to_numpy(), strict=True)
        return {int(line): tuple(reasons[row]) for line, row in rows}

    def describe(self) -> list[str]:
        """One clause per problem found, naming its column and first lines."""
        clauses = []
        for problem, count in self.counts.items():
            examples = self.examples[problem]
            if problem.shows_values and count:
                clauses.append(f"{problem.reason} but {values_text(examples, count)}")
            elif count:
                lines = [line for line, _ in examples]
                clauses.append(f"{problem.reason} on {lines_text(lines, count)}")
        return clauses


def format_notes(csv_format: csvfile.CsvFormat) -> list[str]:
    notes = []
    if csv_format.encoding == csvfile.FALLBACK_ENCODING:
        notes.append(
            "The file is not UTF-8, so it was read as Windows-1252 (Latin-1); check that "
            "accented letters look right."
        )
    if csv_format.delimiter == ";":
        notes.append(
            "The file separates columns with ';', so a comma in a number was read as a decimal "
            "comma (2,5 is 2.5)."
        )
    elif csv_format.delimiter == "\t":
        notes.append("The file separates columns with tabs.")
    return notes


def value_notes(purchased_words: int, gender_merges: dict[str, str], exact: int) -> list[str]:
    notes = []
    if purchased_words:
        notes.append(
            f"'Purchased' was written as a word (yes/no, y/n or true/false) on "
            f"{purchased_words:,} row{'s' if purchased_words != 1 else ''}; read as 1 and 0."
        )
    if gender_merges:
        merged = ", ".join(f"{v!r} as {s!r}" for v, s in list(gender_merges.items())[:5])
        notes.append(f"'Gender' values that differ only in case were merged: {merged}.")
    if exact:
        notes.append(
            f"{exact:,} row{' was' if exact == 1 else 's were'} dropped for repeating a later "
            "row exactly (same Customer ID and values)."
        )
    return notes


def quarantine_notes(bad_rows: list[BadRow], data_rows: int) -> list[str]:
    if not bad_rows:
        return []
    counts: dict[str, int] = {}
    for row in bad_rows:
        for reason in row.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    reasons = "; ".join(f"{reason} ({count:,})" for reason, count in counts.items())
    return [
        f"{len(bad_rows):,} of {data_rows:,} data rows {'was' if len(bad_rows) == 1 else 'were'} "
        f"set aside (quarantined) and left out of this run: {reasons}. They are kept with the "
        "run, to download and fix."
    ]
