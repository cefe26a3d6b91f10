"""Production: every secret comes from the environment; a missing one stops the start-up."""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env


def required(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"Thiếu biến môi trường {name} (environment variable {name} is not set)."
        )
    return value


SECRET_KEY = required("DJANGO_SECRET_KEY")
DATABASES = {
    "default": dj_database_url.parse(
        required("DATABASE_URL"), conn_max_age=60, conn_health_checks=True
    )
}
ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS").split(",")
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a TLS proxy (the normal case) plain HTTP is redirected; set 0 only for a closed trial.
SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", "1") != "0"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Static files straight from the app server, right after the security middleware (WhiteNoise);
# development serves them through runserver.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
# Hashed names (cache forever) and gzip/brotli copies made once by `collectstatic`; WhiteNoise
# serves them from the app server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A cache every process shares: django-ratelimit counts password reset requests in it.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
}
SILENCED_SYSTEM_CHECKS = []
