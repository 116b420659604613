"""The error every input check raises."""


class InputError(Exception):
    """The input cannot be analysed; the message says why, for the person who supplied it."""
