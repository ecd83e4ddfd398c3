"""Admin mailboxes, the mail log, an email message's formatted view and original, and the inbound webhook."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.channels.email import demo as _demo  # noqa: F401 - demo mail for `seed-demo`
from portal.channels.email import display, imap, queries, raw, service
from portal.channels.email import tasks as _tasks  # noqa: F401 - registers the polling jobs with the worker
from portal.channels.email.forms import MailboxForm
from portal.channels.email.ingest import ingest
from portal.channels.email.models import OUTCOMES, Mailbox, MailLog
from portal.core import ui
from portal.core.auth import admin_required, is_staff, staff_required
from portal.core.errors import ValidationFailed
from portal.extensions import db
from portal.tickets.models import Message, Ticket

bp = Blueprint("email", __name__)
bp.add_app_template_global(display.email_html, "email_html")
bp.add_app_template_global(display.ticket_mail_panel, "email_ticket_panel")
bp.add_app_template_global(service.kind_of, "mailbox_error_kind")

ui.nav_item("admin", _l("Mailboxes"), "email.mailboxes", icon="inbox", order=30)
ui.nav_item("admin", _l("Mail log"), "email.mail_log", icon="journal-text", order=35)
ui.nav_item("desk", _l("Mail log"), "email.mail_log", icon="envelope-exclamation", order=80, visible=is_staff)
ui.slot("desk.message.actions", "email/_message_actions.html")
ui.slot("desk.ticket.sidebar", "email/_ticket_sidebar.html")

LOG_PAGE = 50


@bp.get("/admin/mailboxes")
@admin_required
def mailboxes() -> Any:
    """Connected mailboxes with their state: last success, and the error of a failing one."""
    boxes = db.session.scalars(queries.mailboxes()).all()
    return render_template("email/mailboxes.html", boxes=boxes)


@bp.route("/admin/mailboxes/new", methods=["GET", "POST"], defaults={"mailbox_id": None})
@bp.route("/admin/mailboxes/<int:mailbox_id>", methods=["GET", "POST"])
@admin_required
def edit_mailbox(mailbox_id: int | None) -> Any:
    """Connect a mailbox, or change one (the password is kept unless a new one is typed)."""
    box = (db.session.get(Mailbox, mailbox_id) or abort(404)) if mailbox_id else None
    form = MailboxForm(obj=box)
    if form.validate_on_submit():
        try:
            box = service.save_mailbox(box, form.data)
        except ValidationFailed as failed:
            db.session.rollback()
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved. Test the connection to be sure it works."), "success")
            return redirect(url_for("email.mailboxes"))
    status = 422 if request.method == "POST" else 200
    return render_template("email/mailbox_form.html", form=form, box=box), status


@bp.post("/admin/mailboxes/<int:mailbox_id>/test")
@admin_required
def test_mailbox(mailbox_id: int) -> Any:
    """Sign in and open the folder now, and say what happened."""
    box = db.session.get(Mailbox, mailbox_id) or abort(404)
    try:
        count = imap.check(box)
    except Exception as error:
        problem = imap.describe(error)
        flash(f"{service.explain(problem)} ({problem.detail})", "danger")
    else:
        flash(_("Connected: the folder holds %(count)d messages.", count=count), "success")
    return redirect(url_for("email.mailboxes"))


@bp.post("/admin/mailboxes/<int:mailbox_id>/poll")
@admin_required
def poll_mailbox(mailbox_id: int) -> Any:
    """Ask the worker to poll this mailbox now."""
    from portal.channels.email.tasks import poll_mailbox as job

    box = db.session.get(Mailbox, mailbox_id) or abort(404)
    db.session.commit()  # end this request's transaction: the job runs in its own
    job(box.id)
    flash(_("The mailbox will be checked in a moment."), "info")
    return redirect(url_for("email.mailboxes"))


@bp.post("/admin/mailboxes/<int:mailbox_id>/delete")
@admin_required
def delete_mailbox(mailbox_id: int) -> Any:
    """Disconnect a mailbox (tickets and the mail log stay)."""
    box = db.session.get(Mailbox, mailbox_id) or abort(404)
    db.session.delete(box)
    db.session.commit()
    flash(_("Mailbox removed. Its tickets stay."), "info")
    return redirect(url_for("email.mailboxes"))


@bp.get("/desk/mail-log")
@staff_required
def mail_log() -> Any:
    """Every mail that arrived and what became of it; refusals with their reason."""
    outcome = request.args.get("outcome") or None
    sender = (request.args.get("sender") or "").strip() or None
    before = request.args.get("before", type=int)
    rows = db.session.scalars(
        queries.mail_log(outcome=outcome, sender=sender, before=before, limit=LOG_PAGE + 1)
    ).all()
    more = len(rows) > LOG_PAGE
    rows = rows[:LOG_PAGE]
    boxes = {b.id: b.name for b in db.session.scalars(sa.select(Mailbox))}
    return render_template(
        "email/mail_log.html",
        rows=rows,
        more=more,
        outcome=outcome,
        sender=sender or "",
        outcomes=OUTCOMES,
        boxes=boxes,
    )


@bp.get("/desk/mail-log/<int:entry_id>/original")
@staff_required
def log_original(entry_id: int) -> Any:
    """The raw message as it arrived (downloaded, never rendered)."""
    entry = db.session.get(MailLog, entry_id) or abort(404)
    return _send_raw(entry.raw_path, f"mail-{entry.id}.eml")


@bp.post("/desk/mail-log/<int:entry_id>/let-through")
@staff_required
def let_through(entry_id: int) -> Any:
    """Turn a refused mail (flood, read receipt) into history after all."""
    entry = db.session.get(MailLog, entry_id) or abort(404)
    if entry.outcome != "ignored" or entry.ticket_id:
        abort(404)
    result = ingest(raw.load(entry.raw_path), source="retry", let_through=True)
    entry.reason = (
        (entry.reason + f"; let through as #{result.ticket_ref}")[:500] if result.ticket_ref else entry.reason
    )
    db.session.commit()
    flash(_("Processed: %(outcome)s.", outcome=result.outcome), "success")
    return redirect(url_for("email.mail_log"))


@bp.get("/desk/mail/messages/<int:message_id>")
@staff_required
def message_html(message_id: int) -> Any:
    """An email message as it was formatted (sanitized HTML, inline images in place)."""
    message = db.session.get(Message, message_id) or abort(404)
    if message.channel != "email":
        abort(404)
    ticket = db.session.get(Ticket, message.ticket_id)
    return render_template("email/message.html", message=message, ticket=ticket)


@bp.get("/desk/mail/messages/<int:message_id>/original")
@staff_required
def message_original(message_id: int) -> Any:
    """The raw message an email message came from."""
    message = db.session.get(Message, message_id) or abort(404)
    path = (message.meta or {}).get("raw")
    if message.channel != "email" or not path:
        abort(404)
    return _send_raw(path, f"message-{message.id}.eml")


def _send_raw(path: str, name: str) -> Any:
    import io

    try:
        data = raw.load(path)
    except (FileNotFoundError, OSError):
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="message/rfc822", as_attachment=True, download_name=name)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
