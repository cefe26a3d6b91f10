#!/usr/bin/env bash
# Install what XếpLoại needs on a Debian machine, and start the services the tests use.
#   scripts/bootstrap.sh install    system packages (if missing), virtualenv, npm packages, messages
#   scripts/bootstrap.sh services   PostgreSQL and Redis running, the test role and database present
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY=$VENV/bin/python
DB_ROLE=xeploai
DB_PASSWORD=xeploai

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Each need is "test:package": the package is installed only when the test fails. A command is
# checked as a command, so a Node.js or Python installed another way (nodesource, pyenv) counts.
have() {
    case "$1" in
        cmd=*) command -v "${1#cmd=}" >/dev/null 2>&1 ;;
        file=*) [ -e "${1#file=}" ] ;;
        venv) python3 -c "import venv, ensurepip" >/dev/null 2>&1 ;;
        *) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" ;;
    esac
}

apt_install() {
    local missing=() need
    for need in "$@"; do
        have "${need%%:*}" || missing+=("${need##*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing Debian packages: ${missing[*]} (run as root)"
        sudo=sudo
    fi
    say "apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || die "apt-get could not install: ${missing[*]}"
}

# Base system: Python with venv, Node for the front-end packages, gettext for translations,
# Pango and fonts for WeasyPrint PDFs with Vietnamese text.
BASE_NEEDS=(cmd=python3:python3 venv:python3-venv cmd=node:nodejs cmd=npm:npm cmd=make:make
            cmd=msgfmt:gettext libpango-1.0-0:libpango-1.0-0 libpangoft2-1.0-0:libpangoft2-1.0-0
            libharfbuzz-subset0:libharfbuzz-subset0 fonts-dejavu-core:fonts-dejavu-core
            fonts-liberation:fonts-liberation fonts-noto-core:fonts-noto-core)
# The test suite: real PostgreSQL and Redis, the system Chromium for Playwright, pdftotext.
TEST_NEEDS=(cmd=pg_ctlcluster:postgresql cmd=redis-server:redis-server
            file=/usr/bin/chromium:chromium cmd=pdftotext:poppler-utils)

install() {
    local extra=("$@")
    apt_install "${BASE_NEEDS[@]}" "${extra[@]}"
    if [ ! -x "$PY" ]; then
        say "creating the virtualenv in $VENV"
        python3 -m venv "$VENV" || die "python3 -m venv failed (is python3-venv installed?)"
    fi
    local stamp=$VENV/.installed
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "installing Python packages"
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -e ".[dev]"
        touch "$stamp"
    fi
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
        say "installing front-end packages from the npm registry"
        npm ci --no-audit --no-fund --loglevel=error
        touch node_modules
    fi
    "$PY" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
}

start_postgres() {
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || die "PostgreSQL is not installed (apt-get install postgresql)"
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start \
        || die "could not start PostgreSQL $version (see /var/log/postgresql/)"
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
    die "PostgreSQL did not answer on 127.0.0.1:5432"
}

start_redis() {
    if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
    command -v redis-server >/dev/null || die "Redis is not installed (apt-get install redis-server)"
    say "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/xeploai.log
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.5; done
    die "Redis did not answer on 127.0.0.1:6379"
}

psql_admin() {
    # Trust auth (as on our machines) or the postgres system account (a fresh Debian install).
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"
    else
        runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"
    fi
}

services() {
    start_postgres
    start_redis
    if [ "$(psql_admin "select 1 from pg_roles where rolname='$DB_ROLE'")" != "1" ]; then
        say "creating the PostgreSQL role $DB_ROLE"
        psql_admin "create role $DB_ROLE login createdb password '$DB_PASSWORD'"
    fi
    if [ "$(psql_admin "select 1 from pg_database where datname='$DB_ROLE'")" != "1" ]; then
        psql_admin "create database $DB_ROLE owner $DB_ROLE"
    fi
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (apt-get install chromium)"
}

case "${1:-}" in
    install) install ;;
    install-test) install "${TEST_NEEDS[@]}" ;;
    services) services ;;
    *) die "usage: $0 install|install-test|services" ;;
esac
