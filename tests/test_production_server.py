"""The production command (`make serve`): gunicorn with production settings and WhiteNoise.

Starts the real server in a subprocess on the test database and asks it for the login page and a
static file, as a browser behind the TLS proxy would.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "XEPLOAI_BIND": f"127.0.0.1:{port}",
        "XEPLOAI_WORKERS": "2",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    proc = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.2)
    yield base, tmp_path / "static"
    proc.terminate()
    proc.wait(timeout=30)


def get(url: str, **headers) -> urllib.request.Request:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    return urllib.request.urlopen(request, timeout=20)


def test_it_serves_the_login_page_in_vietnamese(server):
    base, _ = server
    with get(f"{base}/accounts/login/") as response:
        assert response.status == 200
        body = response.read().decode()
    assert "Đăng nhập" in body
    # Static links carry content hashes, so browsers may cache them for ever.
    assert "/static/vendor/bootstrap/css/bootstrap.min." in body
    assert "bootstrap.min.css" not in body


def test_it_serves_hashed_static_files_compressed_and_cached(server):
    base, static_root = server
    hashed = next((static_root / "vendor" / "bootstrap" / "css").glob("bootstrap.min.*.css"))
    url = f"{base}/static/vendor/bootstrap/css/{hashed.name}"
    with get(url, **{"Accept-Encoding": "gzip"}) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]


def test_it_redirects_plain_http_to_https(server):
    base, _ = server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as error:
        opener.open(f"{base}/accounts/login/", timeout=20)
    assert error.value.code == 301
    assert error.value.headers["Location"].startswith("https://")
