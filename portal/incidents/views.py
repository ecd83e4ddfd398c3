"""Incident pages: the list and the declare form (admins), an incident's page (agents see linked tickets), the
public notice, the portal banner and the banner JSON for the chat widget."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core import api as core_api
from portal.core import ui
from portal.core.auth import admin_required, is_admin, is_staff, staff_required
from portal.core.errors import DomainError, ValidationFailed
from portal.extensions import db
from portal.incidents import demo, notify, queries, service  # noqa: F401 - outbox handlers, demo
from portal.incidents.forms import TIER_LABELS, IncidentForm, LinkForm, ResolveForm
from portal.incidents.models import Incident
from portal.rules import engine
from portal.tickets.queries import ticket_by_ref

bp = Blueprint("incidents", __name__)
api = core_api.api_blueprint("incidents_api", __name__)
ui.nav_item("desk", _l("Incidents"), "incidents.index", icon="broadcast", order=60, visible=is_staff)
ui.nav_item("admin", _l("Incidents"), "incidents.index", icon="broadcast", order=50)
ui.slot("page.top", "incidents/_banner.html")
ui.slot("desk.ticket.sidebar", "incidents/_ticket_incidents.html")
engine.before_routing.append(service.link_incoming)
bp.add_app_template_global(lambda: queries.banner(str(get_locale() or "ko")), "incident_banners")
bp.add_app_template_global(lambda ticket: queries.for_ticket(ticket.id), "ticket_incidents")


@bp.context_processor
def labels() -> dict[str, Any]:
    return {"TIER_LABELS": TIER_LABELS}


@bp.get("/desk/incidents")
@staff_required
def index() -> Any:
    """Active and past incidents."""
    rows = db.session.scalars(queries.incidents()).all()
    return render_template("incidents/index.html", incidents=rows)


@bp.route("/desk/incidents/new", methods=["GET", "POST"])
@admin_required
def declare() -> Any:
    """Declare an incident: banner, notice to the affected customers, linking of matching tickets."""
    form = IncidentForm()
    if form.validate_on_submit():
        try:
            incident = service.declare(
                current_user,
                **{name: getattr(form, name).data for name in (
                    "title_ko", "title_en", "description_ko", "description_en", "tiers", "tags", "products",
                    "emails", "keywords", "banner", "notify")},
            )  # fmt: skip
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Incident declared."), "success")
            return redirect(url_for("incidents.detail", incident_id=incident.id))
    return render_template("incidents/declare.html", form=form), 422 if request.method == "POST" else 200


def _load(incident_id: int) -> Incident:
    return db.session.get(Incident, incident_id) or abort(404)


def _detail(
    incident: Incident, resolve_form: ResolveForm | None = None, link_form: LinkForm | None = None
) -> Any:
    return render_template(
        "incidents/detail.html",
        incident=incident,
        counts=queries.counts(incident.id),
        linked=db.session.scalars(queries.linked_tickets(incident.id)).all(),
        resolve_form=resolve_form or ResolveForm(),
        link_form=link_form or LinkForm(),
        can_manage=is_admin(current_user),
    )


@bp.get("/desk/incidents/<int:incident_id>")
@staff_required
def detail(incident_id: int) -> Any:
    """An incident: who was told, linked tickets, and resolving it."""
    return _detail(_load(incident_id))


@bp.post("/desk/incidents/<int:incident_id>/resolve")
@admin_required
def resolve(incident_id: int) -> Any:
    """Resolve: one message answers and solves every linked ticket; everyone told gets the all-clear."""
    incident = _load(incident_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            service.resolve(incident, current_user, resolution_ko=form.resolution_ko.data,
                            resolution_en=form.resolution_en.data, credit=form.credit.data,
                            solve_tickets=form.solve_tickets.data)  # fmt: skip
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "warning")
            return redirect(url_for("incidents.detail", incident_id=incident_id))
        else:
            db.session.commit()
            flash(_("Incident resolved. Linked tickets are being answered and customers told."), "success")
            return redirect(url_for("incidents.detail", incident_id=incident_id))
    return _detail(_load(incident_id), resolve_form=form), 422


@bp.post("/desk/incidents/<int:incident_id>/link")
@staff_required
def link(incident_id: int) -> Any:
    """Link a ticket by its number."""
    incident = _load(incident_id)
    form = LinkForm()
    ticket = db.session.scalar(ticket_by_ref(form.ref.data or "")) if form.validate_on_submit() else None
    if ticket is None:
        form.ref.errors = [_("No ticket with this number.")]
        return _detail(incident, link_form=form), 422
    try:
        service.link(incident, ticket, "manual")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("incidents.detail", incident_id=incident_id))
    db.session.commit()
    flash(_("Ticket #%(ref)s linked.", ref=ticket.ref), "success")
    return redirect(url_for("incidents.detail", incident_id=incident_id))


@bp.post("/desk/incidents/<int:incident_id>/banner")
@admin_required
def banner(incident_id: int) -> Any:
    """Show or hide the banner."""
    incident = _load(incident_id)
    service.set_banner(incident, not incident.banner)
    db.session.commit()
    return redirect(url_for("incidents.detail", incident_id=incident_id))


@bp.get("/incidents/<int:incident_id>")
def notice(incident_id: int) -> Any:
    """The public notice: what happened and where it stands (linked from the banner and the mails)."""
    incident = _load(incident_id)
    return render_template("incidents/notice.html", incident=incident, locale=str(get_locale() or "ko"))


@api.get("/incidents/active")
def active_json() -> Any:
    """Active incidents for a banner (the chat widget): {"items": [{id, title, description, url, declared_at}]}."""
    locale = request.args.get("locale") or str(get_locale() or "ko")
    if locale not in ("ko", "en"):
        return core_api.error_response(
            422, "validation_failed", "locale must be ko or en", {"locale": ["ko, en"]}
        )
    return jsonify({"items": queries.banner(locale), "next": None})


core_api.document(
    {
        "/incidents/active": {
            "get": {
                "summary": "Active incidents to announce (the portal's banner, for the chat widget)",
                "security": [],
                "parameters": [
                    {"name": "locale", "in": "query", "schema": {"type": "string", "enum": ["ko", "en"]}}
                ],
                "responses": {
                    "200": {
                        "description": "Incidents, newest first",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/IncidentBanners"}}
                        },
                    },
                    "422": {
                        "description": "Unknown locale",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        }
    },
    {
        "IncidentBanners": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "title", "description", "url", "declared_at"],
                        "properties": {
                            "id": {"type": "integer"},
                            "title": {"type": "string"},
                            "description": {"type": "string"},
                            "url": {"type": "string"},
                            "declared_at": {"type": "string", "format": "date-time"},
                        },
                    },
                },
                "next": {"type": "null"},
            },
        }
    },
)
