"""Sign in and out, password reset by mailed link, a guest claiming an account, and the profile page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import service
from portal.accounts.forms import (
    ChangePasswordForm,
    ClaimForm,
    ForgotForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from portal.accounts.models import User
from portal.core.errors import ValidationFailed
from portal.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Session cookie → user; a cookie from before a password change no longer matches."""
    ident, _, version = user_id.partition(".")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or str(user.session_version) != version or not user.active:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req: Any) -> User | None:
    """API calls authenticate with `Authorization: Bearer TOKEN`."""
    from portal.core.auth import bearer_token

    plain = bearer_token()
    if not plain:
        return None
    user = service.user_for_token(plain)
    if user is not None:
        g.api_token_user = user
    return user


def _login_rate() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def _home_for(user: User) -> str:
    return url_for("desk.queue") if user.is_staff else url_for("portal.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def login() -> Any:
    """Sign in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email or the password is not right."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> Any:
    """Sign out (POST, so that no link can sign someone out)."""
    logout_user()
    return redirect(url_for("portal.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def forgot_password() -> Any:
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def reset_password(token: str) -> Any:
    """Choose a new password from a mailed link (the link works once)."""
    user = service.user_from_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password(user, form.password.data)
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your password was changed."), "success")
            return redirect(_home_for(user))
    return render_template("accounts/reset.html", form=form)


@bp.route("/claim/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def claim(token: str) -> Any:
    """A guest turns their mailed link into an account that keeps all their requests."""
    email = service.email_from_claim_token(token)
    if email is None:
        return render_template("accounts/reset_invalid.html"), 400
    if service.find_user(email):
        flash(_("An account with this email already exists. Sign in instead."), "info")
        return redirect(url_for("accounts.login"))
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                email,
                form.name.data,
                password=form.password.data,
                role="customer",
                locale=str(g.get("locale") or "") or None,
            )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account is ready. All your requests are here."), "success")
            return redirect(url_for("portal.requests"))
    return render_template("accounts/claim.html", form=form, email=email)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    """Name, language, time zone and password of the signed-in user."""
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            service.update_profile(
                current_user, name=form.name.data, locale=form.locale.data, timezone=form.timezone.data
            )
        except ValidationFailed as failed:
            form.apply(failed)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form)


@bp.post("/account/password")
@login_required
@limiter.limit(_login_rate)
def change_password() -> Any:
    """Change the password (the current one is asked again); other sessions end."""
    form = ProfileForm(obj=current_user, prefix="profile", formdata=None)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        if service.authenticate(current_user.email, password_form.current.data) is None:
            password_form.current.errors.append(_("This is not your current password."))
        else:
            try:
                service.set_password(current_user, password_form.password.data)
            except ValidationFailed as failed:
                password_form.apply(failed)
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # type: ignore[attr-defined]
                flash(_("Your password was changed."), "success")
                return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form), 422
