#!/usr/bin/env bash
# The whole test suite, from a fresh machine: creates .venv, installs the package with its dev
# extras, then runs ruff, mypy and pytest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# The MQTT tests use a real mosquitto broker, the bench smoke test its mosquitto_sub.
scripts/need-mosquitto.sh

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
