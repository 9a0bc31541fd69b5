#!/usr/bin/env bash
# Installs Home Assistant 2024.3.3 (the newest release that installs on Python 3.11) into its own
# venv for the end-to-end test (tests/e2e). Its pins clash with ours, hence a separate venv; it is
# ~700 MB and takes about a minute, so it lives in a cache dir and a marker file makes reruns
# instant. Idempotent: an interrupted install (no marker) is wiped and redone.
#
#   scripts/ha-venv.sh            # installs into $OMNI2MQTT_HA_VENV (default below), prints its path
#   OMNI2MQTT_HA_VENV=/tmp/ha scripts/ha-venv.sh
#   OMNI2MQTT_HA_PYTHON=python3.12 scripts/ha-venv.sh   # default: python3.11, python3.12, python3
#
# Exit status: 0 when the venv is ready (its path is the last line printed), non-zero with a
# message on stderr when the install is impossible here (no suitable Python, no network ...).
set -euo pipefail

HA_VERSION=2024.3.3
VENV="${OMNI2MQTT_HA_VENV:-$HOME/.cache/omni2mqtt/ha-$HA_VERSION}"
VENV="${VENV%/}"
MARKER="$VENV/.omni2mqtt-ha-complete"
LOG="$VENV.install.log"
# The set known to work with HA's own package_constraints.txt (design section 5): HA would
# otherwise install these at start-up, which --skip-pip forbids.
PINNED=(
    "homeassistant==$HA_VERSION" Pillow==10.2.0 PyTurboJPEG==1.7.1 SQLAlchemy==2.0.27
    aiohttp-fast-url-dispatcher==0.3.0 aiohttp-zlib-ng==0.3.1 aiohttp_cors==0.7.0
    fnv-hash-fast==0.5.0 home-assistant-frontend==20240307.0 ifaddr==0.2.0 janus==1.0.0
    paho-mqtt==1.6.1 psutil-home-assistant==0.0.1 securetar==2024.2.1 "josepy<2"
)

fail() {
    echo "ha-venv: cannot install Home Assistant $HA_VERSION: $*" >&2
    if [ -s "$LOG" ]; then
        echo "ha-venv: the end of $LOG:" >&2
        grep -v "^WARNING: Location" "$LOG" | tail -n 25 >&2 || true
    fi
    exit 1
}

if [ -f "$MARKER" ] && [ -x "$VENV/bin/hass" ]; then
    echo "ha-venv: Home Assistant $HA_VERSION already installed (cached)"
    echo "$VENV"
    exit 0
fi

mkdir -p "$(dirname "$VENV")" || fail "cannot create $(dirname "$VENV")"
# One install at a time (the test script and the pytest fixture may both call this).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENV.lock"
    flock 9
    if [ -f "$MARKER" ] && [ -x "$VENV/bin/hass" ]; then
        echo "ha-venv: Home Assistant $HA_VERSION installed by another run"
        echo "$VENV"
        exit 0
    fi
fi

# HA 2024.3 supports Python 3.11 and 3.12 only.
supported() {
    "$1" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' \
        >/dev/null 2>&1
}
PYTHON=""
for candidate in ${OMNI2MQTT_HA_PYTHON:-python3.11 python3.12 python3}; do
    if command -v "$candidate" >/dev/null 2>&1 && supported "$candidate"; then
        PYTHON="$candidate"
        break
    fi
done
[ -n "$PYTHON" ] || fail "it needs Python 3.11 or 3.12 (tried: ${OMNI2MQTT_HA_PYTHON:-python3.11 python3.12 python3})"

# Never wipe a directory that is not an (interrupted) venv of ours: the path is configurable.
if [ -e "$VENV" ]; then
    if [ -f "$VENV/pyvenv.cfg" ] || [ -z "$(ls -A "$VENV")" ]; then
        echo "ha-venv: removing the incomplete install in $VENV"
        rm -rf "$VENV"
    else
        fail "$VENV exists and is not a venv: remove it or set OMNI2MQTT_HA_VENV elsewhere"
    fi
fi

echo "ha-venv: installing Home Assistant $HA_VERSION with $PYTHON into $VENV"
echo "ha-venv: (about a minute and ~700 MB, once; pip's output goes to $LOG)"
: >"$LOG"
"$PYTHON" -m venv "$VENV" >>"$LOG" 2>&1 \
    || fail "python -m venv failed (Debian: apt-get install python3-venv)"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install --upgrade pip wheel >>"$LOG" 2>&1 || fail "cannot upgrade pip in the venv"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "ha-venv: downloading the homeassistant wheel for its package_constraints.txt"
"${PIP[@]}" download --no-deps --only-binary=:all: --dest "$WORK" \
    "homeassistant==$HA_VERSION" >>"$LOG" 2>&1 \
    || fail "cannot download homeassistant==$HA_VERSION from PyPI"
"$VENV/bin/python" - "$WORK" <<'EOF' || fail "no package_constraints.txt in the wheel"
import pathlib, sys, zipfile
work = pathlib.Path(sys.argv[1])
wheel = next(work.glob("homeassistant-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    data = archive.read("homeassistant/package_constraints.txt").decode()
# Plain pins only: options such as -c or --extra-index-url would point at files not here.
lines = [line for line in data.splitlines() if line.strip() and not line.startswith("-")]
(work / "constraints.txt").write_text("\n".join(lines) + "\n")
EOF

echo "ha-venv: pip install -c package_constraints.txt ${PINNED[*]}"
"${PIP[@]}" install -c "$WORK/constraints.txt" "${PINNED[@]}" >>"$LOG" 2>&1 \
    || fail "pip install failed"
"$VENV/bin/hass" --version >>"$LOG" 2>&1 || fail "hass does not run after the install"

touch "$MARKER"
echo "ha-venv: done"
echo "$VENV"
