"""Accounts, roles and sign-in: who may write what, checked against the store at the moment of writing.

Roles: viewer (reads only), editor (changes rows of the regions listed on the account), admin (all
regions, manages users). Passwords are argon2id hashes (argon2-cffi); a password is never stored or
logged. Repeated failed sign-ins lock the account for a while; a browser session is a random token whose
sha256 is stored with an expiry, so the role and regions behind every write are read from the store, never
from what a browser sends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from loaders.model.vocabulary import ROLES

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
SESSION_HOURS = 8
MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """A bad account operation (unknown user, bad role, weak password …), with a Russian/English message."""


class LoginError(AccountError):
    """Sign-in refused: wrong name or password, disabled or locked account."""


class NotAuthorisedError(PermissionError):
    """A write the user's role or regions do not allow, or no valid session behind it."""


@dataclass(frozen=True)
class User:
    """An active account as stored: its role and the regions it may change."""

    name: str
    role: str
    regions: tuple[str, ...] = ()

    @property
    def can_write(self) -> bool:
        return self.role in ("editor", "admin")

    def may_change_region(self, region_code: str | None) -> bool:
        """Admins change every row; editors only rows of their regions (rows without a region: admins)."""
        if self.role == "admin":
            return True
        return self.role == "editor" and region_code is not None and region_code in self.regions


@dataclass(frozen=True)
class Credential:
    """What a write presents: a session token (pages) or a user name (the CLI, run by whoever holds
    the store file, which is trusted as far as that)."""

    session_token: str | None = None
    user_name: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_role(role: str, regions: list[str]) -> None:
    if role not in ROLES:
        raise AccountError(f"неизвестная роль / unknown role: {role} (viewer, editor, admin)")
    if role == "editor" and not regions:
        raise AccountError("редактору нужны регионы / an editor needs --regions")


def _check_regions(connection: duckdb.DuckDBPyConnection, regions: list[str]) -> None:
    known = {row[0] for row in connection.execute("SELECT region_code FROM regions").fetchall()}
    unknown = [code for code in regions if code not in known]
    if unknown:
        raise AccountError(f"неизвестный код региона / unknown region code: {', '.join(unknown)}")


def add_user(
    connection: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    password: str,
    regions: list[str] | None = None,
    changed_by: str = "cli",
) -> User:
    """Create an account (in the caller's transaction) and record it in the audit trail."""
    from loaders.store.audit import append_audit

    regions = sorted(set(regions or []))
    _check_role(role, regions)
    _check_regions(connection, regions)
    if not name or not name.strip():
        raise AccountError("пустое имя пользователя / empty user name")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"пароль короче {MIN_PASSWORD_LENGTH} символов / password shorter than "
            f"{MIN_PASSWORD_LENGTH} characters"
        )
    if connection.execute("SELECT 1 FROM users WHERE user_name = ?", [name]).fetchall():
        raise AccountError(f"пользователь уже есть / user exists: {name}")
    connection.execute(
        "INSERT INTO users VALUES (?, ?, ?, ?, true, 0, NULL, ?)",
        [name, role, regions, _HASHER.hash(password), _now()],
    )
    append_audit(
        connection,
        changed_by,
        "user_change",
        "user",
        name,
        "role",
        None,
        f"{role} {','.join(regions)}".strip(),
        "account created",
    )
    return User(name, role, tuple(regions))


def list_users(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every account without its hash: name, role, regions, active, failed logins, locked until."""
    rows = connection.execute(
        "SELECT user_name, role, regions, is_active, failed_logins, locked_until, created_at "
        "FROM users ORDER BY user_name"
    ).fetchall()
    keys = (
        "user_name",
        "role",
        "regions",
        "is_active",
        "failed_logins",
        "locked_until",
        "created_at",
    )
    return [dict(zip(keys, row)) for row in rows]


def disable_user(connection: duckdb.DuckDBPyConnection, name: str, changed_by: str = "cli") -> None:
    """Disable an account and end its sessions (the row stays, for the audit trail)."""
    from loaders.store.audit import append_audit

    if not connection.execute("SELECT 1 FROM users WHERE user_name = ?", [name]).fetchall():
        raise AccountError(f"нет такого пользователя / no such user: {name}")
    connection.execute("UPDATE users SET is_active = false WHERE user_name = ?", [name])
    connection.execute("DELETE FROM sessions WHERE user_name = ?", [name])
    append_audit(
        connection,
        changed_by,
        "user_change",
        "user",
        name,
        "is_active",
        "true",
        "false",
        "disabled",
    )


def _stored_user(connection: duckdb.DuckDBPyConnection, name: str) -> User | None:
    rows = connection.execute(
        "SELECT user_name, role, regions FROM users WHERE user_name = ? AND is_active", [name]
    ).fetchall()
    if not rows:
        return None
    user_name, role, regions = rows[0]
    return User(user_name, role, tuple(regions or ()))


def attempt_sign_in(
    connection: duckdb.DuckDBPyConnection, name: str, password: str, now: dt.datetime | None = None
) -> tuple[str | None, str | None]:
    """Check the password and open a session: (token, None), or (None, why refused). It raises nothing,
    so the caller's transaction commits the failure count too.

    Each failure counts; after MAX_FAILED_LOGINS the account is locked for LOCK_MINUTES. The refusal
    message is the same for an unknown name and a wrong password.
    """
    now = now or _now()
    rows = connection.execute(
        "SELECT password_hash, is_active, failed_logins, locked_until FROM users WHERE user_name = ?",
        [name],
    ).fetchall()
    refused = "неверное имя или пароль / wrong user name or password"
    if not rows:
        _verify(_DUMMY_HASH, password)
        return None, refused
    password_hash, is_active, failed, locked_until = rows[0]
    if locked_until is not None and locked_until > now:
        return None, (
            f"слишком много неудачных попыток; вход закрыт до {locked_until:%H:%M} UTC / "
            "too many failed attempts; account locked"
        )
    if not is_active or not _verify(password_hash, password):
        failed += 1
        lock = now + dt.timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_LOGINS else None
        connection.execute(
            "UPDATE users SET failed_logins = ?, locked_until = ? WHERE user_name = ?",
            [0 if lock else failed, lock, name],
        )
        return None, refused
    connection.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE user_name = ?", [name]
    )
    connection.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])
    token = secrets.token_urlsafe(32)
    connection.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?)",
        [_token_hash(token), name, now, now + dt.timedelta(hours=SESSION_HOURS)],
    )
    return token, None


def sign_in(
    connection: duckdb.DuckDBPyConnection, name: str, password: str, now: dt.datetime | None = None
) -> str:
    """attempt_sign_in that raises LoginError when refused (the failure count is then only kept if
    the caller commits anyway; pages use attempt_sign_in)."""
    token, refusal = attempt_sign_in(connection, name, password, now)
    if refusal:
        raise LoginError(refusal)
    return token


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_out(connection: duckdb.DuckDBPyConnection, token: str) -> None:
    connection.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])


def session_user(
    connection: duckdb.DuckDBPyConnection, token: str | None, now: dt.datetime | None = None
) -> User | None:
    """The active user behind a session token, or None (no token, unknown, expired, disabled)."""
    if not token:
        return None
    rows = connection.execute(
        "SELECT user_name FROM sessions WHERE token_hash = ? AND expires_at > ?",
        [_token_hash(token), now or _now()],
    ).fetchall()
    return _stored_user(connection, rows[0][0]) if rows else None


def authorised_user(connection: duckdb.DuckDBPyConnection, credential: Credential) -> User:
    """The writing user as the store knows it now; NotAuthorisedError if none may write."""
    if credential.session_token:
        user = session_user(connection, credential.session_token)
        if user is None:
            raise NotAuthorisedError(
                "сессия истекла или недействительна; войдите снова / session expired or invalid"
            )
    elif credential.user_name:
        user = _stored_user(connection, credential.user_name)
        if user is None:
            raise NotAuthorisedError(
                f"нет активного пользователя / no active user: {credential.user_name}"
            )
    else:
        raise NotAuthorisedError("для записи нужен вход / writing needs a signed-in user")
    if not user.can_write:
        raise NotAuthorisedError(
            f"у роли «читатель» нет права записи / user {user.name} (viewer) may not write"
        )
    return user


def require_region(user: User, region_codes: list[str | None], what: str) -> None:
    """Refuse unless the user may change a row touching any of these regions."""
    if not any(user.may_change_region(code) for code in region_codes):
        shown = ", ".join(code or "без региона" for code in region_codes)
        raise NotAuthorisedError(
            f"{user.name} не может менять {what} региона {shown} / "
            f"{user.name} may not change rows of region {shown}"
        )
