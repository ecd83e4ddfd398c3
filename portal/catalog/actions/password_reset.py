"""Password reset: mails the signed reset link of a portal account (the same link as "forgot password")."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.accounts import service as accounts
from portal.accounts.models import User
from portal.catalog.actions import Context, Outcome, register
from portal.extensions import db


class PasswordReset:
    name = "password_reset"
    label = _l("Send a password reset link")
    description = _l(
        "Mails the signed link that lets the customer choose a new password. Whether an account exists is "
        "never revealed."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "email_field": {
                "type": "string",
                "maxLength": 40,
                "default": "",
                "x-widget": "answer-field",
                "x-label": _l("Field with the account's email"),
                "x-help": _l(
                    "Optional. Without it, a visitor gets the link of the address they gave. Signed-in customers always get the link of their own account."
                ),
            },
        },
    }

    def account(self, context: Context) -> User | None:
        """The customer's own account, else the one named in the answers, else the one of the address given."""
        if context.customer.user_id:
            return db.session.get(User, context.customer.user_id)
        field = context.config.get("email_field")
        email = context.answers.get(field) if field else context.customer.email
        return accounts.find_user(email) if isinstance(email, str) else None

    def run(self, context: Context) -> Outcome:
        """Queue the reset mail (after commit, through the outbox) when the account exists and is a customer's."""
        user = self.account(context)
        if user is not None and user.active and not user.is_staff:
            accounts.request_password_reset(user.email)
        # The same answer either way: the request page must not tell whether an address has an account.
        return Outcome.done({})


register(PasswordReset())
