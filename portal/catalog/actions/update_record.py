"""Update the customer's record from the answers: postal address, phone number, language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.catalog.actions import Context, Outcome, register
from portal.core.errors import ValidationFailed
from portal.customers import identities
from portal.customers import service as customers

LOCALES = {"ko": "ko", "korean": "ko", "한국어": "ko", "en": "en", "english": "en", "영어": "en"}


def _answer_field(label: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": 40, "default": "", "x-widget": "answer-field", "x-label": label}


class UpdateRecord:
    name = "update_record"
    label = _l("Update the customer's record")
    description = _l("Copies answers into the customer's address, phone number or language.")
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "address_field": _answer_field(_l("Field with the new address")),
            "phone_field": _answer_field(_l("Field with the new phone number")),
            "locale_field": _answer_field(_l("Field with the language (ko or en)")),
        },
    }

    def check(self, config: dict[str, Any], names: set[str]) -> list[tuple[str, Any]]:
        """At least one answer must be copied somewhere."""
        if not any(config.get(k) for k in ("address_field", "phone_field", "locale_field")):
            return [("config.address_field", _l("Choose at least one field to copy."))]
        return []

    def changes(self, context: Context) -> dict[str, str]:
        """The new values, checked; raises ValueError naming an answer the record cannot take."""
        config, answers = context.config, context.answers
        found = {}
        for attr in ("address", "phone", "locale"):
            value = answers.get(config.get(f"{attr}_field") or "")
            if isinstance(value, str) and value.strip():
                found[attr] = value.strip()
        if "phone" in found:
            number = identities.normalize("phone", found["phone"])
            if not number:
                raise ValueError(f"not a phone number: {found['phone'][:40]}")
            found["phone"] = number
        if "locale" in found:
            code = LOCALES.get(found["locale"].casefold())
            if code is None:
                raise ValueError(f"unknown language: {found['locale'][:40]}")
            found["locale"] = code
        return found

    def run(self, context: Context) -> Outcome:
        """Change the record; an answer the record cannot take goes to a person with the reason."""
        customer = context.customer
        if context.request.requested_by_id is None:
            # Anyone can type an address into a form: only a signed-in customer (or an agent) changes a record.
            return Outcome.fail(
                "filed by a visitor who did not sign in: confirm who asked, then change it by hand"
            )
        try:
            found = self.changes(context)
            if "address" in found:
                customers.update_customer(customer, address=found["address"][:2000])
            if "locale" in found:
                customers.update_customer(customer, locale=found["locale"])
            if "phone" in found:
                customers.add_identity(customer, "phone", found["phone"], verified=True)
                customer.phone = found["phone"]
        except ValueError as error:
            return Outcome.fail(str(error))
        except ValidationFailed as failed:
            return Outcome.fail(failed.message)
        return Outcome.done({"updated": ", ".join(found)})


register(UpdateRecord())
