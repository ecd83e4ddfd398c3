"""Proactive incident notices: a banner, mail to the affected customers, linked tickets solved together."""
