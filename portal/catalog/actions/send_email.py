"""Send an email written by the admin, with {placeholders} from the answers, to the customer or an address."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.catalog import answers as answer_text
from portal.catalog.actions import Context, Outcome, register
from portal.core import mail
from portal.extensions import db

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _text(label: Any, *, widget: str | None = None, limit: int = 300) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "string", "maxLength": limit, "default": "", "x-label": label}
    if widget:
        spec["x-widget"] = widget
    return spec


class SendEmail:
    name = "send_email"
    label = _l("Send an email from a template")
    description = _l(
        "Mails a text you write to the customer or to an address of yours. Write {name} to insert the "
        "answer of the field called name; {customer_name}, {item} and {request_id} work too."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["to"],
        "properties": {
            "to": {
                "enum": ["customer", "address"],
                "default": "customer",
                "x-label": _l("Send to"),
                "x-choices": {"customer": _l("The customer"), "address": _l("This address")},
            },
            "address": {
                **_text(_l("Address (when sending to an address)"), limit=320),
                "pattern": EMAIL_PATTERN + "|^$",
                "x-message": _l("Enter a valid email address."),
            },
            "subject_ko": _text(_l("Subject in Korean")),
            "subject_en": _text(_l("Subject in English")),
            "body_ko": _text(_l("Text in Korean"), widget="textarea", limit=10000),
            "body_en": _text(_l("Text in English"), widget="textarea", limit=10000),
        },
    }

    def check(self, config: dict[str, Any], names: set[str]) -> list[tuple[str, Any]]:
        """An address when sending to one; a subject and a text in at least one language."""
        problems: list[tuple[str, Any]] = []
        if config.get("to") == "address" and not config.get("address"):
            problems.append(("config.address", _l("Enter the address to send to.")))
        if not (config.get("subject_ko") or config.get("subject_en")):
            problems.append(("config.subject_ko", _l("Write a subject.")))
        if not (config.get("body_ko") or config.get("body_en")):
            problems.append(("config.body_ko", _l("Write the text of the mail.")))
        return problems

    def run(self, context: Context) -> Outcome:
        """Queue the mail (sent after commit through the outbox)."""
        config, req, customer = context.config, context.request, context.customer
        to = customer.email if config.get("to", "customer") == "customer" else config.get("address")
        if not to:
            return Outcome.fail("the customer has no email address")
        locale = req.locale if config.get("to", "customer") == "customer" else "ko"
        other = "en" if locale == "ko" else "ko"
        values = {
            **context.answers,
            "customer_name": customer.display_name,
            "item": context.item.text("name", locale),
            "request_id": req.id,
        }
        fields = context.item.fields or []
        subject = config.get(f"subject_{locale}") or config.get(f"subject_{other}") or ""
        body = config.get(f"body_{locale}") or config.get(f"body_{other}") or ""
        mail.queue(
            db.session,
            to,
            answer_text.render(subject, values, fields, locale)[:300],
            answer_text.render(body, values, fields, locale)
            + f"\n\n--\n{current_app.config['COMPANY_NAME']}\n",
            to_name=customer.display_name if to == customer.email else None,
            meta={"catalog_request": req.id},
        )
        return Outcome.done({})


register(SendEmail())
