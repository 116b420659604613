"""Text that a spreadsheet will show but never run.

A cell that starts with =, +, -, @, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (CSV/formula injection); such text gets a leading single quote,
which the spreadsheet shows but does not run. Every CSV this product writes goes through this.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The value as a spreadsheet will show it without running it; non-text is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
