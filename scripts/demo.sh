#!/usr/bin/env bash
# Runs the product from a fresh machine: creates .venv, installs the package, starts omni2mqtt.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/omni2mqtt "${@:---help}"
