"""Hana (하나): one customer history across every channel."""

from portal.app import create_app

__all__ = ["create_app"]
