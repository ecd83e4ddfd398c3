"""The widget's words in the customer's language (it also runs on other sites, so they travel as JSON).

Placeholders in braces ({name}, {n}, {ref}) are filled in by the widget.
"""

from __future__ import annotations

from flask_babel import gettext as _


def widget_strings(name: str | None) -> dict[str, str]:
    """Every text the widget shows, translated now."""
    return {
        "launcher": _("Chat with us"),
        "title": _("Support chat"),
        "close": _("Close"),
        "greeting": _("Welcome back, %(name)s!", name=name) if name else _("Hi! How can we help?"),
        "intro": _("Our bot answers first, and a person is one click away."),
        "open_requests": _("Your open requests"),
        "all_requests": _("All my requests"),
        "sign_in": _("Sign in to see your requests"),
        "incident_more": _("Read the notice"),
        "name": _("Your name"),
        "email": _("Email"),
        "message": _("Type your message…"),
        "start": _("Start chat"),
        "send": _("Send"),
        "talk": _("Talk to a person"),
        "helped_question": _("Did this answer your question?"),
        "helped_yes": _("Yes, that helped"),
        "helped_no": _("No, talk to a person"),
        "status_bot": _("Our bot answers right away"),
        "status_waiting": _("Waiting for a person…"),
        "status_position": _("Waiting for a person… you are number {n} in line."),
        "status_active": _("You are chatting with {name}"),
        "status_ended": _("This chat has ended."),
        "status_offline": _("No one can answer right now"),
        "saved": _("The conversation is saved in your request #{ref}."),
        "new_chat": _("Start a new chat"),
        "end": _("End chat"),
        "end_confirm": _("End this chat?"),
        "leave_title": _("Leave a message"),
        "leave_help": _("We will answer by email."),
        "leave_send": _("Send message"),
        "leave_done": _("Thank you. We will answer by email soon."),
        "keep_waiting": _("Keep waiting"),
        "sending": _("Sending…"),
        "retrying": _("Not sent yet; retrying…"),
        "reconnecting": _("Reconnecting…"),
        "error": _("Something went wrong. Please try again."),
        "required_name": _("Enter your name."),
        "invalid_email": _("Enter a valid email address."),
        "required_text": _("Write a message."),
        "too_long": _("This message is too long."),
        "you": _("You"),
        "bot": _("Bot"),
        "joined": _("{name} joined the chat."),
        "transferred_agent": _("{name} is taking over the chat."),
        "transferred_group": _("Transferring you to {group}…"),
        "waiting_event": _("Connecting you with a person…"),
        "ended_event": _("The chat has ended."),
    }
