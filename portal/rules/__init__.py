"""Rules an admin builds without code: triggers at intake and on changes, automations on time since an event."""
