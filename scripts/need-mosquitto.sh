#!/usr/bin/env bash
# The real broker and its command-line clients (Debian packages mosquitto, mosquitto-clients)
# that the tests and the bench use, installed when missing (as root with apt-get).
set -euo pipefail

if ! command -v mosquitto_sub >/dev/null 2>&1 || { ! command -v mosquitto >/dev/null 2>&1 \
        && [ ! -x /usr/sbin/mosquitto ]; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing mosquitto"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
    else
        echo "mosquitto and mosquitto-clients are needed: install them" \
            "(e.g. apt-get install mosquitto mosquitto-clients) and rerun" >&2
        exit 1
    fi
fi
