#!/usr/bin/env bash
# The whole test suite, from a fresh machine: creates .venv, installs the package with its dev
# extras, then runs ruff, mypy and pytest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

echo "== ruff"
.venv/bin/ruff check omni2mqtt tests
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
