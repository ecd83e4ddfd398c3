"""gunicorn settings for `make run` (and a starting point for production).

Worker model: gthread (threads), many per process. Live chat long-polls: each waiting widget or console holds a
request for up to 25 s while sleeping on a threading.Event, without a database connection, so a thread costs a
little memory and no CPU. Keep workers × threads above the number of open chat widgets plus agents' consoles
(plus head-room for ordinary pages); beyond that, new requests queue. See docs/decisions.md ("Chat: …").
"""

import multiprocessing
import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS") or 100)
# Room for kept-alive idle connections besides the busy threads; past that a worker stops taking connections, so
# that a new long-poll goes to a worker with free threads instead of queueing behind sleeping ones.
worker_connections = threads * 2
keepalive = 5  # a long-poll that just answered is asked again at once, on the same connection
timeout = 60
graceful_timeout = 10
accesslog = "-"
# The app (and the Korean morphological model of search, ~300 MB) is loaded once in the master and shared by
# the forked workers instead of once per worker. The chat hub and its watcher threads start on first use, so
# after the fork, in each worker; database connections the master may have opened are dropped in post_fork.
preload_app = True


def when_ready(server):  # runs in the master after the app is loaded, before workers fork
    from portal.search.analyzers import preload

    preload()


def post_fork(server, worker):  # each worker opens its own database connections
    from portal.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)
