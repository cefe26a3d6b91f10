"""What the trust tests share: a Redis database of their own (14; 15 is the rest of the suite's),
a queue per test, and real Celery workers started against this test database."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from config.celery_app import app

BROKER = "redis://127.0.0.1:6379/14"


def database_url() -> str:
    """The test database this process uses, for the processes it starts."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def point_celery_at(broker: str, results: str) -> None:
    """Send this process's tasks to `broker`. The producer pool and the result backend keep the
    URL they were made with, and Celery has no public way to drop them (app.close() also
    unregisters the app), hence the private attributes."""
    app.conf.broker_url, app.conf.result_backend = broker, results
    # Celery 5.7 resolves the read and write URLs from broker_url once, at configuration.
    app.conf.broker_read_url = app.conf.broker_write_url = broker
    app._pool = None  # kombu keeps one pool per URL and shares it: dropped here, never closed
    app.amqp._producer_pool = None
    app._backend_cache = None
    vars(app._local).pop("backend", None)


@pytest.fixture(autouse=True)
def own_broker():
    """Every task a trust test enqueues goes to Redis database 14, on a queue of its own that is
    deleted afterwards."""
    previous = app.conf.broker_url, app.conf.result_backend, app.conf.task_default_queue
    queue = f"trust-{uuid.uuid4().hex[:8]}"
    point_celery_at(BROKER, BROKER)
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        point_celery_at(previous[0], previous[1])
        app.conf.task_default_queue = previous[2]
        store = redis.Redis.from_url(BROKER)
        keys = list(store.scan_iter(f"*{queue}*"))  # the queue and kombu's bindings of it
        if keys:
            store.delete(*keys)
        store.close()


def start_worker(queue: str, log: Path, **env: str) -> subprocess.Popen:
    """A real worker (one process, solo pool) on `queue`, writing to `log`."""
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q", queue]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def free_port() -> int:
    """A port nothing listens on (the kernel's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
