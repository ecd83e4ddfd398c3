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
preload_app = False  # each worker builds its app after the fork (its own database pool and chat hub)
