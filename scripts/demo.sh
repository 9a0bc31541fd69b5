#!/usr/bin/env bash
# Runs the product from a fresh machine: creates .venv, installs the package with the demo's
# embedded MQTT broker, then runs `omni2mqtt demo`. Options go to the demo
# (`./scripts/demo.sh --mqtt-port 1884`); a subcommand runs that instead
# (`./scripts/demo.sh run --config config.yaml`).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[demo]"
if [ $# -eq 0 ] || [[ "$1" == -* && "$1" != -h && "$1" != --help && "$1" != --version ]]; then
    set -- demo "$@"
fi
exec .venv/bin/omni2mqtt "$@"
