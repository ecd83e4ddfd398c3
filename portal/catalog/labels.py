"""Names people read for the catalog's states, steps and settings, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "submitted": _l("Submitted"),
    "awaiting_approval": _l("Awaiting approval"),
    "in_progress": _l("In progress"),
    "fulfilled": _l("Completed"),
    "failed": _l("Handed to our team"),
    "rejected": _l("Not approved"),
    "cancelled": _l("Cancelled"),
}
# What agents read: a failed request is a failure to them, not a hand-over.
STAFF_STATE_LABELS = {**STATE_LABELS, "failed": _l("Action failed"), "fulfilled": _l("Fulfilled")}
STATE_CLASS = {
    "submitted": "text-bg-secondary",
    "awaiting_approval": "text-bg-warning",
    "in_progress": "text-bg-info",
    "fulfilled": "text-bg-success",
    "failed": "text-bg-danger",
    "rejected": "text-bg-dark",
    "cancelled": "text-bg-light",
}
EVENT_LABELS = {
    "submitted": _l("Request submitted"),
    "filed_for_customer": _l("Filed for the customer by an agent"),
    "approval_requested": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "queued": _l("Being processed"),
    "attempt_failed": _l("An attempt did not succeed; trying again"),
    "failed": _l("Handed to our team"),
    "retried": _l("Trying again"),
    "tasks_created": _l("Tasks assigned to our team"),
    "task_done": _l("Task done"),
    "task_reopened": _l("Task reopened"),
    "fulfilled": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
# What agents read in a request's history.
STAFF_EVENT_LABELS = {**EVENT_LABELS, "failed": _l("Action failed"), "attempt_failed": _l("Attempt failed")}
FULFILMENT_LABELS = {
    "auto": _l("Automatic"),
    "approval": _l("After approval"),
    "manual": _l("By our team"),
}
FULFILMENT_HELP = {
    "auto": _l("The action runs at once; if it fails, the item's group gets the ticket."),
    "approval": _l("An approver (a group or an agent) decides first; then the action runs."),
    "manual": _l("The item's group gets a ticket with a checklist of tasks."),
}
AUDIENCE_LABELS = {
    "everyone": _l("Everyone, also visitors who are not signed in"),
    "customers": _l("Signed-in customers"),
    "tier": _l("Customers of a tier or above"),
}
TIER_LABELS = {
    "standard": _l("Standard"),
    "silver": _l("Silver"),
    "gold": _l("Gold"),
    "vip": _l("VIP"),
}
