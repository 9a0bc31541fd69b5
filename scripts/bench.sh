#!/usr/bin/env bash
# The benchmarks (design section 6): every figure against a baseline measured in the same run,
# printed beside its target and written with the machine's details to docs/benchmarks.md.
# About 4 minutes. Never fails on a missed target. Arguments go to `python -m bench`
# (--quick for a few seconds, --only live|startup, --help).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/need-mosquitto.sh

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
fi
exec .venv/bin/python -m bench "$@"
