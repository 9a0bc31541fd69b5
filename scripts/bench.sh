#!/usr/bin/env bash
# The benchmarks (design section 6): every figure against a baseline measured in the same run,
# printed beside its target and written with the machine's details to docs/benchmarks.md.
# About 4 minutes. Never fails on a missed target. Arguments go to `python -m bench`
# (--quick for a few seconds, --only live|startup, --help).
set -euo pipefail
cd "$(dirname "$0")/.."

# A real broker and its command-line clients (Debian packages), installed when missing.
if ! command -v mosquitto_sub >/dev/null 2>&1 || { ! command -v mosquitto >/dev/null 2>&1 \
        && [ ! -x /usr/sbin/mosquitto ]; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing mosquitto"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
    else
        echo "mosquitto and mosquitto-clients are needed: install them and rerun" >&2
        exit 1
    fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
fi
exec .venv/bin/python -m bench "$@"
