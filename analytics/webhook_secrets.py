"""Webhook secrets at rest: a receiver URL with credentials and the signing secret are stored
encrypted (Fernet: AES-CBC with an HMAC), so a copy of the database or a backup does not give
them away.

The key is derived from WEBHOOK_KEY if set, else SECRET_KEY, else a random key kept in the file
`webhook.key` beside the SQLite database (or in data/ for other databases), made once with mode
0600. Every key available is tried for decryption, so a webhook added by a command without
SECRET_KEY (sealed with the key file) is still sent by a server that has one.
"""

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from analytics.config import Settings
from analytics.db.session import sqlite_file

PREFIX = "fernet:"
KEY_FILE_NAME = "webhook.key"
DEFAULT_KEY_FOLDER = Path("data")
PURPOSE = b"customer-analytics webhook credentials"


class SealError(RuntimeError):
    """A stored webhook cannot be decrypted with any key this process has."""


@dataclass(frozen=True)
class Sealed:
    url: str
    secret: str


@dataclass(frozen=True)
class Keys:
    """Where this process's webhook keys come from."""

    passphrases: tuple[str, ...]
    key_file: Path

    @classmethod
    def for_database(cls, settings: Settings, database_url: str) -> "Keys":
        path = sqlite_file(database_url)
        folder = path.parent if path is not None else DEFAULT_KEY_FOLDER
        passphrases = tuple(k for k in (settings.webhook_key, settings.secret_key) if k)
        return cls(passphrases, folder / KEY_FILE_NAME)

    def seal(self, url: str, secret: str) -> str:
        """The text to store for a webhook's full URL and signing secret."""
        plain = json.dumps({"url": url, "secret": secret}).encode()
        return PREFIX + self._fernet(create=True).encrypt(plain).decode("ascii")

    def unseal(self, stored: str) -> Sealed:
        try:
            fernet = self._fernet(create=False)
            plain = json.loads(fernet.decrypt(stored.removeprefix(PREFIX).encode("ascii")))
        except (InvalidToken, ValueError) as error:
            raise SealError(
                "this webhook's URL and secret were encrypted with another key: set the same "
                "WEBHOOK_KEY (or SECRET_KEY) in every process that adds or sends webhooks"
            ) from error
        return Sealed(plain["url"], plain["secret"])

    def _fernet(self, create: bool) -> MultiFernet:
        keys = [_derived(passphrase) for passphrase in self.passphrases]
        if self.key_file.exists():
            keys.append(self.key_file.read_bytes().strip())
        elif create and not keys:
            keys.append(_new_key_file(self.key_file))
        if not keys:
            raise ValueError("no webhook key")
        # Encrypts with the first key, decrypts with any of them.
        return MultiFernet([Fernet(key) for key in keys])


def _derived(passphrase: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return base64.urlsafe_b64encode(hkdf.derive(passphrase.encode()))


def _new_key_file(path: Path) -> bytes:
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a key another process made a moment ago; 0600: ours only.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key
