"""gunicorn settings for `make run` (and a starting point for production)."""

import multiprocessing

# Threads keep long-polling pages (chat, presence) from blocking other requests.
worker_class = "gthread"
workers = min(4, multiprocessing.cpu_count() + 1)
threads = 16
timeout = 60
graceful_timeout = 10
accesslog = "-"
# The app (and the Korean morphological model of search, ~300 MB) is loaded once in the master and shared by
# the forked workers instead of once per worker.
preload_app = True


def when_ready(server):  # runs in the master after the app is loaded, before workers fork
    from portal.search.analyzers import preload

    preload()
