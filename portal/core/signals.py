"""Every cross-domain signal, declared in one place.

Lower domains send; higher domains connect. A receiver runs inside the sender's transaction: it may flush and
add rows, never commit. Side effects that must not happen on rollback go through portal.core.outbox.
"""

from blinker import Namespace

_signals = Namespace()

# accounts
user_created = _signals.signal("user-created")  # sender: User; kwargs: actor
password_reset_requested = _signals.signal("password-reset-requested")  # sender: User

# customers
customer_created = _signals.signal("customer-created")  # sender: Customer
customers_merging = _signals.signal("customers-merging")  # sender: CustomerMerge; kwargs: survivor, other
customers_unmerging = _signals.signal("customers-unmerging")  # sender: CustomerMerge; kwargs: survivor, other

# tickets
ticket_created = _signals.signal(
    "ticket-created"
)  # sender: Ticket; kwargs: message, inbound, actor, split_from (the ticket a split took the message from)
message_received = _signals.signal("message-received")  # sender: Message; kwargs: ticket, inbound, created
message_posted = _signals.signal(
    "message-posted"
)  # sender: Message (outbound or internal); kwargs: ticket, actor
ticket_changed = _signals.signal(
    "ticket-changed"
)  # sender: Ticket; kwargs: changes {field: (old, new)}, actor
ticket_routing = _signals.signal(
    "ticket-routing"
)  # sender: Ticket; kwargs: message, inbound (rules plug in here)
tickets_merged = _signals.signal("tickets-merged")  # sender: Ticket (survivor); kwargs: other, actor

# channels and domains above tickets (declared here so that receivers need not import the sender)
chat_ended = _signals.signal("chat-ended")  # sender: the chat; kwargs: ticket, actor
request_fulfilled = _signals.signal(
    "request-fulfilled"
)  # sender: a catalog request; kwargs: ticket, automatic
request_failed = _signals.signal("request-failed")  # sender: a catalog request; kwargs: ticket, reason
article_viewed = _signals.signal(
    "article-viewed"
)  # sender: an article; kwargs: customer (or None), session_key

# community (declared here because the knowledge domain receives it; community never imports knowledge)
article_draft_requested = _signals.signal(
    "article-draft-requested"
)  # sender: the reply to promote; kwargs: title, body (Markdown), locale, tags, question (Markdown), source_url,
# actor. A receiver creates a draft article and returns its URL (None when it declines); no receiver: no draft.
deflection_recorded = _signals.signal(
    "deflection-recorded"
)  # sender: DeflectionAttempt settled as deflected (knowledge/search); kwargs: customer_id

# side effects (sent by the worker after delivery)
mail_sent = _signals.signal("mail-sent")  # sender: the outbox payload (dict) of a mail that was sent
outbox_gave_up = _signals.signal("outbox-gave-up")  # sender: OutboxEvent that failed for good

# the app shell
demo_seeding = _signals.signal("demo-seeding")  # sender: app; kwargs: demo (portal.demo.Demo)
admin_menu = _signals.signal("admin-menu")  # sender: app; receivers return [(label, endpoint, icon)]
