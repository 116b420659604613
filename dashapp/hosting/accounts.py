"""Users of the hosted dashboard and their API tokens, kept in the analytics database."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from analytics.db.models import ApiToken, User, new_session_token
from analytics.db.session import session_factory
from dashapp.hosting.roles import LADDER

MIN_PASSWORD_LENGTH = 8
USERNAME_MAX_LENGTH = 64
TOKEN_PREFIX = "ca_"


class AccountError(ValueError):
    """A request to change accounts that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    created_at: datetime
    # What a session cookie must carry to act for the account (see account_for_session).
    session_token: str = field(default="", repr=False)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def add_user(url: str, username: str, password: str, role: str) -> Account:
    username = username.strip()
    _check_role(role)
    if not username or len(username) > USERNAME_MAX_LENGTH:
        raise AccountError(f"a username has 1 to {USERNAME_MAX_LENGTH} characters")
    _check_password(password)
    with session_factory(url).begin() as session:
        if _user(session, username) is not None:
            raise AccountError(f"user {username!r} already exists")
        user = User(username=username, password_hash=_password_hash(password), role=role)
        session.add(user)
        session.flush()
        return _account(user)


def list_users(url: str) -> list[Account]:
    with session_factory(url)() as session:
        return [_account(user) for user in session.scalars(select(User).order_by(User.username))]


def remove_user(url: str, username: str) -> None:
    """Remove a user; their tokens go with them."""
    with session_factory(url).begin() as session:
        user = _existing_user(session, username)
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            session.delete(token)
        session.delete(user)


def set_role(url: str, username: str, role: str) -> Account:
    """A new role; the account's open sessions end, so nothing a session was given under the
    old role (a rendered page, a running job) outlives the change."""
    _check_role(role)
    with session_factory(url).begin() as session:
        user = _existing_user(session, username)
        user.role = role
        user.session_token = new_session_token()
        return _account(user)


def set_password(url: str, username: str, password: str) -> None:
    """A new password; the account's open sessions end, since whoever held the old password may
    hold one of them."""
    _check_password(password)
    with session_factory(url).begin() as session:
        user = _existing_user(session, username)
        user.password_hash = _password_hash(password)
        user.session_token = new_session_token()


def authenticate(url: str, username: str, password: str) -> Account | None:
    """The account when the password is right, else None."""
    with session_factory(url)() as session:
        user = _user(session, username.strip())
        if user is None:
            check_password_hash(_unknown_user_hash(), password)
            return None
        return _account(user) if check_password_hash(user.password_hash, password) else None


def account_by_id(url: str, user_id: int) -> Account | None:
    with session_factory(url)() as session:
        user = session.get(User, user_id)
        return None if user is None else _account(user)


def account_for_session(url: str, user_id: int, session_token: str) -> Account | None:
    """The account a session cookie acts for: its id must exist and its session token be the
    account's current one, so that a cookie outlives neither its logout nor its account."""
    account = account_by_id(url, user_id)
    if account is None or not hmac.compare_digest(
        account.session_token.encode(), session_token.encode()
    ):
        return None
    return account


def end_sessions(url: str, user_id: int) -> None:
    """End every session of the account (each device it is signed in on) by giving it a new
    session token; the old cookies no longer match."""
    with session_factory(url).begin() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.session_token = new_session_token()


def create_token(url: str, username: str) -> str:
    """A new token for the user; only its hash is stored, so this is the one time it is seen."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with session_factory(url).begin() as session:
        user = _existing_user(session, username)
        session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), prefix=token[:10]))
    return token


def list_tokens(url: str) -> list[TokenInfo]:
    with session_factory(url)() as session:
        rows = session.execute(
            select(ApiToken, User.username).join(User).order_by(ApiToken.id)
        ).all()
        return [
            TokenInfo(token.id, username, token.prefix, token.created_at, token.revoked_at)
            for token, username in rows
        ]


def revoke_token(url: str, token_id: int) -> None:
    with session_factory(url).begin() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            raise AccountError(f"no token with id {token_id}")
        if token.revoked_at is None:
            token.revoked_at = datetime.now(UTC)


def account_for_token(url: str, token: str) -> Account | None:
    """The account a live (not revoked) token acts for, else None."""
    with session_factory(url)() as session:
        row = session.execute(
            select(User)
            .join(ApiToken)
            .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
        ).scalar_one_or_none()
        return None if row is None else _account(row)


@cache
def _unknown_user_hash() -> str:
    """Checked against when a username is unknown, so that a failed login takes as long either
    way and does not reveal which usernames exist."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")


def _password_hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _check_role(role: str) -> None:
    if role not in LADDER:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(LADDER)}")


def _user(session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def _existing_user(session, username: str) -> User:
    user = _user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.role, user.created_at, user.session_token)
