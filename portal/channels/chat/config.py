"""The chat's settings and their defaults (instance/config.py or create_app(config) override them)."""

from __future__ import annotations

from flask import Flask

DEFAULTS = {
    "CHAT_FANOUT": "auto",  # auto (Redis when REDIS_URL is set, else database), database, redis, local
    "CHAT_POLL_INTERVAL": 0.1,  # seconds between the database watcher's reads (cross-process latency)
    "CHAT_SAFETY_INTERVAL": 5.0,  # with Redis: the database watcher's slower pace, for lost notices
    "CHAT_WAIT_MAX": 25,  # longest long-poll, in seconds
    "CHAT_MESSAGE_MAX_CHARS": 2000,
    "CHAT_RATE_PER_MINUTE": 20,  # messages a customer may send per chat and minute
    "CHAT_BURST": 5,  # … and within any 5 seconds
    "CHAT_MAX_LIVE_PER_CUSTOMER": 3,
    "CHAT_RATELIMIT_START": "10 per minute;60 per hour",  # new chats per address (Flask-Limiter)
    "CHAT_PRESENCE_TIMEOUT": 90,  # an "online" agent whose console went quiet this long counts as offline
    "CHAT_IDLE_MINUTES": 15,  # a chat still with the bot, untouched this long, ends
    "CHAT_CUSTOMER_GONE_MINUTES": 10,  # a customer whose widget stopped asking this long has left
    "CHAT_BUSINESS_HOURS": "",  # default until an admin sets them, e.g. "mon-fri 09:00-18:00"; "" = always
    "CHAT_BOT_NAME": "Hana bot",
}


def init_app(app: Flask) -> None:
    """Fill in the defaults that no other layer set."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
