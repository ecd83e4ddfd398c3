"""Accounts: creating users, signing in, passwords, API tokens and groups. Flushes, never commits."""

from __future__ import annotations

import functools
import hashlib
import secrets
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import tokens
from portal.accounts.models import ApiToken, Group, User
from portal.core import mail, signals
from portal.core.auth import ROLES
from portal.core.db import utcnow
from portal.core.errors import NotFound, ValidationFailed
from portal.core.links import external_url
from portal.extensions import db

MIN_PASSWORD = 8


@functools.cache
def _dummy_hash() -> str:
    """A real hash to compare against when the email is unknown, so timing does not reveal which emails exist."""
    return generate_password_hash("not-a-real-password")


def normalize_email(raw: str) -> str:
    """Case-folded, syntax-checked address (no DNS lookups); raises ValidationFailed on 'email'."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.casefold()
    except EmailNotValidError:
        raise ValidationFailed([("email", str(_l("Enter a valid email address.")))]) from None


def check_password_rules(password: str) -> None:
    """Length and not all one character; raises on 'password'."""
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed([("password", str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD)))])
    if len(set(password)) < 3:
        raise ValidationFailed([("password", str(_l("Choose a less predictable password.")))])


def find_user(email: str) -> User | None:
    """The account with this email (case-insensitive), if any."""
    try:
        key = normalize_email(email)
    except ValidationFailed:
        return None
    return db.session.scalar(sa.select(User).where(User.email == key))


def create_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    role: str = "customer",
    locale: str | None = None,
    timezone: str | None = None,
    actor: Any = None,
) -> User:
    """A new account; customers also get a customer record through the user_created signal."""
    key = normalize_email(email)
    if role not in ROLES:
        raise ValidationFailed([("role", str(_l("Unknown role.")))])
    if locale and locale not in current_app.config["LOCALES"]:
        raise ValidationFailed([("locale", str(_l("Unknown language.")))])
    if db.session.scalar(sa.select(User.id).where(User.email == key)):
        raise ValidationFailed([("email", str(_l("An account with this email already exists.")))])
    user = User(
        email=key,
        name=(name or "").strip() or key.partition("@")[0],
        role=role,
        locale=locale,
        timezone=timezone,
    )
    if password is not None:
        check_password_rules(password)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.flush()
    signals.user_created.send(user, actor=actor)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same work either way)."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every other session of this user."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1


def update_profile(user: User, *, name: str, locale: str | None, timezone: str | None) -> None:
    """The user's own name, language and time zone."""
    if not (name or "").strip():
        raise ValidationFailed([("name", str(_l("Enter your name.")))])
    if locale and locale not in current_app.config["LOCALES"]:
        raise ValidationFailed([("locale", str(_l("Unknown language.")))])
    user.name, user.locale, user.timezone = name.strip(), locale or None, timezone or None


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    """A signed link token that stops working once the password changes (single use)."""
    return tokens.sign("password-reset", {"u": user.id, "p": _password_fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    """The user a reset token was made for, if it is genuine, fresh and unused."""
    data = tokens.unsign("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    return user


def request_password_reset(email: str) -> User | None:
    """Send a reset link if the account exists (callers never tell whether it does)."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    link = external_url("accounts.reset_password", token=password_reset_token(user))
    subject, text, html = mail.compose(
        "password_reset", user.locale or current_app.config["BABEL_DEFAULT_LOCALE"], user=user, link=link
    )
    mail.queue(
        db.session,
        user.email,
        subject,
        text,
        html,
        to_name=user.name,
        headers={"Auto-Submitted": "auto-generated"},
    )
    signals.password_reset_requested.send(user)
    return user


def claim_token(email: str) -> str:
    """A signed link token proving the holder reads mail at `email` (a guest claiming an account)."""
    return tokens.sign("claim", {"e": email})


def email_from_claim_token(token: str) -> str | None:
    """The address a claim token was sent to, if genuine and fresh."""
    data = tokens.unsign("claim", token, current_app.config["SIGNED_LINK_MAX_AGE"])
    return data.get("e") if isinstance(data, dict) else None


def issue_token(user: User, name: str = "") -> str:
    """A new API token for `user`; the plain token is returned once and never stored."""
    plain = "hana_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=_hash_token(plain), prefix=plain[:10]))
    db.session.flush()
    return plain


def user_for_token(plain: str) -> User | None:
    """The active user of an unrevoked token."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now  # written at most every five minutes
    return token.user


def revoke_token(token: ApiToken) -> None:
    """The token stops working at once."""
    token.revoked_at = utcnow()


def _hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def save_group(
    group: Group | None, *, name: str, description: str = "", member_ids: list[int] | None = None
) -> Group:
    """Create or edit a group of agents."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed([("name", str(_l("Enter a name.")))])
    clash = db.session.scalar(sa.select(Group.id).where(Group.name == name))
    if clash and (group is None or clash != group.id):
        raise ValidationFailed([("name", str(_l("A group with this name exists.")))])
    if group is None:
        group = Group(name=name)
        db.session.add(group)
    group.name, group.description = name, description or ""
    if member_ids is not None:
        members = db.session.scalars(
            sa.select(User).where(User.id.in_(member_ids), User.role.in_(("agent", "admin")))
        )
        group.members = list(members)
    db.session.flush()
    return group


def set_role(user: User, role: str, *, actor: Any = None) -> None:
    """Change what a user may do; the last admin cannot lose the role."""
    if role not in ROLES:
        raise ValidationFailed([("role", str(_l("Unknown role.")))])
    if user.role == "admin" and role != "admin":
        admins = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
        )
        if admins <= 1:
            raise ValidationFailed([("role", str(_l("The last admin must stay an admin.")))])
    user.role = role
    if role == "customer":
        user.groups = []


def get_user(user_id: int) -> User:
    """A user by id or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user
