"""Customers, their identities on every channel, merges, and the one timeline."""
