"""Hosted mode signs sessions with SECRET_KEY: a guessable or short one is refused at start."""

import pytest

from dashapp.hosting.auth import MissingSecretKey, WeakSecretKey, require_secret_key
from tests.conftest import TEST_SECRET_KEY

HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


@pytest.mark.parametrize(
    "weak",
    [
        "secret",
        "acceptance-12345",  # 16 bytes
        "x" * 31,
        "a" * 64,  # long but one character
        "changeme-changeme-changeme-changeme",
        "your-secret-key-your-secret-key-your",
    ],
)
def test_weak_secret_keys_are_refused_with_how_to_make_one(weak):
    with pytest.raises(WeakSecretKey) as refusal:
        require_secret_key(weak)
    assert HOW_TO_MAKE_ONE in str(refusal.value)
    if len(weak) > len("secret"):
        assert weak not in str(refusal.value)  # the key itself is never echoed into logs


def test_a_missing_key_is_still_its_own_error():
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        require_secret_key(None)


def test_a_long_random_key_is_accepted():
    assert require_secret_key(TEST_SECRET_KEY) == TEST_SECRET_KEY
