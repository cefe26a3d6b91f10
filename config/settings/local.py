"""The quick demo: embedded SQLite unless DATABASE_URL names another database."""

from .base import *  # noqa: F403

DEBUG = True
