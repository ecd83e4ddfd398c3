"""Ticket pages: views/portal.py for customers, views/desk.py for agents."""
