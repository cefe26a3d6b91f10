"""The test suite runs on PostgreSQL (the production database), never on SQLite."""

from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": dj_database_url.parse(
        env("TEST_DATABASE_URL", "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai"),
        conn_max_age=0,
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "/tmp/xeploai-mail")
# Tests talk to their own Redis database, apart from a developer's demo.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
DEBUG = False
# django-axes needs the request in authenticate(); the test client's login() has none. The
# lock-out tests switch it back on.
AXES_ENABLED = False
# Export files of the test run (shared with the Celery worker the tests start).
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", "/tmp/xeploai-test-media"))
