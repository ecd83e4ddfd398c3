"""Outgoing side of chat: an agent's reply on a chat ticket reaches the live chat, or a mail once it has ended."""

from __future__ import annotations

from portal.channels.base import Outbound
from portal.channels.chat import agents, queries, transcript
from portal.channels.web.adapter import adapter as mail_with_link
from portal.extensions import db
from portal.tickets.models import Message


class ChatAdapter:
    """Replies to a chat ticket: into the chat while the customer is in it, else by mail with a portal link."""

    name = "chat"

    def deliver(self, outbound: Outbound) -> None:
        """Show the reply in the live chat, or fall back to mail (the follow-up stays on the same ticket)."""
        if transcript.is_posting():
            return  # written by the chat itself, already in the chat
        chat = db.session.scalar(queries.live_for_ticket(outbound.ticket_id))
        if chat is None:
            mail_with_link.deliver(outbound)
            return
        if outbound.kind != "reply" or outbound.message_id is None:
            return  # acknowledgements and notices: the customer is right there in the chat
        message = db.session.get(Message, outbound.message_id)
        if message is None or agents.deliver_reply(chat, message) is None:
            mail_with_link.deliver(outbound)


adapter = ChatAdapter()
