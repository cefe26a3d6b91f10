"""Gunicorn settings for `make serve` (production settings; see README, "Serving for real use").

Sync workers: every request is short (reports and large exports run on Celery), so a worker per
core and one spare keeps latency flat; threads let a worker overlap database waits.
"""

import multiprocessing
import os

bind = os.environ.get("XEPLOAI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("XEPLOAI_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("XEPLOAI_THREADS", "4"))
worker_class = "gthread"
# A request that takes longer is a bug to fix (or a job for Celery), not a reason to wait.
timeout = int(os.environ.get("XEPLOAI_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then, so a slow leak never grows unbounded
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("XEPLOAI_FORWARDED_ALLOW_IPS", "127.0.0.1")
