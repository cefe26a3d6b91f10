"""The quick demo: embedded SQLite unless DATABASE_URL names another database."""

from .base import *  # noqa: F403

DEBUG = True

# The demo starts no Celery worker: the jobs that run in the background in production (the
# dossier's archive, large exports and imports, notices) run in the request that asks for them,
# so a button never waits for a worker that is not there. With a worker started
# (`celery -A config worker`), CELERY_TASK_ALWAYS_EAGER=0 queues them on Redis as in production.
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", "1") == "1"  # noqa: F405
