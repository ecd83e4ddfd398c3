"""Chats follow their customer through a merge, and back when it is undone."""

from __future__ import annotations

from portal.channels.chat.models import Chat
from portal.customers import service as customers

customers.follows_merges(Chat, "chats")
