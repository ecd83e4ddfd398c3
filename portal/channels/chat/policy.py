"""Who may use a chat: its customer (signed in, or holding the chat's key), and agents."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from portal.channels.chat.models import Chat
from portal.core.auth import is_staff
from portal.customers.service import customer_for_user


def new_key() -> tuple[str, str]:
    """A fresh access key for a chat and the hash stored in its place."""
    key = secrets.token_urlsafe(24)
    return key, hash_key(key)


def hash_key(key: str) -> str:
    """What is stored of a chat's access key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def holds_key(chat: Chat, key: str | None) -> bool:
    """The caller presented this chat's own key."""
    return bool(key) and hmac.compare_digest(chat.token_hash, hash_key(key or ""))


def is_customer_of(user: Any, chat: Chat) -> bool:
    """A signed-in customer whose record is the chat's customer."""
    if not getattr(user, "is_authenticated", False) or is_staff(user):
        return False
    customer = customer_for_user(user)
    return customer is not None and customer.id == chat.customer_id


def can_use_chat(user: Any, chat: Chat | None, key: str | None) -> bool:
    """Agents use every chat; a customer their own; a guest the chat whose key they hold."""
    if chat is None:
        return False
    return is_staff(user) or holds_key(chat, key) or is_customer_of(user, chat)


def can_answer(user: Any) -> bool:
    """Agents and admins answer chats, write notes, transfer and end them for everyone."""
    return is_staff(user)
