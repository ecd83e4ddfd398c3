"""The application factory: settings layers, extensions, blueprints and commands, all listed explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_sqlalchemy.session import Session as FlaskSession

from portal import demo, settings
from portal.accounts import cli as accounts_cli
from portal.accounts import views as accounts_views
from portal.admin import views as admin_views
from portal.catalog import api as catalog_api
from portal.catalog import demo_card as catalog_demo_card
from portal.catalog.views import admin as catalog_admin
from portal.catalog.views import desk as catalog_desk
from portal.catalog.views import portal as catalog_portal
from portal.channels import registry as channel_registry
from portal.channels.chat import adapter as chat_adapter
from portal.channels.chat import admin as chat_admin
from portal.channels.chat import api as chat_api
from portal.channels.chat import bot as chat_bot
from portal.channels.chat import console as chat_console
from portal.channels.chat import views as chat_views
from portal.channels.email import adapter as email_adapter
from portal.channels.email import cli as email_cli
from portal.channels.email import views as email_views
from portal.channels.email import webhook as email_webhook
from portal.channels.web import adapter as web_adapter
from portal.channels.web import views as web_views
from portal.community import api as community_api
from portal.community import demo as _community_demo  # noqa: F401 - adds the board's demo threads
from portal.community import searchable as _community_search  # noqa: F401 - registers posts as searchable
from portal.community.views import actions as community_actions
from portal.community.views import admin as community_admin
from portal.community.views import desk as community_desk
from portal.community.views import notifications as community_notifications
from portal.community.views import portal as community_portal
from portal.core import api as core_api
from portal.core import i18n, jobs, outbox, security, ui
from portal.core import views as core_views
from portal.core.auth import is_admin, is_staff
from portal.core.db import init_engine_events
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.feedback import api as feedback_api
from portal.feedback import cli as feedback_cli
from portal.feedback import views as feedback_views
from portal.incidents import views as incidents_views
from portal.knowledge import api as knowledge_api
from portal.knowledge.views import desk as knowledge_desk
from portal.knowledge.views import portal as knowledge_portal
from portal.reports import api as reports_api
from portal.reports import cli as reports_cli
from portal.reports import views as reports_views
from portal.rules import views as rules_views
from portal.search import api as search_api
from portal.search import cli as search_cli
from portal.search import service as search_service
from portal.search import views as search_views
from portal.sla import views as sla_views
from portal.tickets import api as tickets_api
from portal.tickets import customers_api
from portal.tickets import searchable as _ticket_search  # noqa: F401 - registers tickets as searchable
from portal.tickets.views import customers as tickets_customers
from portal.tickets.views import desk as tickets_desk
from portal.tickets.views import portal as tickets_portal
from portal.worker import worker_command

BLUEPRINTS = (
    core_views.bp,
    core_api.bp,
    accounts_views.bp,
    tickets_portal.bp,
    web_views.bp,
    tickets_desk.bp,
    tickets_customers.bp,
    admin_views.bp,
    tickets_api.bp,
    customers_api.bp,
    email_views.bp,
    email_webhook.bp,
    community_portal.bp,
    community_actions.bp,
    community_notifications.bp,
    community_desk.bp,
    community_admin.bp,
    community_api.bp,
    feedback_views.bp,
    feedback_api.bp,
    reports_views.bp,
    reports_api.bp,
    sla_views.bp,
    rules_views.bp,
    incidents_views.bp,
    incidents_views.api,
    catalog_portal.bp,
    catalog_desk.bp,
    catalog_admin.bp,
    catalog_api.bp,
    catalog_demo_card.bp,
    knowledge_portal.bp,
    knowledge_desk.bp,
    knowledge_api.bp,
    search_views.bp,
    search_api.bp,
    chat_views.bp,
    chat_api.bp,
    chat_console.bp,
    chat_admin.bp,
)

CLI_COMMANDS = (
    accounts_cli.users,
    accounts_cli.tokens,
    demo.seed_demo_command,
    demo.demo_logins_command,
    worker_command,
    email_cli.mail,
    feedback_cli.surveys,
    reports_cli.reports,
    search_cli.search,
)

CHANNEL_ADAPTERS = (web_adapter.adapter, email_adapter.adapter, chat_adapter.adapter)

# Each domain keeps its own message catalog next to its code (portal/<domain>/translations).
TRANSLATION_DOMAINS = (
    "core",
    "accounts",
    "customers",
    "tickets",
    "channels/web",
    "admin",
    "channels/email",
    "community",
    "feedback",
    "reports",
    "sla",
    "rules",
    "incidents",
    "catalog",
    "knowledge",
    "search",
    "channels/chat",
)

_session_hooks_installed = False


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal app; `config` overrides every other settings layer (tests use it)."""
    instance = Path((config or {}).get("PORTAL_INSTANCE") or settings.instance_path())
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(
        "portal",
        instance_path=str(instance),
        root_path=str(Path(__file__).parent),
        template_folder=str(settings.ROOT / "templates"),
        static_folder=str(settings.ROOT / "static"),
    )
    app.config.from_mapping(settings.load(instance, config))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(Path(app.root_path) / domain / "translations") for domain in TRANSLATION_DOMAINS
    )
    init_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for command in CLI_COMMANDS:
        app.cli.add_command(command)
    for adapter in CHANNEL_ADAPTERS:
        channel_registry.register(adapter)
    # the chat bot offers what search finds (articles, community answers, catalog items) for the customer's words
    chat_bot.set_suggester(search_service.suggest if app.config.get("SEARCH_ENABLED", True) else None)
    init_templates(app)
    return app


def init_extensions(app: Flask) -> None:
    """Bind every extension and subsystem to this app."""
    global _session_hooks_installed
    db.init_app(app)
    with app.app_context():
        init_engine_events(db.engine)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    jobs.init_app(app)
    core_api.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    if not _session_hooks_installed:
        outbox.install(FlaskSession)
        _session_hooks_installed = True


def init_templates(app: Flask) -> None:
    """Globals every page may use: navigation, slots, roles."""
    app.jinja_env.globals.update(
        nav=ui.nav,
        slot_templates=ui.slot_templates,
        url_with=ui.url_with,
        is_staff=is_staff,
        is_admin=is_admin,
        company_name=lambda: app.config["COMPANY_NAME"],
    )
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.before_request
    def _request_start() -> None:
        g.page_area = None
