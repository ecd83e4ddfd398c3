"""Words the console's script shows (passed to it as JSON; {name}-style placeholders are filled in there)."""

from __future__ import annotations

from flask_babel import gettext as _


def console_strings() -> dict[str, str]:
    """Every text the console script writes, in the agent's language."""
    return {
        "accept": _("Accept"),
        "waiting_since": _("waiting {min} min"),
        "waiting_now": _("just now"),
        "no_waiting": _("No one is waiting. New chats appear here."),
        "no_mine": _("You are in no chat. Accept a waiting one."),
        "send": _("Send"),
        "note": _("Internal note"),
        "note_badge": _("Note"),
        "placeholder": _("Write to {name}… (Enter sends, Shift+Enter for a new line)"),
        "placeholder_note": _("Note for agents only…"),
        "canned": _("Canned responses"),
        "no_canned": _("No canned responses yet."),
        "transfer": _("Transfer"),
        "transfer_agent": _("To an agent"),
        "transfer_group": _("To a group"),
        "end": _("End chat"),
        "end_solve": _("End and mark solved"),
        "end_keep": _("End, follow up by email"),
        "ended": _("This chat has ended."),
        "ticket": _("Ticket"),
        "bot": _("Bot"),
        "customer": _("Customer"),
        "taken": _("Another agent already took this chat."),
        "error": _("Something went wrong. Please try again."),
        "reconnecting": _("Reconnecting…"),
        "close": _("Close"),
        "new_waiting": _("New chat waiting"),
        "suggested": _("The bot offered"),
        "offline": _("came in while nobody was online"),
        "select_chat": _("Accept a waiting chat or pick one of yours."),
        "online_count": _("Agents online now: {n}"),
    }
