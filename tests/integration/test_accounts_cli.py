"""`python -m dashapp users|tokens …`, and gunicorn refusing to serve without SECRET_KEY."""

import io
import os
import subprocess
import sys
import urllib.request

import pytest

from dashapp.__main__ import main
from dashapp.hosting import accounts
from tests.conftest import DASH_TEST_PORT, ROOT

PASSWORD = "a long enough password"


def run(argv: list[str], capsys, monkeypatch, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_users_add_list_set_role_and_remove(empty_db, capsys, monkeypatch):
    db = ["--db", empty_db]
    assert run(
        ["users", "add", "maria", "--role", "analyst", "--password-stdin", *db],
        capsys,
        monkeypatch,
        PASSWORD + "\n",
    )[:2] == (0, "Added maria (analyst).\n")
    assert accounts.authenticate(empty_db, "maria", PASSWORD).role == "analyst"
    assert accounts.authenticate(empty_db, "maria", PASSWORD + "x") is None

    status, out, _ = run(["users", "list", *db], capsys, monkeypatch)
    assert status == 0 and out.startswith("maria\tanalyst\t")

    assert run(["users", "set-role", "maria", "sales", *db], capsys, monkeypatch)[:2] == (
        0,
        "maria is now sales.\n",
    )
    assert [a.role for a in accounts.list_users(empty_db)] == ["sales"]

    assert run(["users", "remove", "maria", *db], capsys, monkeypatch)[0] == 0
    assert accounts.list_users(empty_db) == []


def test_users_set_password_changes_it_and_ends_open_sessions(empty_db, capsys, monkeypatch):
    account = accounts.add_user(empty_db, "maria", PASSWORD, "viewer")
    status, out, _ = run(
        ["users", "set-password", "maria", "--password-stdin", "--db", empty_db],
        capsys,
        monkeypatch,
        "another long password\n",
    )
    assert (status, out) == (0, "New password for maria; their open sessions have ended.\n")
    assert accounts.authenticate(empty_db, "maria", PASSWORD) is None
    assert accounts.authenticate(empty_db, "maria", "another long password") is not None
    assert accounts.account_for_session(empty_db, account.id, account.session_token) is None
    assert (
        run(
            ["users", "set-password", "maria", "--password-stdin", "--db", empty_db],
            capsys,
            monkeypatch,
            "short\n",
        )[0]
        != 0
    )


def test_the_password_is_stored_as_a_scrypt_hash(empty_db, capsys, monkeypatch):
    from sqlalchemy import select

    from analytics.db.models import User
    from analytics.db.session import session_factory

    run(
        ["users", "add", "ana", "--role", "viewer", "--password-stdin", "--db", empty_db],
        capsys,
        monkeypatch,
        PASSWORD,
    )
    with session_factory(empty_db)() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_users_add_asks_twice_without_password_stdin(empty_db, capsys, monkeypatch):
    answers = iter([PASSWORD, "something else"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    status, _, err = run(
        ["users", "add", "bo", "--role", "viewer", "--db", empty_db], capsys, monkeypatch
    )
    assert status == 1 and err == "error: the two passwords differ\n"
    assert accounts.list_users(empty_db) == []


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ["users", "add", "x", "--role", "viewer", "--password-stdin"],
            "short\n",
            "error: a password has at least 8 characters\n",
        ),
        (
            ["users", "add", "taken", "--role", "viewer", "--password-stdin"],
            PASSWORD,
            "error: user 'taken' already exists\n",
        ),
        (["users", "remove", "ghost"], "", "error: no user 'ghost'\n"),
        (["users", "set-role", "ghost", "admin"], "", "error: no user 'ghost'\n"),
        (["tokens", "create", "--user", "ghost"], "", "error: no user 'ghost'\n"),
        (["tokens", "revoke", "42"], "", "error: no token with id 42\n"),
    ],
)
def test_mistakes_exit_1_with_one_line(empty_db, capsys, monkeypatch, argv, stdin, message):
    accounts.add_user(empty_db, "taken", PASSWORD, "viewer")
    status, out, err = run([*argv, "--db", empty_db], capsys, monkeypatch, stdin)
    assert (status, out, err) == (1, "", message)


def test_an_unknown_role_is_refused_by_the_parser(empty_db, capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_info:
        run(["users", "add", "x", "--role", "boss", "--db", empty_db], capsys, monkeypatch)
    assert exit_info.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err


def test_tokens_create_list_and_revoke(empty_db, capsys, monkeypatch):
    accounts.add_user(empty_db, "crm", PASSWORD, "sales")
    status, token, err = run(
        ["tokens", "create", "--user", "crm", "--db", empty_db], capsys, monkeypatch
    )
    token = token.strip()
    assert status == 0 and token.startswith("ca_") and len(token) > 40
    assert "cannot be shown again" in err
    assert accounts.account_for_token(empty_db, token).username == "crm"

    status, listing, _ = run(["tokens", "list", "--db", empty_db], capsys, monkeypatch)
    token_id, user, prefix, _created, state = listing.strip().split("\t")
    assert (user, prefix, state) == ("crm", token[:10] + "…", "live")
    assert token not in listing

    assert run(["tokens", "revoke", token_id, "--db", empty_db], capsys, monkeypatch)[0] == 0
    assert accounts.account_for_token(empty_db, token) is None
    listing = run(["tokens", "list", "--db", empty_db], capsys, monkeypatch)[1]
    assert "\trevoked " in listing


def test_removing_a_user_removes_their_tokens(empty_db):
    accounts.add_user(empty_db, "crm", PASSWORD, "sales")
    token = accounts.create_token(empty_db, "crm")
    accounts.remove_user(empty_db, "crm")
    assert accounts.account_for_token(empty_db, token) is None
    assert accounts.list_tokens(empty_db) == []


def test_the_real_command_adds_a_user_from_stdin(empty_db):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashapp",
            "users",
            "add",
            "root",
            "--role",
            "admin",
            "--password-stdin",
            "--db",
            empty_db,
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout) == (0, "Added root (admin).\n")
    assert accounts.authenticate(empty_db, "root", PASSWORD).role == "admin"


def test_serving_beyond_loopback_without_secret_key_is_refused(empty_db, capsys, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", "0.0.0.0", "--db", empty_db])
    assert exit_info.value.code == 2
    assert "set SECRET_KEY" in capsys.readouterr().err


def test_gunicorn_refuses_to_serve_without_secret_key(empty_db):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    stderr = _gunicorn_refusal({**environment, "DATABASE_URL": empty_db})
    assert "SECRET_KEY is not set" in stderr


def _gunicorn_refusal(environment: dict[str, str]) -> str:
    """Start gunicorn on wsgi:server with `environment`, check that it stops without serving and
    return its stderr."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    port = DASH_TEST_PORT + 1
    result = subprocess.run(
        [gunicorn, "--bind", f"127.0.0.1:{port}", "wsgi:server"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environment,
    )
    # The worker fails to import wsgi, so gunicorn's master stops with "failed to boot".
    assert result.returncode != 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    return result.stderr


def test_serving_with_a_weak_secret_key_is_refused(empty_db, capsys, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "secret")
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", empty_db])
    assert exit_info.value.code == 2
    assert "SECRET_KEY is too weak" in capsys.readouterr().err


def test_gunicorn_refuses_to_serve_with_a_weak_secret_key(empty_db):
    stderr = _gunicorn_refusal({**os.environ, "DATABASE_URL": empty_db, "SECRET_KEY": "secret"})
    assert "SECRET_KEY is too weak" in stderr
    assert "secrets.token_urlsafe(48)" in stderr


def test_accounts_on_each_database_backend(fresh_db):
    """Migration 0003 creates the accounts tables on SQLite and PostgreSQL alike."""
    accounts.add_user(fresh_db, "pg", PASSWORD, "analyst")
    token = accounts.create_token(fresh_db, "pg")
    assert accounts.authenticate(fresh_db, "pg", PASSWORD).role == "analyst"
    assert accounts.account_for_token(fresh_db, token).username == "pg"
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.add_user(fresh_db, "pg", PASSWORD, "viewer")
    accounts.remove_user(fresh_db, "pg")
    assert accounts.account_for_token(fresh_db, token) is None
