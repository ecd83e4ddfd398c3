"""Forms of the knowledge base: the article editor, categories and sections, and the helpfulness vote."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import Form, choices

STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}
LOCALE_LABELS = {"ko": _l("Korean"), "en": _l("English")}


class ArticleForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Body (Markdown)"), validators=[Length(max=100_000)])
    locale = SelectField(_l("Language"), choices=choices(LOCALE_LABELS.items()))
    section_id = SelectField(_l("Section"), coerce=str, choices=[])
    tags = StringField(_l("Tags"), validators=[Length(max=1000)], description=_l("Separated by commas"))
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))
    internal = BooleanField(_l("Internal: agents only"))
    note = StringField(_l("What changed (optional)"), validators=[Length(max=300)])
    translation_of = HiddenField()


class CategoryForm(Form):
    slug = StringField(_l("Address name"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("Name (Korean)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    description = StringField(_l("Description"), validators=[Length(max=500)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])


class SectionForm(Form):
    category_id = SelectField(_l("Category"), coerce=str, choices=[])
    name = StringField(_l("Name (Korean)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])


class VoteForm(Form):
    helpful = SelectField(choices=choices([("yes", _l("Yes")), ("no", _l("No"))]))
    comment = TextAreaField(_l("Tell us more (optional)"), validators=[Length(max=2000)])
