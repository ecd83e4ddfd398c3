"""Tickets, messages, attachments, the agent queue and the one door (intake)."""
