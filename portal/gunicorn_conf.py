"""gunicorn settings for `make run` (and a starting point for production)."""

import multiprocessing

# Threads keep long-polling pages (chat, presence) from blocking other requests.
worker_class = "gthread"
workers = min(4, multiprocessing.cpu_count() + 1)
threads = 16
timeout = 60
graceful_timeout = 10
accesslog = "-"
preload_app = False
