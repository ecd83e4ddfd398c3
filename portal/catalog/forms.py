"""The customer's form, built at run time with WTForms from the item's stored definition, in their language.

Each answer field is named `f_<name>` (so that no field name clashes with the form's own attributes). A field
whose condition is not met is hidden: it is neither required nor checked, and its answer is dropped.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Email, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.catalog.definition import localized
from portal.core.forms import Form, choices
from portal.customers import identities
from portal.tickets import attachments as files
from portal.tickets.inbound import InboundAttachment

PREFIX = "f_"
DEFAULT_MAX = {"text": 500, "long_text": 5000}
REQUIRED_MESSAGES = {
    "file": _l("Please attach a file."),
    "choice": _l("Please choose an option."),
    "multi_choice": _l("Please choose at least one option."),
    "yes_no": _l("Please choose yes or no."),
}


def _empty(value: Any) -> bool:
    if isinstance(value, FileStorage):
        return not value.filename
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


class Gate:
    """First in every chain: a hidden field (its condition unmet) stops here with no error."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, form: Any, field: Any) -> None:
        if not form.visible(self.name):
            field.errors[:] = []
            raise StopValidation()


class Needed:
    """Required (with a message fit for the type) or optional (an empty answer stops the chain)."""

    def __init__(self, required: bool, message: Any) -> None:
        self.required = required
        self.message = message
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form: Any, field: Any) -> None:
        if not _empty(field.data) or field.process_errors:
            return
        field.errors[:] = []
        raise StopValidation(str(self.message) if self.required else None)


class Pattern:
    """The whole answer must match the admin's regular expression."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)

    def __call__(self, form: Any, field: Any) -> None:
        if not self.regex.fullmatch((field.data or "").strip()):
            raise ValidationError(str(_l("This does not have the expected form.")))


class Range:
    """A number within the field's bounds."""

    def __init__(self, low: Any, high: Any) -> None:
        self.low, self.high = low, high

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value is None:
            return
        if self.low is not None and self.high is not None and not self.low <= value <= self.high:
            raise ValidationError(
                str(_l("Enter a number from %(low)s to %(high)s.", low=self.low, high=self.high))
            )
        if self.low is not None and value < self.low:
            raise ValidationError(str(_l("Enter a number of at least %(low)s.", low=self.low)))
        if self.high is not None and value > self.high:
            raise ValidationError(str(_l("Enter a number of at most %(high)s.", high=self.high)))


class Phone:
    """A number phonenumbers can read (national numbers are Korean)."""

    def __call__(self, form: Any, field: Any) -> None:
        if not identities.normalize_phone(field.data):
            raise ValidationError(str(_l("Enter a valid phone number.")))


class Choice:
    """Only offered values."""

    def __init__(self, values: list[str]) -> None:
        self.values = set(values)

    def __call__(self, form: Any, field: Any) -> None:
        given = field.data if isinstance(field.data, list) else [field.data]
        if any(v not in self.values for v in given):
            raise ValidationError(str(_l("Choose one of the options.")))


class Upload:
    """A file within the portal's size and type limits."""

    def __call__(self, form: Any, field: Any) -> None:
        data = field.data
        if not isinstance(data, FileStorage) or not data.filename:
            return
        content = data.stream.read()
        data.stream.seek(0)
        reason = files.refusal(files.clean_filename(data.filename), len(content))
        if reason:
            raise ValidationError(reason)


def _length(spec: dict[str, Any]) -> Length:
    low, high = spec.get("min_length"), spec.get("max_length") or DEFAULT_MAX[spec["type"]]
    if low:
        message = _l("Use %(min)d to %(max)d characters.", min=low, max=high)
    else:
        message = _l("Use at most %(max)d characters.", max=high)
    return Length(min=low or -1, max=high, message=str(message))


def unbound_field(spec: dict[str, Any], locale: str) -> Any:
    """The WTForms field for one definition."""
    kind, required = spec["type"], spec.get("required", False)
    label, help_text = localized(spec["label"], locale), localized(spec.get("help"), locale)
    message = REQUIRED_MESSAGES.get(kind, _l("Please answer this question."))
    chain: list[Any] = [Gate(spec["name"]), Needed(required, message)]
    options = [(c["value"], localized(c["label"], locale)) for c in spec.get("choices", [])]
    common = {"description": help_text}
    if kind in ("text", "long_text"):
        chain.append(_length(spec))
        if spec.get("pattern"):
            chain.append(Pattern(spec["pattern"]))
        return (StringField if kind == "text" else TextAreaField)(label, chain, **common)
    if kind == "number":
        chain.append(Range(spec.get("min"), spec.get("max")))
        return DecimalField(label, chain, invalid_value_message=str(_l("Enter a number.")), **common)
    if kind == "email":
        chain.append(Email(message=str(_l("Enter a valid email address."))))
        return EmailField(label, chain, **common)
    if kind == "phone":
        return TelField(label, [*chain, Phone()], **common)
    if kind == "date":
        return DateField(
            label, chain, invalid_value_message=str(_l("Enter a date like 2025-05-31.")), **common
        )
    if kind == "file":
        return FileField(label, [*chain, Upload()], **common)
    if kind == "yes_no":
        options = [("yes", str(_l("Yes"))), ("no", str(_l("No")))]
    chain.append(Choice([value for value, _label in options]))
    if kind == "multi_choice":
        return SelectMultipleField(
            label, chain, choices=choices(options), validate_choice=False,
            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), **common,
        )  # fmt: skip
    if kind == "choice" and len(options) > 6:
        return SelectField(
            label, chain, choices=choices([("", "—"), *options]), validate_choice=False, **common
        )
    return RadioField(label, chain, choices=choices(options), validate_choice=False, **common)


class CatalogForm(Form):
    """Base of every item's form: the submission key (one request however often it is sent) and the rules."""

    submission_key = HiddenField()
    specs: list[dict[str, Any]] = []

    def spec(self, name: str) -> dict[str, Any]:
        return next(s for s in self.specs if s["name"] == name)

    def answer_fields(self) -> list[tuple[dict[str, Any], Any]]:
        """(definition, bound field) in form order."""
        return [(s, self[PREFIX + s["name"]]) for s in self.specs]

    def visible(self, name: str) -> bool:
        """Whether the field is shown: no condition, or the field it depends on is shown and has the value."""
        condition = self.spec(name).get("condition")
        if not condition:
            return True
        other = condition["field"]
        if not self.visible(other):
            return False
        value = self[PREFIX + other].data
        return condition["equals"] in value if isinstance(value, list) else value == condition["equals"]

    def answers(self) -> dict[str, Any]:
        """The visible, non-empty answers as JSON values (yes/no as booleans, dates as ISO text)."""
        result: dict[str, Any] = {}
        for spec, field in self.answer_fields():
            if not self.visible(spec["name"]) or _empty(field.data):
                continue
            result[spec["name"]] = _json_value(spec, field.data)
        return result

    def uploads(self) -> list[InboundAttachment]:
        """Files of visible file fields, read for the one door."""
        found = []
        for spec, field in self.answer_fields():
            data = field.data
            visible = spec["type"] == "file" and self.visible(spec["name"])
            if visible and isinstance(data, FileStorage) and data.filename:
                content = data.stream.read()
                found.append(
                    InboundAttachment(files.clean_filename(data.filename), data.mimetype or "", content)
                )
        return found


def _json_value(spec: dict[str, Any], value: Any) -> Any:
    kind = spec["type"]
    if kind == "yes_no":
        return value == "yes"
    if kind == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "email":
        return value.strip().casefold()
    if kind == "phone":
        return identities.normalize_phone(value) or value.strip()
    if kind == "file":
        content = value.stream.read()
        value.stream.seek(0)
        return {
            "filename": files.clean_filename(value.filename),
            "size": len(content),
            "content_type": value.mimetype or "",
        }
    if isinstance(value, str):
        return value.strip()
    return value


def form_class(item: Any, locale: str, *, guest: bool = False) -> type[CatalogForm]:
    """A form class for this item (and, for visitors, who they are so that we can answer)."""
    attrs: dict[str, Any] = {"specs": list(item.fields or [])}
    for spec in attrs["specs"]:
        attrs[PREFIX + spec["name"]] = unbound_field(spec, locale)
    if guest:
        attrs["requester_name"] = StringField(
            _l("Your name"), [Needed(True, _l("Enter your name.")), Length(max=200)]
        )
        attrs["requester_email"] = EmailField(
            _l("Your email address"),
            [
                Needed(True, _l("Enter your email address.")),
                Email(message=str(_l("Enter a valid email address."))),
            ],
            description=_l("We send the result and a link to follow your request here."),
        )
    return type("ItemForm", (CatalogForm,), attrs)


def build_form(
    item: Any, locale: str, *, guest: bool = False, formdata: Any = None, **kwargs: Any
) -> CatalogForm:
    """A bound form; `formdata` None reads the current request (Flask-WTF)."""
    cls = form_class(item, locale, guest=guest)
    return cls(formdata=formdata, **kwargs) if formdata is not None else cls(**kwargs)


def formdata_from_json(item: Any, values: Any) -> tuple[MultiDict, list[tuple[str, str]]]:
    """The API's `fields` object as form data for the same validation; problems of shape as (key, reason)."""
    if not isinstance(values, dict):
        return MultiDict(), [("fields", "must be an object")]
    known = {s["name"]: s for s in item.fields or []}
    data: MultiDict = MultiDict()
    problems = [(f"fields.{k}", "is not a field of this item") for k in values if k not in known]
    for name, value in values.items():
        spec = known.get(name)
        if spec is None or value is None:
            continue
        key = PREFIX + name
        if spec["type"] == "file":
            upload = _upload_from_json(value)
            if upload is None:
                problems.append((f"fields.{name}", "must be {filename, content_base64, content_type?}"))
            else:
                data.add(key, upload)
        elif spec["type"] == "multi_choice":
            for v in value if isinstance(value, list) else [value]:
                data.add(key, str(v))
        elif isinstance(value, (list, dict)):
            problems.append((f"fields.{name}", "must be a single value"))
        elif isinstance(value, bool):
            data.add(key, "yes" if value else "no")
        else:
            data.add(key, str(value))
    return data, problems


def _upload_from_json(value: Any) -> FileStorage | None:
    if not isinstance(value, dict) or not isinstance(value.get("filename"), str):
        return None
    try:
        content = base64.b64decode(str(value.get("content_base64") or ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return FileStorage(
        io.BytesIO(content), filename=value["filename"], content_type=value.get("content_type")
    )
