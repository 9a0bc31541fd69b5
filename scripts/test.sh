#!/usr/bin/env bash
# The whole test suite, from a fresh machine: creates .venv, installs the package with its dev
# extras, then runs ruff, mypy and pytest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# The MQTT tests use a real mosquitto broker (Debian package), installed here when missing.
if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing mosquitto"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
    else
        echo "mosquitto is missing: install it (e.g. apt-get install mosquitto) and rerun" >&2
        exit 1
    fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev,demo]"

echo "== ruff"
.venv/bin/ruff check omni2mqtt tests bench
echo "== mypy"
.venv/bin/mypy
echo "== Home Assistant for tests/e2e (cached after the first run)"
scripts/ha-venv.sh || echo "WARNING: Home Assistant could not be installed: tests/e2e will be SKIPPED" >&2
echo "== pytest"
.venv/bin/pytest "$@"
